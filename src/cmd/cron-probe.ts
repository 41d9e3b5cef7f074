import type { App } from '../core/app.ts'

/** The job id of the probe (listed by `GET /api/crons` when the probe is on). */
export const CRON_PROBE_JOB = '__satchelCronProbe__'

/**
 * The `auxiliary.db` table the probe writes: one row per run, `pid` of the process that ran it
 * and `scheduled` (the tick in unix ms; NULL for a manual run).
 */
export const CRON_PROBE_TABLE = '_satchelCronProbe'

/**
 * Test-only (`test/cron-workers.test.ts`): with `SATCHEL_CRON_PROBE=<seconds>` in the
 * environment, `serve` ticks every `seconds` instead of every minute and registers the job
 * {@link CRON_PROBE_JOB} (`* * * * *`, so due on every tick), whose only effect is a row in
 * {@link CRON_PROBE_TABLE}. Counting rows per tick shows whether a scheduled run happened once
 * across all worker processes. Does nothing when `value` is unset or empty.
 */
export async function installCronProbe(app: App, value: string | undefined): Promise<void> {
  if (!value) return
  const q = app.auxDb.dialect.quoteIdent
  await app.auxDb.exec(
    app.auxDb.dialect.createTable(
      CRON_PROBE_TABLE,
      [`${q('pid')} INTEGER NOT NULL`, `${q('scheduled')} INTEGER`],
      { ifNotExists: true },
    ),
  )
  app.cron().setInterval(Number(value))
  const insert = `INSERT INTO ${q(CRON_PROBE_TABLE)} (${q('pid')}, ${q('scheduled')}) VALUES (?, ?)`
  app.cron().add(CRON_PROBE_JOB, '* * * * *', async (run) => {
    await app.auxDb.run(insert, [process.pid, run.scheduledAt?.getTime() ?? null])
  })
}
