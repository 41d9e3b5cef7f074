import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { REPO_ROOT } from './process.ts'

const UI = join(REPO_ROOT, 'ui')

/** The newest modification time (ms) of a file under `path` (a file or a folder). */
function newestMtime(path: string): number {
  const st = statSync(path)
  if (!st.isDirectory()) return st.mtimeMs
  let newest = 0
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)))
  return newest
}

/**
 * Builds `ui/dist` when it is missing or older than a dashboard source (`ui/src`,
 * `ui/index.html`, `ui/vite.config.ts`, `ui/package.json`), so the browser tests never drive
 * an old build: `npm run build:ui` when `ui/node_modules` is missing, else `vite build` only;
 * bounded to 3 minutes. Run once per test run by the global setup (vitest.config.ts), before
 * test files run in parallel.
 */
export function ensureDashboardBuilt(): void {
  const built = join(UI, 'dist', 'index.html')
  const sources = ['src', 'index.html', 'vite.config.ts', 'package.json'].map((p) => join(UI, p))
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(...sources.map(newestMtime))) return
  const args = existsSync(join(UI, 'node_modules'))
    ? ['--prefix', 'ui', 'run', 'build']
    : ['run', 'build:ui']
  execFileSync('npm', args, { cwd: REPO_ROOT, stdio: 'ignore', timeout: 180_000 })
}
