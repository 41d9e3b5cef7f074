import { ensureDashboardBuilt } from './dashboard-build.ts'

/** Vitest's global setup: what every test run needs once, before files run in parallel. */
export function setup(): void {
  ensureDashboardBuilt()
}
