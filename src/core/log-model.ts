import type { SqlValue } from '../tools/db/db.ts'
import type { LogEntry } from '../tools/logger/logger.ts'
import { formatDate } from '../tools/types/datetime.ts'

/** The logs table of `auxiliary.db` (PocketBase `core.LogsTableName`). */
export const LOGS_TABLE = '_logs'

/** The `data` size limit used when `settings.logs.maxDataSize` is 0: 16 KiB (PocketBase). */
export const DEFAULT_MAX_LOG_DATA_SIZE = 16 << 10

/** Longest stored message in bytes (PocketBase `defaultMaxLogMessageSize`). */
export const MAX_LOG_MESSAGE_SIZE = 8000

/** The key PocketBase adds to a truncated `data` object. */
export const TRUNCATED_KEY = '__pb_truncated__'

/**
 * A stored log (PocketBase `core.Log`), in its wire shape and key order: `{id, created, data,
 * message, level}`.
 */
export interface Log {
  id: string
  created: string
  data: { [key: string]: unknown }
  message: string
  level: number
}

/** Converts a `_logs` row to a {@link Log} (`data` parsed; invalid JSON gives `{}`). */
export function logFromRow(row: { [key: string]: unknown }): Log {
  let data: { [key: string]: unknown } = {}
  try {
    const parsed = JSON.parse(String(row.data ?? '{}'))
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) data = parsed
  } catch {
    // a hand-edited row: keep the empty object like PocketBase's JSONMap scan
  }
  return {
    id: String(row.id ?? ''),
    created: String(row.created ?? ''),
    data,
    message: String(row.message ?? ''),
    level: Number(row.level ?? 0),
  }
}

/**
 * The column values `[level, message, data, created]` of one entry as PocketBase writes them
 * (`Log.DBExport`): `data` as JSON with sorted keys (Go's map order, so rows look the same),
 * cut to `maxDataSize` bytes (0 → 16 KiB) by keeping the leading keys that fit and adding
 * `"__pb_truncated__": true`; the message cut to 8000 bytes.
 */
export function exportLogEntry(entry: LogEntry, maxDataSize: number): SqlValue[] {
  const limit = maxDataSize > 0 ? maxDataSize : DEFAULT_MAX_LOG_DATA_SIZE
  let json = sortedJson(entry.data)
  // NOTE: a UTF-8 byte count is needed only when the text could exceed the limit.
  if (json.length * 3 > limit && Buffer.byteLength(json) > limit)
    json = truncateData(entry.data, limit)
  let message = entry.message
  if (
    message.length * 3 > MAX_LOG_MESSAGE_SIZE &&
    Buffer.byteLength(message) > MAX_LOG_MESSAGE_SIZE
  ) {
    message = Buffer.from(message).subarray(0, MAX_LOG_MESSAGE_SIZE).toString('utf8')
  }
  return [entry.level, message, json, logDate(entry.time)]
}

// NOTE: the entries of one batch mostly share their second; its text is formatted once.
let lastSecond = Number.NaN
let lastSecondText = ''

/** `formatDate` for epoch milliseconds, reusing the formatted second of the previous call. */
function logDate(ms: number): string {
  const second = Math.floor(ms / 1000)
  if (second !== lastSecond) {
    lastSecond = second
    lastSecondText = formatDate(new Date(second * 1000)).slice(0, 19)
  }
  return `${lastSecondText}.${String(ms - second * 1000).padStart(3, '0')}Z`
}

/** The leading (sorted) keys whose JSON fits in `limit` bytes, plus the truncation marker. */
function truncateData(data: { readonly [key: string]: unknown }, limit: number): string {
  const out: { [key: string]: unknown } = {}
  let size = 2 // the braces
  for (const key of Object.keys(data).sort()) {
    const part = `${JSON.stringify(key)}:${sortedJson(data[key])}`
    const added = Buffer.byteLength(part) + (size > 2 ? 1 : 0)
    if (size + added > limit) break
    out[key] = data[key]
    size += added
  }
  out[TRUNCATED_KEY] = true
  return sortedJson(out)
}

/**
 * `JSON.stringify` with object keys sorted at every depth (Go's encoding of maps). Objects whose
 * keys are already in order are not copied.
 */
export function sortedJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'null'
}

function sortKeys(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined
    for (let i = 0; i < value.length; i++) {
      const v = sortKeys(value[i])
      if (v !== value[i]) {
        copy ??= value.slice()
        copy[i] = v
      }
    }
    return copy ?? value
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value
  const obj = value as { [key: string]: unknown }
  const keys = Object.keys(obj)
  let ordered = true
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1]! > keys[i]!) {
      ordered = false
      break
    }
  }
  let changed = !ordered
  const values = new Array<unknown>(keys.length)
  for (let i = 0; i < keys.length; i++) {
    const v = obj[keys[i]!]
    values[i] = sortKeys(v)
    if (values[i] !== v) changed = true
  }
  if (!changed) return value
  const order = keys.map((k, i) => [k, values[i]] as const)
  if (!ordered) order.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  const out: { [key: string]: unknown } = {}
  for (const [k, v] of order) out[k] = v
  return out
}
