import { BatchHandler, type LogEntry, Logger } from '../tools/logger/logger.ts'
import type { App } from './app.ts'
import { writeLogs } from './log-query.ts'

/**
 * Creates the app's logger (PocketBase `initLogger`): entries are buffered and written to
 * `auxiliary.db` `_logs` in batches (every 3 s or 200 entries; `app.close()` writes the rest),
 * keeping only levels ≥ `settings.logs.minLevel` and nothing while `settings.logs.maxDays` is 0.
 * With `--dev` every entry, of any level, is also printed to stdout ({@link printLogEntry};
 * replace it with `app.logger().setPrinter(fn)`).
 */
export function createAppLogger(app: App): Logger {
  const handler = new BatchHandler({
    batchSize: 200,
    flushIntervalMs: 3000,
    accept: (entry) => {
      const logs = app.settings().logs
      return logs.maxDays > 0 && entry.level >= logs.minLevel
    },
    write: (entries) => writeLogs(app, entries),
  })
  if (app.config.dev) handler.print = printLogEntry
  return new Logger(handler)
}

/**
 * The default `--dev` printer: `LEVEL message` on stdout, then `└─ error` for entries carrying
 * an `error` attribute, or the attributes as JSON for entries that are not request logs.
 */
export function printLogEntry(entry: LogEntry): void {
  let line = `${levelName(entry.level)} ${entry.message}\n`
  const { data } = entry
  if (typeof data.error === 'string' && data.error !== '') line += `└─ ${data.error}\n`
  else if (data.type !== 'request' && Object.keys(data).length > 0) {
    line += `└─ ${JSON.stringify(data)}\n`
  }
  process.stdout.write(line)
}

/** Go slog's level names (`DEBUG`, `INFO`, `WARN`, `ERROR`, or e.g. `INFO+2` in between). */
export function levelName(level: number): string {
  const base = level < 0 ? -4 : level < 4 ? 0 : level < 8 ? 4 : 8
  const name = base === -4 ? 'DEBUG' : base === 0 ? 'INFO' : base === 4 ? 'WARN' : 'ERROR'
  return level === base ? name : `${name}${level > base ? '+' : ''}${level - base}`
}
