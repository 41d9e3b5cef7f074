import { PRIMARY_PLAN_ENV, type PrimaryPlan, RESTORE_ENV, runPrimary } from './serve-primary.ts'

// The program the primary process of `serve --workers` becomes (`process.execve`) once the data
// dir is set up: the plan comes in PRIMARY_PLAN_ENV. A restore runs the original command line
// again (same process), which swaps pb_data before its setup (RESTORE_ENV).
// NOTE: kept apart from serve.ts so this process loads none of the server's modules.

const raw = process.env[PRIMARY_PLAN_ENV]
if (raw !== undefined) {
  delete process.env[PRIMARY_PLAN_ENV]
  const plan = JSON.parse(raw) as PrimaryPlan
  runPrimary(plan, async (pending) => {
    process.execve?.(
      process.execPath,
      [process.execPath, ...plan.execArgv, plan.exec, ...plan.args],
      { ...process.env, [RESTORE_ENV]: JSON.stringify(pending) },
    )
  })
}
