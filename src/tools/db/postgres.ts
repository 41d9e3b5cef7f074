import pg from 'pg'
import {
  type Db,
  type Params,
  type QueryLogFunc,
  QueryTimeoutError,
  type Row,
  type RunResult,
  type ScriptOptions,
  type ScriptResult,
} from './db.ts'
import { postgresDialect } from './dialect-postgres.ts'
import { Mutex } from './mutex.ts'
import { bindValues, type TranslatedSql, translatePlaceholders } from './postgres-params.ts'
import {
  isReadOnlyScript,
  refuseTransactionStatements,
  runPostgresScript,
  statementKeywords,
} from './postgres-script.ts'

/** Options for `openPostgres`. */
export interface PostgresOptions {
  /** Query timeout of reads in milliseconds (PostgreSQL `statement_timeout`); 0: none. */
  readonly queryTimeoutMs?: number
  /** Called after every statement with its SQL, parameters and duration. */
  readonly onQuery?: QueryLogFunc
  /** The most connections of the read pool (default 10; writes use their own 2). */
  readonly maxConnections?: number
}

/** How long a connection attempt may take before the statement fails (ms). */
const CONNECT_TIMEOUT_MS = 10_000

/** Type OIDs whose text is converted (node-postgres would return strings or Dates). */
const OID = { bool: 16, int8: 20, json: 114, numeric: 1700, jsonb: 3802 } as const
const DATE_OIDS = new Set([1082, 1083, 1114, 1184, 1266])

/**
 * Values as SQLite mode returns them, so records serialize identically: booleans as 1/0,
 * 64-bit integers and numerics as numbers, JSON as its text, dates and times as their text.
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) => {
    if (format === 'binary') return pg.types.getTypeParser(oid, 'binary')
    if (oid === OID.bool) return (v: string) => (v === 't' ? 1 : 0)
    if (oid === OID.int8 || oid === OID.numeric) return (v: string) => Number(v)
    if (oid === OID.json || oid === OID.jsonb || DATE_OIDS.has(oid)) return (v: string) => v
    return pg.types.getTypeParser(oid, 'text')
  }) as pg.CustomTypesConfig['getTypeParser'],
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password !== '') u.password = '***'
    return u.toString()
  } catch {
    return '(unparsable URL)'
  }
}

/**
 * Opens a PostgreSQL database (`postgres://user:pass@host:port/db`) with node-postgres: a read
 * pool and a write pool whose statements and transactions take one async mutex, like SQLite
 * mode's single writer (so code above sees the same ordering of its own writes). Connects once
 * to check the URL; throws an Error naming the (password-less) URL and the reason when it
 * cannot.
 */
export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<Db> {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new Error(
      `Invalid PostgreSQL URL "${redactUrl(url)}": expected postgres://user:pass@host:port/db.`,
    )
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new Error(`Invalid PostgreSQL URL "${redactUrl(url)}": the scheme must be postgres://.`)
  }
  const base: pg.PoolConfig = {
    connectionString: url,
    types,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    keepAlive: true,
    application_name: 'satchel',
  }
  const timeout = options.queryTimeoutMs ?? 0
  const reader = new pg.Pool({
    ...base,
    max: options.maxConnections ?? 10,
    ...(timeout > 0 ? { statement_timeout: timeout } : {}),
  })
  const writer = new pg.Pool({ ...base, max: 2 })
  // NOTE: an idle connection the server closed emits 'error' on its pool; without a listener it
  // would crash the process. The next statement simply opens a new connection.
  for (const pool of [reader, writer]) pool.on('error', () => undefined)
  try {
    await reader.query('SELECT 1')
  } catch (err) {
    await Promise.all([reader.end(), writer.end()])
    throw new Error(
      `Cannot connect to PostgreSQL at ${redactUrl(url)}: ${(err as Error).message || String(err)}`,
      { cause: err },
    )
  }
  return new PostgresDb(reader, writer, new Mutex(), timeout, options.onQuery)
}

/** Converts a statement-timeout cancellation into QueryTimeoutError. */
function mapError(err: unknown, timeoutMs: number): unknown {
  if ((err as { code?: string })?.code === '57014' && timeoutMs > 0) {
    return new QueryTimeoutError(timeoutMs)
  }
  return err
}

/** Something that runs queries: a pool or one checked-out client. */
type Queryable = Pick<pg.Pool, 'query'>

/** Runs statements with translated placeholders (cached per SQL text) and the query log. */
class Runner {
  readonly #cache = new Map<string, TranslatedSql>()
  readonly #onQuery: QueryLogFunc | undefined
  readonly #timeoutMs: number

  constructor(timeoutMs: number, onQuery?: QueryLogFunc) {
    this.#timeoutMs = timeoutMs
    this.#onQuery = onQuery
  }

  #translate(sql: string): TranslatedSql {
    let t = this.#cache.get(sql)
    if (t === undefined) {
      t = translatePlaceholders(sql)
      if (this.#cache.size >= 2000) this.#cache.clear()
      this.#cache.set(sql, t)
    }
    return t
  }

  async query(on: Queryable, sql: string, params: Params | undefined): Promise<pg.QueryResult> {
    const t = this.#translate(sql)
    const values = bindValues(t, params)
    const start = this.#onQuery === undefined ? 0 : performance.now()
    try {
      const res = await on.query({ text: t.text, values })
      this.#onQuery?.(sql, params, performance.now() - start)
      return res
    } catch (err) {
      throw mapError(err, this.#timeoutMs)
    }
  }

  async exec(on: Queryable, script: string): Promise<void> {
    const start = this.#onQuery === undefined ? 0 : performance.now()
    await on.query(script)
    this.#onQuery?.(script, undefined, performance.now() - start)
  }
}

function runResult(res: pg.QueryResult): RunResult {
  return { changes: res.rowCount ?? 0, lastInsertRowid: 0 }
}

/**
 * Checks out a client of `pool` that survives its connection dying while checked out (a
 * terminated session, a restarted server): node-postgres then emits 'error' on the client, which
 * the pool only listens to while the client is idle, and an unheard 'error' ends the process.
 * The failure still reaches the statement running (it rejects) or the next one.
 */
async function checkout(pool: pg.Pool): Promise<pg.PoolClient> {
  const client = await pool.connect()
  const ignore = () => undefined
  client.on('error', ignore)
  const release = client.release
  client.release = (err?: Error | boolean) => {
    client.off('error', ignore)
    release.call(client, err)
  }
  return client
}

/** Rolls back and returns the client to the pool (destroying it when it broke). */
async function finish(client: pg.PoolClient, err: unknown): Promise<void> {
  if (err === undefined) {
    client.release()
    return
  }
  try {
    await client.query('ROLLBACK')
    client.release()
  } catch (rollbackErr) {
    client.release(rollbackErr as Error)
  }
}

class PostgresDb implements Db {
  readonly dialect = postgresDialect
  readonly inTransaction = false
  readonly #reader: pg.Pool
  readonly #writer: pg.Pool
  readonly #lock: Mutex
  readonly #run: Runner

  constructor(
    reader: pg.Pool,
    writer: pg.Pool,
    lock: Mutex,
    timeoutMs: number,
    onQuery?: QueryLogFunc,
  ) {
    this.#reader = reader
    this.#writer = writer
    this.#lock = lock
    this.#run = new Runner(timeoutMs, onQuery)
  }

  async all<T = Row>(sql: string, params?: Params): Promise<T[]> {
    return (await this.#run.query(this.#reader, sql, params)).rows as T[]
  }

  async get<T = Row>(sql: string, params?: Params): Promise<T | undefined> {
    return (await this.#run.query(this.#reader, sql, params)).rows[0] as T | undefined
  }

  async run(sql: string, params?: Params): Promise<RunResult> {
    const release = await this.#lock.lock()
    try {
      return runResult(await this.#run.query(this.#writer, sql, params))
    } finally {
      release()
    }
  }

  async exec(script: string): Promise<void> {
    const release = await this.#lock.lock()
    try {
      await this.#run.exec(this.#writer, script)
    } finally {
      release()
    }
  }

  async runScript(script: string, options: ScriptOptions): Promise<ScriptResult> {
    const keywords = statementKeywords(script)
    refuseTransactionStatements(keywords)
    if (keywords.length === 0) throw new Error('empty query')
    const readOnly = isReadOnlyScript(keywords)
    const release = readOnly ? undefined : await this.#lock.lock()
    try {
      const client = await checkout(readOnly ? this.#reader : this.#writer)
      let failure: unknown
      try {
        await client.query(readOnly ? 'BEGIN READ ONLY' : 'BEGIN')
        const result = await runPostgresScript(client, script, options)
        await client.query('COMMIT')
        return result
      } catch (err) {
        failure = err
        throw mapError(err, options.timeoutMs ?? 0)
      } finally {
        await finish(client, failure)
      }
    } finally {
      release?.()
    }
  }

  async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    const release = await this.#lock.lock()
    let tx: PostgresTx | undefined
    try {
      const client = await checkout(this.#writer)
      let failure: unknown
      try {
        // one round trip: the statement savepoint (see PostgresTx) is set with the BEGIN
        await client.query(`BEGIN; SAVEPOINT ${STMT_SAVEPOINT}`)
        tx = new PostgresTx(client, this.#run)
        const result = await fn(tx)
        tx.done = true
        await client.query('COMMIT')
        return result
      } catch (err) {
        failure = err ?? new Error('transaction failed')
        throw err
      } finally {
        if (tx !== undefined) tx.done = true
        await finish(client, failure)
      }
    } finally {
      release()
    }
  }

  async close(): Promise<void> {
    const release = await this.#lock.lock()
    try {
      await Promise.all([this.#reader.end(), this.#writer.end()])
    } finally {
      release()
    }
  }
}

/** The savepoint that holds a transaction's state after its last successful statement. */
const STMT_SAVEPOINT = 'satchel_stmt'

/**
 * Single statements (as a parameterized query is) that change nothing a rollback to a savepoint would undo: plain SELECTs, without
 * locks (`FOR UPDATE`, `pg_advisory_xact_lock`, which a rollback to a savepoint set before
 * them would release), sequences or notifications.
 */
const READ_ONLY = /^\s*SELECT\b/i
const SIDE_EFFECTS = /\b(?:FOR\s+(?:UPDATE|SHARE|NO\s+KEY|KEY)|lock|nextval|setval|notify)/i

function changesNothing(sql: string): boolean {
  return READ_ONLY.test(sql) && !SIDE_EFFECTS.test(sql)
}

/** The handle given to a transaction callback: everything runs on the transaction's client. */
class PostgresTx implements Db {
  readonly dialect = postgresDialect
  readonly inTransaction = true
  done = false
  /** Whether a statement may have changed something since the savepoint was (re)set. */
  #moved = false
  readonly #client: pg.PoolClient
  readonly #run: Runner

  constructor(client: pg.PoolClient, run: Runner) {
    this.#client = client
    this.#run = run
  }

  #check(): void {
    if (this.done) throw new Error('The transaction has already finished.')
  }

  /**
   * Runs `fn` on the transaction's client so that a failing statement is undone alone:
   * PostgreSQL aborts the whole transaction at the first failing statement, while SQLite (which
   * callers are written for) only fails that statement, so a caller may catch the error and go
   * on. The savepoint `satchel_stmt` always holds the state after the last successful
   * statement: a failure rolls back to it; it is moved forward (one round trip, release and set
   * again) only before a statement that follows one that may have changed something, so reads
   * cost no extra round trip and a write one (the savepoint around every statement cost two).
   * Each command is awaited: node-postgres deprecates queuing a query on a busy client.
   */
  async #guarded<T>(readOnly: boolean, fn: () => Promise<T>): Promise<T> {
    this.#check()
    const c = this.#client
    if (this.#moved) {
      await c.query(`RELEASE SAVEPOINT ${STMT_SAVEPOINT}; SAVEPOINT ${STMT_SAVEPOINT}`)
      this.#moved = false
    }
    try {
      const result = await fn()
      if (!readOnly) this.#moved = true
      return result
    } catch (err) {
      await c.query(`ROLLBACK TO SAVEPOINT ${STMT_SAVEPOINT}`).catch(() => undefined)
      throw err
    }
  }

  #query(sql: string, params: Params | undefined): Promise<pg.QueryResult> {
    return this.#guarded(changesNothing(sql), () => this.#run.query(this.#client, sql, params))
  }

  async all<T = Row>(sql: string, params?: Params): Promise<T[]> {
    return (await this.#query(sql, params)).rows as T[]
  }

  async get<T = Row>(sql: string, params?: Params): Promise<T | undefined> {
    return (await this.#query(sql, params)).rows[0] as T | undefined
  }

  async run(sql: string, params?: Params): Promise<RunResult> {
    return runResult(await this.#query(sql, params))
  }

  exec(script: string): Promise<void> {
    return this.#guarded(false, () => this.#run.exec(this.#client, script))
  }

  async runScript(script: string, options: ScriptOptions): Promise<ScriptResult> {
    this.#check()
    const keywords = statementKeywords(script)
    refuseTransactionStatements(keywords)
    if (keywords.length === 0) throw new Error('empty query')
    // NOTE: the statement savepoint keeps a failing script from aborting the whole transaction.
    try {
      return await this.#guarded(false, () => runPostgresScript(this.#client, script, options))
    } catch (err) {
      throw mapError(err, options.timeoutMs ?? 0)
    }
  }

  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    this.#check()
    return fn(this)
  }

  async close(): Promise<void> {
    throw new Error('A transaction handle cannot close the database.')
  }
}
