import type Database from 'better-sqlite3'
import { QueryTimeoutError, type ScriptOptions, type ScriptResult } from './db.ts'

type Statement = Database.Statement<unknown[], unknown>

/**
 * Statements that would end or nest the transaction the caller owns (`runScript` runs inside
 * one on the write path, and an open transaction left on a shared connection would capture every
 * later write of the app).
 */
const TRANSACTION_KEYWORDS = new Set(['BEGIN', 'COMMIT', 'END', 'ROLLBACK', 'SAVEPOINT', 'RELEASE'])

/** One piece of a script ending at a top-level `;` (or at the end), with what it starts with. */
interface Piece {
  readonly end: number
  /** The first keyword, upper-cased ('' for a piece of only blanks and comments). */
  readonly firstWord: string
}

/**
 * Splits `script` at every `;` outside string literals, quoted identifiers and comments
 * (`'…'`, `"…"`, `` `…` ``, `[…]`, `-- …`, `/* … *∕`). A piece may still be part of a longer
 * statement (a trigger body); the caller merges pieces while SQLite says "incomplete input".
 */
function splitPieces(script: string): Piece[] {
  const pieces: Piece[] = []
  let firstWord = ''
  let i = 0
  const n = script.length
  const closeQuote = (q: string, from: number): number => {
    let j = from
    while (j < n) {
      if (script[j] === q) {
        // a doubled quote is an escaped quote (not inside [...])
        if (q !== ']' && script[j + 1] === q) {
          j += 2
          continue
        }
        return j + 1
      }
      j++
    }
    return n
  }
  while (i < n) {
    const ch = script[i]!
    if (ch === "'" || ch === '"' || ch === '`') {
      if (firstWord === '') firstWord = '?'
      i = closeQuote(ch, i + 1)
    } else if (ch === '[') {
      if (firstWord === '') firstWord = '?'
      i = closeQuote(']', i + 1)
    } else if (ch === '-' && script[i + 1] === '-') {
      const nl = script.indexOf('\n', i)
      i = nl === -1 ? n : nl + 1
    } else if (ch === '/' && script[i + 1] === '*') {
      const close = script.indexOf('*/', i + 2)
      i = close === -1 ? n : close + 2
    } else if (ch === ';') {
      pieces.push({ end: i + 1, firstWord })
      firstWord = ''
      i++
    } else if (/\s/.test(ch)) {
      i++
    } else {
      if (firstWord === '') {
        const m = /^[A-Za-z_]\w*/.exec(script.slice(i, i + 64))
        firstWord = m === null ? '?' : m[0].toUpperCase()
        i += m === null ? 1 : m[0].length
      } else i++
    }
  }
  if (firstWord !== '' || pieces.length === 0) pieces.push({ end: n, firstWord })
  return pieces
}

/** SQLite's result codes by the names better-sqlite3 reports (`err.code`). */
const PRIMARY_CODES: Readonly<Record<string, number>> = {
  SQLITE_ERROR: 1,
  SQLITE_INTERNAL: 2,
  SQLITE_PERM: 3,
  SQLITE_ABORT: 4,
  SQLITE_BUSY: 5,
  SQLITE_LOCKED: 6,
  SQLITE_NOMEM: 7,
  SQLITE_READONLY: 8,
  SQLITE_INTERRUPT: 9,
  SQLITE_IOERR: 10,
  SQLITE_CORRUPT: 11,
  SQLITE_NOTFOUND: 12,
  SQLITE_FULL: 13,
  SQLITE_CANTOPEN: 14,
  SQLITE_PROTOCOL: 15,
  SQLITE_EMPTY: 16,
  SQLITE_SCHEMA: 17,
  SQLITE_TOOBIG: 18,
  SQLITE_CONSTRAINT: 19,
  SQLITE_MISMATCH: 20,
  SQLITE_MISUSE: 21,
  SQLITE_NOLFS: 22,
  SQLITE_AUTH: 23,
  SQLITE_FORMAT: 24,
  SQLITE_RANGE: 25,
  SQLITE_NOTADB: 26,
  SQLITE_NOTICE: 27,
  SQLITE_WARNING: 28,
}

/** The extended codes a console user can plausibly hit (the others fall back to the primary). */
const EXTENDED_CODES: Readonly<Record<string, number>> = {
  SQLITE_ERROR_MISSING_COLLSEQ: 257,
  SQLITE_ERROR_RETRY: 513,
  SQLITE_ERROR_SNAPSHOT: 769,
  SQLITE_BUSY_RECOVERY: 261,
  SQLITE_BUSY_SNAPSHOT: 517,
  SQLITE_BUSY_TIMEOUT: 773,
  SQLITE_LOCKED_SHAREDCACHE: 262,
  SQLITE_LOCKED_VTAB: 518,
  SQLITE_READONLY_RECOVERY: 264,
  SQLITE_READONLY_CANTLOCK: 520,
  SQLITE_READONLY_ROLLBACK: 776,
  SQLITE_READONLY_DBMOVED: 1032,
  SQLITE_READONLY_CANTINIT: 1288,
  SQLITE_READONLY_DIRECTORY: 1544,
  SQLITE_CONSTRAINT_CHECK: 275,
  SQLITE_CONSTRAINT_COMMITHOOK: 531,
  SQLITE_CONSTRAINT_FOREIGNKEY: 787,
  SQLITE_CONSTRAINT_FUNCTION: 1043,
  SQLITE_CONSTRAINT_NOTNULL: 1299,
  SQLITE_CONSTRAINT_PRIMARYKEY: 1555,
  SQLITE_CONSTRAINT_TRIGGER: 1811,
  SQLITE_CONSTRAINT_UNIQUE: 2067,
  SQLITE_CONSTRAINT_VTAB: 2323,
  SQLITE_CONSTRAINT_ROWID: 2579,
  SQLITE_CONSTRAINT_PINNED: 2835,
  SQLITE_CONSTRAINT_DATATYPE: 3091,
  SQLITE_ABORT_ROLLBACK: 516,
}

/** `sqlite3_errstr()` of each primary code. */
const ERRSTR: Readonly<Record<number, string>> = {
  1: 'SQL logic error',
  3: 'access permission denied',
  4: 'query aborted',
  5: 'database is locked',
  6: 'database table is locked',
  7: 'out of memory',
  8: 'attempt to write a readonly database',
  9: 'interrupted',
  10: 'disk I/O error',
  11: 'database disk image is malformed',
  12: 'unknown operation',
  13: 'database or disk is full',
  14: 'unable to open database file',
  15: 'locking protocol',
  17: 'database schema has changed',
  18: 'string or blob too big',
  19: 'constraint failed',
  20: 'datatype mismatch',
  21: 'bad parameter or other API misuse',
  23: 'authorization denied',
  25: 'column index out of range',
  26: 'file is not a database',
  27: 'notification message',
  28: 'warning message',
}

/**
 * The raw message of a SQLite error as PocketBase's Go driver (modernc.org/sqlite) words it:
 * `<sqlite3_errstr(code)>: <sqlite3_errmsg> (<extended code>)`, or `<errmsg> (<code>)` when the
 * two texts are equal (`SQL logic error: no such table: x (1)`, `constraint failed: UNIQUE
 * constraint failed: t.a (2067)`); unbound parameters as `missing argument with index 1` /
 * `missing named argument "x"`. Other errors keep their message.
 */
export function goDriverMessage(err: unknown, sql = ''): string {
  const e = err as { code?: unknown; message?: unknown }
  const message = typeof e?.message === 'string' ? e.message : String(err)
  // better-sqlite3's binding errors (the console binds no parameters), worded like the Go driver
  if (message === 'Too few parameter values were provided') return 'missing argument with index 1'
  if (message === 'Missing named parameters') {
    const unquoted = sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\]/g, "''")
    const first = /\?\d*|[:@$]([A-Za-z_]\w*)/.exec(unquoted)
    if (first?.[1] !== undefined) return `missing named argument "${first[1]}"`
    return 'missing argument with index 1'
  }
  if (typeof e?.code !== 'string' || !e.code.startsWith('SQLITE_')) return message
  const primaryName = e.code.split('_').slice(0, 2).join('_')
  const primary = PRIMARY_CODES[primaryName]
  if (primary === undefined) return message
  const code = EXTENDED_CODES[e.code] ?? primary
  const str = primary === 4 && code === 516 ? 'abort due to ROLLBACK' : ERRSTR[primary]
  if (str === undefined || str === message) return `${message} (${code})`
  return `${str}: ${message} (${code})${primary === 5 ? ' (SQLITE_BUSY)' : ''}`
}

/** Where {@link runSqliteScript} runs statements. */
export interface ScriptConnections {
  /** Prepares read-only statements (and every statement inside a transaction). */
  readonly reader: Database.Database
  /** Runs `fn` with the write connection, holding the write lock for its duration. */
  write<T>(fn: (writer: Database.Database) => T): Promise<T>
}

/**
 * Runs the statements of `script` one after the other (see `Db.runScript`): each piece is
 * prepared on the read connection; a statement that does not only read is prepared again and
 * run on the write connection. Errors carry {@link goDriverMessage} as their message.
 */
export async function runSqliteScript(
  script: string,
  options: ScriptOptions,
  conns: ScriptConnections,
): Promise<ScriptResult> {
  const pieces = splitPieces(script)
  let result: ScriptResult = { columns: [], rows: [], changes: 0 }
  let start = 0
  let firstWord = ''
  for (let p = 0; p < pieces.length; p++) {
    const piece = pieces[p]!
    if (firstWord === '') firstWord = piece.firstWord
    if (firstWord === '') {
      start = piece.end // only blanks, comments or a lone `;`
      continue
    }
    if (TRANSACTION_KEYWORDS.has(firstWord)) {
      throw new Error(
        `${firstWord} is not allowed here: the console runs each query in its own transaction.`,
      )
    }
    const sql = script.slice(start, piece.end)
    const isLast = pieces.slice(p + 1).every((q) => q.firstWord === '')
    let stmt: Statement
    try {
      stmt = conns.reader.prepare(sql)
    } catch (err) {
      // NOTE: a `;` inside a trigger body ends a piece but not the statement
      if (!isLast && /incomplete input/.test(String((err as Error).message))) continue
      throw withDriverMessage(err, sql)
    }
    const run = (s: Statement) => runStatement(s, isLast, options, result.changes)
    try {
      result = stmt.readonly
        ? run(stmt)
        : await conns.write((writer) => run(writer === conns.reader ? stmt : writer.prepare(sql)))
    } catch (err) {
      throw withDriverMessage(err, sql)
    }
    start = piece.end
    firstWord = ''
  }
  return result
}

/** Runs one statement; `changes` carries over from the script's last statement without rows. */
function runStatement(
  stmt: Statement,
  isLast: boolean,
  options: ScriptOptions,
  changes: number,
): ScriptResult {
  if (!stmt.reader) return { columns: [], rows: [], changes: stmt.run().changes }
  if (!isLast) {
    stmt.get()
    return { columns: [], rows: [], changes }
  }
  const columns = stmt.columns().map((c) => ({ name: c.name, type: (c.type ?? '').toUpperCase() }))
  stmt.raw(true)
  stmt.safeIntegers(true)
  const rows: unknown[][] = []
  const deadline = options.timeoutMs ? performance.now() + options.timeoutMs : Infinity
  if (options.maxRows > 0) {
    for (const row of stmt.iterate() as Iterable<unknown[]>) {
      rows.push(row)
      // NOTE: leaving the loop resets the statement; the rows after the cap are never read
      if (rows.length >= options.maxRows) break
      if (performance.now() > deadline) throw new QueryTimeoutError(options.timeoutMs ?? 0)
    }
  }
  return { columns, rows, changes }
}

function withDriverMessage(err: unknown, sql: string): Error {
  if (err instanceof QueryTimeoutError) return err
  return new Error(goDriverMessage(err, sql), { cause: err })
}
