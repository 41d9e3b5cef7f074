import Database from 'better-sqlite3'
import type { Db, Params, Row, RunResult, SqlValue } from './db.ts'
import { sqliteDialect } from './dialect-sqlite.ts'
import { Mutex } from './mutex.ts'

type Statement = Database.Statement<unknown[], unknown>

/** Options for `openSqlite`. */
export interface SqliteOptions {
  /** Open read-only (no write connection). */
  readonly readonly?: boolean
  /** busy_timeout in milliseconds (PocketBase: 10000). */
  readonly busyTimeoutMs?: number
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
 */
export function openSqlite(file: string, options: SqliteOptions = {}): Db {
  const busy = options.busyTimeoutMs ?? 10_000
  const open = (readonly: boolean) => {
    const conn = new Database(file, { readonly, timeout: busy })
    for (const p of PRAGMAS) {
      if (readonly && p.startsWith('journal_mode')) continue
      conn.pragma(p)
    }
    return new Connection(conn)
  }
  const writer = options.readonly ? undefined : open(false)
  const reader = open(options.readonly ?? false)
  return new SqliteDb(reader, writer ?? reader, new Mutex())
}

/** Connection wraps one better-sqlite3 handle with a prepared-statement cache. */
class Connection {
  readonly raw: Database.Database
  readonly #cache = new Map<string, Statement>()

  constructor(raw: Database.Database) {
    this.raw = raw
    // PocketBase's SQLite build has math functions; so does better-sqlite3's bundled SQLite.
  }

  prepare(sql: string): Statement {
    let stmt = this.#cache.get(sql)
    if (stmt === undefined) {
      stmt = this.raw.prepare(sql)
      if (this.#cache.size >= STATEMENT_CACHE_LIMIT) this.#cache.clear()
      this.#cache.set(sql, stmt)
    }
    return stmt
  }

  all<T>(sql: string, params: Params | undefined): T[] {
    const stmt = this.prepare(sql)
    return (params === undefined ? stmt.all() : stmt.all(bindable(params))) as T[]
  }

  get<T>(sql: string, params: Params | undefined): T | undefined {
    const stmt = this.prepare(sql)
    return (params === undefined ? stmt.get() : stmt.get(bindable(params))) as T | undefined
  }

  run(sql: string, params: Params | undefined): RunResult {
    const stmt = this.prepare(sql)
    const r = params === undefined ? stmt.run() : stmt.run(bindable(params))
    return { changes: r.changes, lastInsertRowid: r.lastInsertRowid }
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

  constructor(reader: Connection, writer: Connection, lock: Mutex) {
    this.#reader = reader
    this.#writer = writer
    this.#lock = lock
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
      return this.#writer.run(sql, params)
    } finally {
      release()
    }
  }

  async exec(script: string): Promise<void> {
    const release = await this.#lock.lock()
    try {
      this.#writer.raw.exec(script)
    } finally {
      release()
    }
  }

  async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    const release = await this.#lock.lock()
    const tx = new SqliteTx(this.#writer)
    try {
      this.#writer.raw.exec('BEGIN IMMEDIATE')
      const result = await fn(tx)
      this.#writer.raw.exec('COMMIT')
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
    this.#conn.raw.exec(script)
  }

  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    this.#check()
    return fn(this)
  }

  async close(): Promise<void> {
    throw new Error('A transaction handle cannot close the database.')
  }
}
