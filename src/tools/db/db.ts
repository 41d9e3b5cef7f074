/**
 * The one database interface everything above `tools/db` talks to. SQLite (better-sqlite3) is the
 * embedded implementation; PostgreSQL will implement the same interface for scale-out.
 */

/** A value that can be bound to a statement parameter. Booleans are bound as 1/0. */
export type SqlValue = string | number | bigint | boolean | null | Uint8Array

/** Statement parameters: positional (`?`) or named (`:name` in SQL, key `name` here). */
export type Params = readonly SqlValue[] | Readonly<Record<string, SqlValue>>

/** One result row keyed by column name. */
export type Row = Record<string, unknown>

/** Outcome of a write statement. */
export interface RunResult {
  changes: number
  lastInsertRowid: number | bigint
}

/** SQL that differs between database engines. Implemented in `dialect-*.ts`. */
export interface Dialect {
  readonly name: 'sqlite' | 'postgres'
  /** Quotes an identifier (table or column name), e.g. `posts` → `` `posts` ``. */
  quoteIdent(name: string): string

  // The members below are the filter compiler's hooks (tools/search). Arguments are SQL
  // expressions that are already safe (quoted identifiers or `:name` placeholders); none of them
  // receives a raw user value. They never use `this`, so they may be called detached.

  /** Null-safe equality of two expressions (SQLite `a IS b`; `negate` → `a IS NOT b`). */
  isSame(a: string, b: string, negate: boolean): string
  /**
   * Pattern match with `\` as the escape character, ASCII case-insensitive like SQLite's LIKE
   * (`a LIKE b ESCAPE '\'`; `negate` → `NOT LIKE`).
   */
  like(a: string, pattern: string, negate: boolean): string
  /**
   * The JSON value at `path` (object keys and array indexes) inside the JSON text `expr`, NULL
   * when missing. A value that is not valid JSON is treated as a JSON string, so `path = []`
   * returns it as is (PocketBase's `json_object('pb', x)` fallback). Key segments must match
   * `^\w+$` (the filter scanner guarantees it); others throw.
   */
  jsonExtract(expr: string, path: readonly (string | number)[]): string
  /**
   * A JSON array built from `expr`: the value itself when it is a JSON array, otherwise the
   * value wrapped in a one-item array; with `emptyAsNone`, `''` and NULL become `[]`.
   */
  jsonArray(expr: string, emptyAsNone: boolean): string
  /** A table-valued expression with one row per item of the JSON array `arrayExpr` (column `value`). */
  jsonEach(arrayExpr: string): string
  /** The number of items of the JSON array `arrayExpr`. */
  jsonArrayLength(arrayExpr: string): string
  /** A random value for `ORDER BY` (`RANDOM()`). */
  random(): string
  /** The implicit row id of the (unquoted) table alias (SQLite `` `alias`.`_rowid_` ``). */
  rowid(tableAlias: string): string
  /** SQLite-style `strftime(format, time, ...modifiers)`; all arguments are SQL expressions. */
  strftime(format: string, time: string, modifiers: readonly string[]): string
  /** Great-circle distance in kilometres between two lon/lat points (Earth radius 6371 km). */
  geoDistance(lonA: string, latA: string, lonB: string, latB: string): string
}

/**
 * Db runs statements. Outside a transaction, reads go to a read connection and every write takes
 * the single write connection's lock for its duration; inside `transaction`, the callback's `tx`
 * runs everything on the write connection, which stays locked until the callback settles.
 */
export interface Db {
  readonly dialect: Dialect
  /** True for the handle passed to a `transaction` callback. */
  readonly inTransaction: boolean
  /** Returns every row of a query. */
  all<T = Row>(sql: string, params?: Params): Promise<T[]>
  /** Returns the first row of a query, or undefined. */
  get<T = Row>(sql: string, params?: Params): Promise<T | undefined>
  /** Runs one write statement. */
  run(sql: string, params?: Params): Promise<RunResult>
  /** Runs a script of one or more statements without parameters. */
  exec(script: string): Promise<void>
  /**
   * Runs `fn` inside one write transaction: commits when it resolves, rolls back when it throws
   * (and rethrows). Called on a transaction handle, it reuses that transaction.
   */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>
  /** Closes the connections; pending writes finish first. */
  close(): Promise<void>
}

/** NoRowsError is thrown by `find*` helpers when nothing matches (404 at the HTTP edge). */
export class NoRowsError extends Error {
  constructor(message = 'No rows in result set.') {
    super(message)
    this.name = 'NoRowsError'
  }
}
