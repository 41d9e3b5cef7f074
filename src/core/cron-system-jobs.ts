import type { App } from './app.ts'
import { purgeExpiredAuthRefs } from './auth-system-records.ts'

/** PocketBase's ids and schedules of the system jobs registered here (`GET /api/crons`). */
export const SYSTEM_CRON_JOBS = Object.freeze({
  dbOptimize: { id: '__pbDBOptimize__', expression: '0 0 * * *' },
  mfaCleanup: { id: '__pbMFACleanup__', expression: '0 * * * *' },
  otpCleanup: { id: '__pbOTPCleanup__', expression: '0 * * * *' },
})

/**
 * Registers PocketBase's system jobs on `app.cron()` (PocketBase registers them at bootstrap,
 * in this order): `__pbDBOptimize__` checkpoints the WAL of both databases and lets SQLite
 * re-analyze `data.db`; `__pbMFACleanup__` / `__pbOTPCleanup__` delete the `_mfas` / `_otps`
 * rows older than each auth collection's `mfa.duration` / `otp.duration`. The logs cleanup,
 * auto backup and rate-limiter cleanup jobs are registered by their own features.
 */
export function registerSystemCronJobs(app: App): void {
  const { dbOptimize, mfaCleanup, otpCleanup } = SYSTEM_CRON_JOBS
  app.cron().add(dbOptimize.id, dbOptimize.expression, () => optimizeDatabases(app))
  app.cron().add(mfaCleanup.id, mfaCleanup.expression, () => deleteExpiredAuthRefs(app, '_mfas'))
  app.cron().add(otpCleanup.id, otpCleanup.expression, () => deleteExpiredAuthRefs(app, '_otps'))
}

/** `__pbDBOptimize__`: WAL checkpoint on both databases, `PRAGMA optimize` on `data.db`. */
export async function optimizeDatabases(app: App): Promise<void> {
  for (const sql of app.db.dialect.optimizeStatements(true)) await app.db.exec(sql)
  for (const sql of app.auxDb.dialect.optimizeStatements(false)) await app.auxDb.exec(sql)
}

/**
 * Deletes the expired `_mfas` or `_otps` rows of every auth collection (PocketBase
 * `DeleteExpiredMFAs` / `DeleteExpiredOTPs`), each by its own collection's duration.
 */
export async function deleteExpiredAuthRefs(app: App, table: '_mfas' | '_otps'): Promise<void> {
  if (app.findCollection(table) === undefined) return
  for (const c of app.collections()) {
    const auth = c.auth
    if (!c.isAuth || auth === undefined) continue
    const seconds = table === '_mfas' ? auth.mfa.duration : auth.otp.duration
    await purgeExpiredAuthRefs(app, table, c.id, seconds)
  }
}
