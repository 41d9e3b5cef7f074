import { type Db, NoRowsError, type SqlValue } from '../tools/db/db.ts'
import type { LogEntry } from '../tools/logger/logger.ts'
import { SelectQuery, type Sql } from '../tools/search/select-query.ts'
import { SimpleFieldResolver } from '../tools/search/simple-field-resolver.ts'
import { randomIds } from '../tools/security/random.ts'
import { formatDate } from '../tools/types/datetime.ts'
import type { App } from './app.ts'
import { exportLogEntry, LOGS_TABLE, type Log, logFromRow } from './log-model.ts'

/** Rows per INSERT statement (5 bound values each, well under SQLite's variable limit). */
const INSERT_CHUNK = 500

/**
 * Writes a batch of entries into `auxiliary.db` `_logs` (PocketBase's logger `WriteFunc`):
 * through `app.logsWriter` when set, else with {@link insertLogRows} on `app.auxDb`. Ids have
 * PocketBase's 15-character `[a-z0-9]` form (time-ordered, see `timeOrderedId`);
 * `data`/`message` are cut per `settings.logs.maxDataSize`. Throws on database errors.
 */
export async function writeLogs(app: App, entries: readonly LogEntry[]): Promise<void> {
  if (entries.length === 0) return
  const maxDataSize = app.settings().logs.maxDataSize
  const params: SqlValue[] = []
  const random = randomIds(entries.length, 7)
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!
    params.push(timeOrderedId(entry.time, random[i]!), ...exportLogEntry(entry, maxDataSize))
  }
  if (app.logsWriter !== undefined) await app.logsWriter(params)
  else await insertLogRows(app.auxDb, params)
}

/**
 * Inserts log rows into `_logs` of `db` with multi-row INSERTs inside one transaction:
 * `params` holds 5 values per row (id, level, message, data, created) as {@link writeLogs}
 * builds them. Throws on database errors (nothing is written then).
 */
export async function insertLogRows(db: Db, params: readonly SqlValue[]): Promise<void> {
  const rows = Math.floor(params.length / LOG_ROW_VALUES)
  if (rows === 0) return
  const q = db.dialect.quoteIdent
  const head = `INSERT INTO ${q(LOGS_TABLE)} (${q('id')}, ${q('level')}, ${q('message')}, ${q('data')}, ${q('created')}) VALUES `
  await db.transaction(async (tx) => {
    for (let start = 0; start < rows; start += INSERT_CHUNK) {
      const n = Math.min(INSERT_CHUNK, rows - start)
      const chunk = params.slice(start * LOG_ROW_VALUES, (start + n) * LOG_ROW_VALUES)
      await tx.run(head + new Array(n).fill('(?, ?, ?, ?, ?)').join(', '), chunk)
    }
  })
}

const LOG_ROW_VALUES = 5

/**
 * `wal_autocheckpoint` of the connections that write `_logs` (SQLite's default: 1000 pages).
 * Measured with PocketBase's _logs indexes after 100k rows (idx_logs_message takes rows in
 * random places): checkpoints every 10,000 pages and batches of 1,000 rows cut the CPU per row
 * from 29–32 to 19–22 µs and halved the system time, since a page changed by several commits
 * is copied back once.
 */
export const LOGS_WAL_AUTOCHECKPOINT_PAGES = 10_000

/**
 * A 15-character `[a-z0-9]` id (PocketBase's id format) that starts with the entry's time in
 * base 36 (8 characters until 2059) followed by 7 random ones.
 *
 * NOTE: PocketBase's log ids are fully random; time-ordered ones keep the inserts of a batch on
 * the last pages of the primary-key index instead of one random page per row, which keeps the
 * write cost flat as `_logs` grows (measured: random ids got ~2× slower per row by 120k rows).
 */
function timeOrderedId(time: number, random7: string): string {
  return Math.max(0, Math.trunc(time)).toString(36).padStart(8, '0').slice(-8) + random7
}

/** The filterable/sortable log fields (PocketBase `logFilterFields`): `data.<path>` too. */
export const LOG_FILTER_FIELDS = Object.freeze(['id', 'created', 'level', 'message', 'data'])

/** The filter/sort resolver over `_logs` (PocketBase's `SimpleFieldResolver` for logs). */
export function logsFieldResolver(app: App): SimpleFieldResolver {
  return new SimpleFieldResolver({
    table: LOGS_TABLE,
    columns: LOG_FILTER_FIELDS,
    jsonColumns: ['data'],
    dialect: app.auxDb.dialect,
  })
}

/** A SELECT over `_logs` (PocketBase `app.LogQuery()`). */
export function logsQuery(app: App): SelectQuery {
  return new SelectQuery(app.auxDb.dialect, LOGS_TABLE)
}

/** Finds one log by id (PocketBase `FindLogById`); throws NoRowsError when missing. */
export async function findLogById(app: App, id: string): Promise<Log> {
  const q = app.auxDb.dialect.quoteIdent
  const row = await app.auxDb.get(`SELECT * FROM ${q(LOGS_TABLE)} WHERE ${q('id')} = ? LIMIT 1`, [
    id,
  ])
  if (row === undefined) throw new NoRowsError()
  return logFromRow(row)
}

/** One hourly bucket of {@link logsStats}: `date` like `2024-01-02 15:00:00.000Z`. */
export interface LogsStatsItem {
  date: string
  total: number
}

/**
 * Counts logs per hour (PocketBase `LogsStats`), oldest hour first, optionally only those
 * matching `where` (a compiled filter over {@link logsFieldResolver}). The bucket expression is
 * the one `idx_logs_created_hour` indexes.
 */
export async function logsStats(app: App, where?: Sql): Promise<LogsStatsItem[]> {
  const d = app.auxDb.dialect
  const bucket = d.strftime("'%Y-%m-%d %H:00:00'", d.quoteIdent('created'), [])
  const query = logsQuery(app).columns(`COUNT(${d.quoteIdent('id')}) AS total`, `${bucket} AS date`)
  if (where !== undefined) query.where(where)
  const select = query.toSql()
  const rows = await app.auxDb.all<{ total: number; date: string | null }>(
    `${select.sql} GROUP BY ${bucket} ORDER BY ${bucket}`,
    select.params,
  )
  return rows.map((r) => ({
    date: r.date === null ? '' : `${r.date}.000Z`,
    total: Number(r.total),
  }))
}

/**
 * Deletes the logs created at or before `createdBefore` (PocketBase `DeleteOldLogs`, run by the
 * `__pbLogsCleanup__` job with now − `settings.logs.maxDays`). Returns the number deleted.
 */
export async function deleteOldLogs(app: App, createdBefore: Date): Promise<number> {
  const q = app.auxDb.dialect.quoteIdent
  const r = await app.auxDb.run(`DELETE FROM ${q(LOGS_TABLE)} WHERE ${q('created')} <= ?`, [
    formatDate(createdBefore),
  ])
  return r.changes
}

/**
 * The `__pbLogsCleanup__` job's work: deletes the logs older than `settings.logs.maxDays` days.
 * Failures are logged as a warning (PocketBase), never thrown.
 */
export async function cleanupOldLogs(app: App): Promise<void> {
  try {
    await deleteOldLogs(app, new Date(Date.now() - app.settings().logs.maxDays * 86_400_000))
  } catch (err) {
    app.logger().warn('Failed to delete old logs', 'error', err)
  }
}

/**
 * Deletes every log and reclaims the space (`DELETE /api/logs`, PocketBase `logsTruncate`).
 * Throws when the delete fails; a failed VACUUM is only logged as a warning.
 */
export async function truncateLogs(app: App): Promise<void> {
  await app.auxDb.run(`DELETE FROM ${app.auxDb.dialect.quoteIdent(LOGS_TABLE)}`)
  await vacuumLogs(app, 'warn')
}

/**
 * Applies new `settings.logs` to the stored logs (PocketBase's settings-reload handler): deletes
 * rows older than `maxDays` days or below `minLevel`, and with `maxDays` 0 (everything deleted)
 * reclaims the space. Failures are logged at DEBUG, never thrown.
 */
export async function cleanupLogsForSettings(app: App): Promise<void> {
  const { maxDays, minLevel } = app.settings().logs
  const q = app.auxDb.dialect.quoteIdent
  try {
    await app.auxDb.run(
      `DELETE FROM ${q(LOGS_TABLE)} WHERE ${q('created')} <= ? OR ${q('level')} < ?`,
      [formatDate(new Date(Date.now() - maxDays * 86_400_000)), minLevel],
    )
  } catch (err) {
    app.logger().debug('Failed to cleanup old logs', 'error', err)
  }
  if (maxDays === 0) await vacuumLogs(app, 'debug')
}

async function vacuumLogs(app: App, level: 'warn' | 'debug'): Promise<void> {
  try {
    await app.auxDb.exec(app.auxDb.dialect.vacuum())
  } catch (err) {
    app.logger()[level]('Failed to VACUUM aux database', 'error', err)
  }
}
