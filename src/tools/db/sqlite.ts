import Database from 'better-sqlite3'
import {
  type Db,
  type Params,
  type QueryLogFunc,
  QueryTimeoutError,
  type Row,
  type RunResult,
  type ScriptOptions,
  type ScriptResult,
  type SqlValue,
} from './db.ts'
import { sqliteDialect } from './dialect-sqlite.ts'
import { Mutex } from './mutex.ts'
import { runSqliteScript } from './sqlite-script.ts'

type Statement = Database.Statement<unknown[], unknown>

/** Options for `openSqlite`. */
export interface SqliteOptions {
  /** Open read-only (no write connection). */
  readonly readonly?: boolean
  /** busy_timeout in milliseconds (PocketBase: 10000). */
  readonly busyTimeoutMs?: number
  /**
   * Query timeout in milliseconds (PocketBase `--queryTimeout`); 0 or undefined: none.
   *
   * NB! better-sqlite3 runs a statement synchronously and exposes neither `sqlite3_interrupt`
   * nor a progress handler, so a statement cannot be stopped inside SQLite. What is enforced:
   * `all()` of a statement without a LIMIT clause reads its rows one by one and throws
   * QueryTimeoutError between two rows once the time is up (a huge or endless result is cut
   * off). A single long step — a scan that finds few rows, a sort, an aggregate, `get()`'s first
   * row — runs to its end; so do LIMITed statements, whose cost is such steps (they take the
   * faster all-at-once path).
   */
  readonly queryTimeoutMs?: number
  /** Called after every statement with its SQL, parameters and duration (`--dev` prints them). */
  readonly onQuery?: QueryLogFunc
  /**
   * `PRAGMA wal_autocheckpoint` in pages (SQLite's default: 1000). A larger value suits a file
   * written in bursts of rows spread over its indexes (the logs): a page changed by several
   * commits is copied back once per checkpoint instead of once per few commits.
   */
  readonly walAutocheckpointPages?: number
}

const PRAGMAS = [
  'journal_mode = WAL',
  'journal_size_limit = 200000000',
  'synchronous = NORMAL',
  'foreign_keys = ON',
  'temp_store = MEMORY',
  'cache_size = -32000',
]

/** The largest number of prepared statements kept per connection before the cache is reset. */
const STATEMENT_CACHE_LIMIT = 2000

/**
 * Opens a SQLite database file with PocketBase's pragmas (WAL, synchronous=NORMAL, busy_timeout,
 * foreign_keys, temp_store=MEMORY, 32 MB cache): one write connection behind an async mutex and
 * one read connection. Creates the file when missing.
 *
 * Another process writing the same file (`serve --workers`) is waited for without blocking the
 * event loop: transactions and single write statements retry SQLite's write lock
 * asynchronously for up to `busyTimeoutMs` (see `acquireWriteLock`). `exec` and `runScript`
 * (schema changes, maintenance, the SQL console) wait in SQLite's busy handler as before, since
 * a script may stop half-way on a busy lock.
 */
export function openSqlite(file: string, options: SqliteOptions = {}): Db {
  const busy = options.busyTimeoutMs ?? 10_000
  const open = (readonly: boolean) => {
    const conn = new Database(file, { readonly, timeout: busy })
    for (const p of PRAGMAS) {
      if (readonly && p.startsWith('journal_mode')) continue
      conn.pragma(p)
    }
    if (!readonly && options.walAutocheckpointPages !== undefined) {
      conn.pragma(`wal_autocheckpoint = ${Math.max(0, Math.trunc(options.walAutocheckpointPages))}`)
    }
    return new Connection(conn, options.queryTimeoutMs ?? 0, options.onQuery)
  }
  const writer = options.readonly ? undefined : open(false)
  // NOTE: once set up (the pragmas may wait for another process opening the file too), the
  // write connection never sleeps in SQLite's busy handler (see `acquireWriteLock`).
  writer?.raw.pragma('busy_timeout = 0')
  const reader = open(options.readonly ?? false)
  return new SqliteDb(reader, writer ?? reader, new Mutex(), busy)
}

/**
 * Runs `attempt` (a statement that takes SQLite's write lock: `BEGIN IMMEDIATE`, or one write
 * statement in autocommit mode) on a connection whose busy_timeout is 0, so a write lock held by
 * another connection — another `serve --workers` process — fails at once with SQLITE_BUSY
 * instead of sleeping in SQLite's busy handler, which would freeze this process's event loop
 * (every request it serves, reads included) for 1 ms, then 2, 5, 10… per try. A failed attempt
 * changed nothing; it is retried after yielding to the event loop (other requests run meanwhile):
 * at once on the next turns, then after 1, 2, 4… ms (at most {@link MAX_RETRY_DELAY_MS}) until
 * `timeoutMs` have passed, when the SQLITE_BUSY error is thrown as the busy handler would.
 */
async function acquireWriteLock<T>(attempt: () => T, timeoutMs: number): Promise<T> {
  const deadline = performance.now() + timeoutMs
  for (let tries = 0; ; tries++) {
    // NOTE: better-sqlite3 throws a new SqliteError per busy try; without a stack trace that is
    // cheap. Any other error gets its stack (from here) before it is thrown.
    const stackTraceLimit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    try {
      return attempt()
    } catch (err) {
      if (!isBusy(err) || performance.now() >= deadline) {
        Error.stackTraceLimit = stackTraceLimit
        if (err instanceof Error) Error.captureStackTrace(err, acquireWriteLock)
        throw err
      }
    } finally {
      Error.stackTraceLimit = stackTraceLimit
    }
    await (tries < IMMEDIATE_RETRIES
      ? new Promise((resolve) => setImmediate(resolve))
      : new Promise((resolve) =>
          setTimeout(resolve, Math.min(2 ** (tries - IMMEDIATE_RETRIES), MAX_RETRY_DELAY_MS)),
        ))
  }
}

/** Retries of {@link acquireWriteLock} on the next event-loop turns, before timed waits begin. */
const IMMEDIATE_RETRIES = 3

/** The longest wait between two tries of {@link acquireWriteLock}, in ms. */
const MAX_RETRY_DELAY_MS = 8

/** True for better-sqlite3's SQLITE_BUSY errors (`SQLITE_BUSY`, `SQLITE_BUSY_RECOVERY`, …). */
function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown }).code
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY')
}

/** A cached statement and whether its rows are read one by one (timeout checks between rows). */
interface CachedStatement {
  readonly stmt: Statement
  readonly checked: boolean
}

/** A LIMIT clause at the top level of the statement's end (`LIMIT 30`, `LIMIT ?`, `LIMIT :n`). */
const TRAILING_LIMIT = /\bLIMIT\s+(?:\d+|\?|:\w+)(?:\s*(?:OFFSET|,)\s*(?:\d+|\?|:\w+))?\s*;?\s*$/i

/** Connection wraps one better-sqlite3 handle with a prepared-statement cache. */
class Connection {
  readonly raw: Database.Database
  readonly #cache = new Map<string, CachedStatement>()
  readonly #timeoutMs: number
  readonly #onQuery: QueryLogFunc | undefined

  constructor(raw: Database.Database, timeoutMs = 0, onQuery?: QueryLogFunc) {
    this.raw = raw
    this.#timeoutMs = Math.max(timeoutMs, 0)
    this.#onQuery = onQuery
    // PocketBase's SQLite build has math functions; so does better-sqlite3's bundled SQLite.
  }

  #prepare(sql: string): CachedStatement {
    let entry = this.#cache.get(sql)
    if (entry === undefined) {
      const stmt = this.raw.prepare(sql)
      const checked = this.#timeoutMs > 0 && stmt.reader && !TRAILING_LIMIT.test(sql)
      entry = { stmt, checked }
      if (this.#cache.size >= STATEMENT_CACHE_LIMIT) this.#cache.clear()
      this.#cache.set(sql, entry)
    }
    return entry
  }

  prepare(sql: string): Statement {
    return this.#prepare(sql).stmt
  }

  all<T>(sql: string, params: Params | undefined): T[] {
    const { stmt, checked } = this.#prepare(sql)
    const start = this.#onQuery === undefined && !checked ? 0 : performance.now()
    let rows: T[]
    if (!checked) {
      rows = (params === undefined ? stmt.all() : stmt.all(bindable(params))) as T[]
    } else {
      rows = []
      const deadline = start + this.#timeoutMs
      const it = params === undefined ? stmt.iterate() : stmt.iterate(bindable(params))
      for (const row of it) {
        rows.push(row as T)
        // NOTE: leaving the loop by throwing resets the statement (the iterator's return()).
        if (performance.now() > deadline) throw new QueryTimeoutError(this.#timeoutMs)
      }
    }
    this.#onQuery?.(sql, params, performance.now() - start)
    return rows
  }

  get<T>(sql: string, params: Params | undefined): T | undefined {
    const stmt = this.#prepare(sql).stmt
    const start = this.#onQuery === undefined ? 0 : performance.now()
    const row = (params === undefined ? stmt.get() : stmt.get(bindable(params))) as T | undefined
    this.#onQuery?.(sql, params, performance.now() - start)
    return row
  }

  run(sql: string, params: Params | undefined): RunResult {
    const stmt = this.#prepare(sql).stmt
    const start = this.#onQuery === undefined ? 0 : performance.now()
    const r = params === undefined ? stmt.run() : stmt.run(bindable(params))
    this.#onQuery?.(sql, params, performance.now() - start)
    return { changes: r.changes, lastInsertRowid: r.lastInsertRowid }
  }

  exec(script: string): void {
    const start = this.#onQuery === undefined ? 0 : performance.now()
    this.raw.exec(script)
    this.#onQuery?.(script, undefined, performance.now() - start)
  }
}

/** Converts booleans to 1/0 (better-sqlite3 refuses JS booleans). */
function bindable(params: Params): unknown {
  if (Array.isArray(params)) {
    let out: SqlValue[] | undefined
    for (let i = 0; i < params.length; i++) {
      const v = params[i]
      if (typeof v === 'boolean') {
        out ??= params.slice()
        out[i] = v ? 1 : 0
      }
    }
    return out ?? params
  }
  let out: Record<string, SqlValue> | undefined
  for (const k in params) {
    const v = (params as Record<string, SqlValue>)[k]
    if (typeof v === 'boolean') {
      out ??= { ...(params as Record<string, SqlValue>) }
      out[k] = v ? 1 : 0
    }
  }
  return out ?? params
}

class SqliteDb implements Db {
  readonly dialect = sqliteDialect
  readonly inTransaction = false
  readonly #reader: Connection
  readonly #writer: Connection
  readonly #lock: Mutex
  /** busy_timeout of the write lock, in ms. */
  readonly #busyMs: number

  constructor(reader: Connection, writer: Connection, lock: Mutex, busyMs: number) {
    this.#reader = reader
    this.#writer = writer
    this.#lock = lock
    this.#busyMs = busyMs
  }

  /** Runs `fn` with the write connection waiting in SQLite's busy handler, as the readers do. */
  #blocking<T>(fn: () => T): T {
    const raw = this.#writer.raw
    if (this.#writer === this.#reader) return fn()
    raw.pragma(`busy_timeout = ${this.#busyMs}`)
    try {
      return fn()
    } finally {
      raw.pragma('busy_timeout = 0')
    }
  }

  async all<T = Row>(sql: string, params?: Params): Promise<T[]> {
    return this.#reader.all<T>(sql, params)
  }

  async get<T = Row>(sql: string, params?: Params): Promise<T | undefined> {
    return this.#reader.get<T>(sql, params)
  }

  async run(sql: string, params?: Params): Promise<RunResult> {
    const release = await this.#lock.lock()
    try {
      return await acquireWriteLock(() => this.#writer.run(sql, params), this.#busyMs)
    } finally {
      release()
    }
  }

  async exec(script: string): Promise<void> {
    const release = await this.#lock.lock()
    try {
      this.#blocking(() => this.#writer.exec(script))
    } finally {
      release()
    }
  }

  runScript(script: string, options: ScriptOptions): Promise<ScriptResult> {
    return runSqliteScript(script, options, {
      reader: this.#reader.raw,
      write: async (fn) => {
        const release = await this.#lock.lock()
        try {
          return this.#blocking(() => fn(this.#writer.raw))
        } finally {
          release()
        }
      },
    })
  }

  async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    const release = await this.#lock.lock()
    const tx = new SqliteTx(this.#writer)
    try {
      // prepared once (the connection's statement cache), not parsed per transaction as exec would
      await acquireWriteLock(() => this.#writer.prepare('BEGIN IMMEDIATE').run(), this.#busyMs)
      const result = await fn(tx)
      this.#writer.prepare('COMMIT').run()
      return result
    } catch (err) {
      if (this.#writer.raw.inTransaction) this.#writer.raw.exec('ROLLBACK')
      throw err
    } finally {
      tx.done = true
      release()
    }
  }

  async close(): Promise<void> {
    const release = await this.#lock.lock()
    try {
      if (this.#writer !== this.#reader) this.#writer.raw.close()
      this.#reader.raw.close()
    } finally {
      release()
    }
  }
}

/** The handle given to a transaction callback: everything runs on the locked write connection. */
class SqliteTx implements Db {
  readonly dialect = sqliteDialect
  readonly inTransaction = true
  done = false
  readonly #conn: Connection

  constructor(conn: Connection) {
    this.#conn = conn
  }

  #check(): void {
    if (this.done) throw new Error('The transaction has already finished.')
  }

  async all<T = Row>(sql: string, params?: Params): Promise<T[]> {
    this.#check()
    return this.#conn.all<T>(sql, params)
  }

  async get<T = Row>(sql: string, params?: Params): Promise<T | undefined> {
    this.#check()
    return this.#conn.get<T>(sql, params)
  }

  async run(sql: string, params?: Params): Promise<RunResult> {
    this.#check()
    return this.#conn.run(sql, params)
  }

  async exec(script: string): Promise<void> {
    this.#check()
    this.#conn.exec(script)
  }

  runScript(script: string, options: ScriptOptions): Promise<ScriptResult> {
    this.#check()
    const raw = this.#conn.raw
    return runSqliteScript(script, options, { reader: raw, write: async (fn) => fn(raw) })
  }

  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    this.#check()
    return fn(this)
  }

  async close(): Promise<void> {
    throw new Error('A transaction handle cannot close the database.')
  }
}
