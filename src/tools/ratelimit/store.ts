import type { Db } from '../db/db.ts'

/**
 * Where rate-limit windows live. `consume` takes one request from the window of `key` (at most
 * `max` per window of `intervalSeconds`) and reports whether it was allowed. A window restarts
 * with `max` requests once `intervalSeconds` passed since its last allowed request
 * (PocketBase's fixed window).
 */
export interface RateLimitStore {
  consume(key: string, max: number, intervalSeconds: number, nowSeconds: number): Promise<boolean>
  /** Forgets every window (settings changed). */
  reset(): Promise<void>
  /** Drops the windows idle for over 30 minutes (PocketBase's hourly `__pbRateLimitersCleanup__`). */
  cleanup(nowSeconds: number): Promise<void>
}

interface Window {
  available: number
  lastConsume: number
}

/** Windows in this process's memory (single-process serving, like PocketBase). */
export class MemoryRateLimitStore implements RateLimitStore {
  #windows = new Map<string, Window>()
  #sweepAt = 0

  async consume(key: string, max: number, interval: number, now: number): Promise<boolean> {
    return this.consumeSync(key, max, interval, now)
  }

  /** The synchronous form of {@link consume}. */
  consumeSync(key: string, max: number, interval: number, now: number): boolean {
    if (now >= this.#sweepAt) this.#sweep(now)
    let w = this.#windows.get(key)
    if (w === undefined) {
      w = { available: 0, lastConsume: 0 }
      this.#windows.set(key, w)
    }
    if (now - w.lastConsume >= interval) w.available = max
    if (w.available <= 0) return false
    w.available--
    w.lastConsume = now
    return true
  }

  async reset(): Promise<void> {
    this.#windows.clear()
  }

  async cleanup(nowSeconds: number): Promise<void> {
    this.#sweep(nowSeconds)
  }

  /** Drops windows idle for over 30 minutes, at most once a minute. */
  #sweep(now: number): void {
    this.#sweepAt = now + 60
    for (const [k, w] of this.#windows) if (now - w.lastConsume > 1800) this.#windows.delete(k)
  }
}

/** The table of {@link SqliteRateLimitStore} (Satchel's own; PocketBase ignores it). */
export const RATE_LIMIT_TABLE = '_satchelRateLimits'

/**
 * Windows in a SQLite table shared by every process on the data dir (multi-worker serving):
 * one atomic upsert (`INSERT … dialect.onConflict(…) RETURNING`) per request, so a limit of N holds
 * across all workers. The table is created on first use.
 */
export class SqliteRateLimitStore implements RateLimitStore {
  readonly #db: Db
  #ready: Promise<void> | undefined
  #sweepAt = 0

  constructor(db: Db) {
    this.#db = db
  }

  #init(): Promise<void> {
    this.#ready ??= this.#db.exec(
      this.#db.dialect.createTable(
        RATE_LIMIT_TABLE,
        [
          'key TEXT PRIMARY KEY NOT NULL',
          'available INTEGER NOT NULL',
          'lastConsume INTEGER NOT NULL',
        ],
        { ifNotExists: true, keyed: true },
      ),
    )
    return this.#ready
  }

  async consume(key: string, max: number, interval: number, now: number): Promise<boolean> {
    await this.#init()
    const d = this.#db.dialect
    const table = d.quoteIdent(RATE_LIMIT_TABLE)
    // NOTE: in the upsert's SET every expression reads the row's old values (qualified: PostgreSQL
    // calls bare names there ambiguous); -1 marks "refused".
    const [av, lc] = [`${table}.available`, `${table}.lastConsume`]
    const sql =
      `INSERT INTO ${table} (key, available, lastConsume) VALUES (:key, :max - 1, :now) ` +
      d.onConflict(
        ['key'],
        `available = CASE WHEN :now - ${lc} >= :interval THEN :max - 1 WHEN ${av} > 0 THEN ${av} - 1 ELSE -1 END, ` +
          `lastConsume = CASE WHEN :now - ${lc} >= :interval OR ${av} > 0 THEN :now ELSE ${lc} END`,
      ) +
      ' RETURNING available'
    const row = await this.#db.transaction((tx) =>
      tx.get<{ available: number }>(sql, { key, max, now, interval }),
    )
    if (now >= this.#sweepAt) await this.cleanup(now)
    return (row?.available ?? 0) >= 0
  }

  async cleanup(nowSeconds: number): Promise<void> {
    await this.#init()
    this.#sweepAt = nowSeconds + 300
    const table = this.#db.dialect.quoteIdent(RATE_LIMIT_TABLE)
    await this.#db.run(`DELETE FROM ${table} WHERE lastConsume < ?`, [nowSeconds - 1800])
  }

  async reset(): Promise<void> {
    await this.#init()
    await this.#db.run(`DELETE FROM ${this.#db.dialect.quoteIdent(RATE_LIMIT_TABLE)}`)
  }
}
