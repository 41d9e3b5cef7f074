import type { Context, Hono } from 'hono'
import type { App } from '../core/app.ts'
import type { ScriptResult } from '../tools/db/db.ts'
import { pickFields } from '../tools/picker/pick.ts'
import { badRequestError } from '../tools/router/api-error.ts'
import { required, validationError } from '../tools/validation/validation-errors.ts'
import { type Env, requireSuperuserAuth } from './middlewares.ts'
import { loadDataError, readBodyData } from './request-body.ts'

/** The longest accepted query, in UTF-8 bytes (PocketBase 0.40.4 counts bytes). */
export const SQL_MAX_QUERY_BYTES = 5000
/** The most rows a read query answers with (PocketBase `runSQLMaxRows`). */
export const SQL_MAX_ROWS = 1000
/** The time limit of a query (PocketBase `runSQLMaxTimeout`, 3 minutes). */
export const SQL_TIMEOUT_MS = 3 * 60_000

/**
 * What PocketBase 0.40.4 runs in a write transaction: a query whose upper-cased text starts
 * with one of these (after trimming; `SELECT` never). Everything else is a read query.
 */
const WRITE_PREFIXES = [
  'INSERT',
  'CREATE',
  'UPDATE',
  'DELETE',
  'DROP',
  'DETACH',
  'ALTER',
  'REPLACE',
]

/** The bus message that makes the other worker processes reload their caches. */
const RELOAD_CACHES_OP = 'sql.reloadCaches'

/**
 * Binds `POST /api/sql` (PocketBase 0.39+ SQL console, `apis/sql.go`), superusers only. After
 * every query the collections and settings caches are reloaded here and in every other worker
 * (PocketBase keeps serving its cached collections until restart; Satchel does not).
 */
export function bindSqlApi(api: Hono<Env>, app: App): void {
  app.realtime.handleMessage(RELOAD_CACHES_OP, () => app.reloadCaches())
  api.post('/sql', runSql)
}

/**
 * Body `{"query": "..."}` (JSON or form). Errors as PocketBase 0.40.4 answers them: 400 `An
 * error occurred while loading the submitted data.` for a malformed body or a non-string query;
 * 400 `An error occurred while validating the submitted data.` with `query`
 * `validation_required` (missing/empty) or `validation_length_too_long` (over 5000 bytes);
 * 400 `Failed to execute query. Raw error:\n<driver error>` when SQLite refuses it (a blank
 * query is the driver's `empty query`).
 *
 * 200 `{"execTime","affectedRows","columns","rows"}`: a write query (see WRITE_PREFIXES) runs in
 * one transaction (all its statements or none) and answers `affectedRows` (the last statement's
 * changes) with no columns or rows; a read query answers the last statement's columns (`type`
 * the declared column type, '' for expressions; `nullable` always true, like the Go driver) and
 * at most 1000 rows, every cell a string or null. `execTime` is in whole milliseconds.
 * `?fields=` picks keys, as on every PocketBase JSON response.
 */
async function runSql(c: Context<Env>): Promise<Response> {
  requireSuperuserAuth(c)
  const app = c.get('app')
  const query = await readQuery(c)
  const errors =
    query === ''
      ? { query: required() }
      : Buffer.byteLength(query, 'utf8') > SQL_MAX_QUERY_BYTES
        ? {
            query: validationError(
              'validation_length_too_long',
              `The length must be no more than ${SQL_MAX_QUERY_BYTES}.`,
              { max: SQL_MAX_QUERY_BYTES, min: 0 },
            ),
          }
        : undefined
  if (errors !== undefined) {
    throw badRequestError('An error occurred while validating the submitted data.', errors)
  }

  const started = performance.now()
  let result: ScriptResult
  let isWrite = false
  try {
    const trimmed = query.trim()
    if (trimmed === '') throw new Error('empty query')
    const upper = trimmed.toUpperCase()
    isWrite = !upper.startsWith('SELECT') && WRITE_PREFIXES.some((p) => upper.startsWith(p))
    const options = { maxRows: SQL_MAX_ROWS, timeoutMs: SQL_TIMEOUT_MS }
    result = isWrite
      ? await app.db.transaction((tx) => tx.runScript(trimmed, options))
      : await app.db.runScript(trimmed, options)
  } catch (err) {
    throw badRequestError(
      `Failed to execute query. Raw error:\n${(err as Error).message}`,
      undefined,
      {
        cause: err,
      },
    )
  } finally {
    // NOTE: raw SQL may have changed `_collections` or `_params` behind the caches' back
    if (!query.trim().toUpperCase().startsWith('SELECT')) {
      await app.reloadCaches()
      app.realtime.bus.publish({ op: RELOAD_CACHES_OP })
    }
  }
  const execTime = Math.trunc(performance.now() - started)
  const data = isWrite
    ? { execTime, affectedRows: result.changes, columns: [], rows: [] }
    : {
        execTime,
        affectedRows: 0,
        columns: result.columns.map((col) => ({ name: col.name, type: col.type, nullable: true })),
        rows: result.rows.map((row) =>
          row.map((v, i) => cellText(v, result.columns[i]?.type ?? '')),
        ),
      }
  const fields = c.req.query('fields')
  return c.json(fields ? pickFields(data, fields) : data)
}

/** The `query` of the body; 400 (load error) for a malformed body or a non-string query. */
async function readQuery(c: Context<Env>): Promise<string> {
  const value = (await readBodyData(c)).query
  if (value === undefined || value === null) return ''
  if (typeof value === 'string') return value
  const isJson = (c.req.header('content-type') ?? 'application/json').includes('json')
  // NOTE: form values arrive type-inferred ("1" → 1); Go binds them to the string as sent.
  if (!isJson && (typeof value === 'number' || typeof value === 'boolean')) return String(value)
  throw loadDataError()
}

/** Declared types whose text cells the Go driver reads as times (modernc.org/sqlite). */
const TIME_TYPES = new Set(['DATE', 'DATETIME', 'TIMESTAMP'])

/**
 * A cell as PocketBase's Go driver scans it into a string: integers in full, reals in Go's
 * shortest `%g` form ({@link goFloat}), blobs as their bytes read as UTF-8, NULL as null, text
 * as is — except in a column declared `DATE`, `DATETIME` or `TIMESTAMP`, where text that parses
 * as a time is re-written in RFC 3339 ({@link goTimeText}).
 */
export function cellText(value: unknown, declaredType: string): string | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'number') return goFloat(value)
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8')
  const text = String(value)
  return TIME_TYPES.has(declaredType) ? (goTimeText(text) ?? text) : text
}

const TIME_TEXT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?([+-]\d{2}:\d{2})?)?)?$/

/**
 * The Go driver's reading of a time text (layouts `2006-01-02[ T]15:04:05.999999999[-07:00]`,
 * `2006-01-02[ T]15:04`, `2006-01-02`, after dropping one trailing `Z`), formatted like Go's
 * `time.RFC3339Nano`; undefined when the text is not such a time.
 */
export function goTimeText(text: string): string | undefined {
  const m = TIME_TEXT.exec(text.endsWith('Z') ? text.slice(0, -1) : text)
  if (m === null) return undefined
  const [, y, mo, d, h = '00', mi = '00', sec, frac = '', offset] = m
  if (offset !== undefined && sec === undefined) return undefined
  const month = Number(mo)
  const day = Number(d)
  const daysInMonth = new Date(Date.UTC(Number(y), month, 0)).getUTCDate()
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return undefined
  if (Number(h) > 23 || Number(mi) > 59 || Number(sec ?? 0) > 59) return undefined
  const fraction = frac.replace(/0+$/, '')
  const zone = offset === undefined || /^[+-]00:00$/.test(offset) ? 'Z' : offset
  return `${y}-${mo}-${d}T${h}:${mi}:${sec ?? '00'}${fraction ? `.${fraction}` : ''}${zone}`
}

/** Go's `strconv.FormatFloat(f, 'g', -1, 64)`: shortest digits, `%e` below 1e-4 and from 1e21… */
export function goFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN'
  if (f === Infinity) return '+Inf'
  if (f === -Infinity) return '-Inf'
  if (f === 0) return Object.is(f, -0) ? '-0' : '0'
  // shortest round-trip digits and the decimal exponent, e.g. "-1.2345e+29"
  const [mantissa, expText] = f.toExponential().split('e') as [string, string]
  const exp = Number(expText)
  const sign = mantissa.startsWith('-') ? '-' : ''
  const digits = mantissa.replace('-', '').replace('.', '')
  // NOTE: for the shortest form Go switches to %e when exp < -4 || exp >= 6 (eprec = 6)
  if (exp < -4 || exp >= 6) {
    const frac = digits.length > 1 ? `.${digits.slice(1)}` : ''
    const e = Math.abs(exp)
    return `${sign}${digits[0]}${frac}e${exp < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0')
  const frac = digits.slice(exp + 1)
  return `${sign}${intPart}${frac === '' ? '' : `.${frac}`}`
}
