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

/** A result column of {@link Db.runScript}. */
export interface ScriptColumn {
  /** The column's name in the result. */
  readonly name: string
  /** The declared type of the table column it comes from, upper-cased (`TEXT`, `VARCHAR(255)`); '' for an expression. */
  readonly type: string
}

/** Options of {@link Db.runScript}. */
export interface ScriptOptions {
  /** The most rows read from the last statement (the rest are never read). */
  readonly maxRows: number
  /** A time limit in ms, checked between result rows (see `SqliteOptions.queryTimeoutMs`). */
  readonly timeoutMs?: number
}

/** What {@link Db.runScript} returns: the result of the script's last statement. */
export interface ScriptResult {
  readonly columns: ScriptColumn[]
  /** Cells as the driver gives them: bigint (integers), number, string, Uint8Array or null. */
  readonly rows: unknown[][]
  /**
   * Rows changed by the script's last statement that returns no rows, like `sqlite3_changes()`
   * after the script (0 when none ran; DDL reports the connection's previous count, as SQLite).
   */
  readonly changes: number
}

/** Outcome of a write statement. */
export interface RunResult {
  changes: number
  lastInsertRowid: number | bigint
}

/**
 * The storage kinds of collection columns (PocketBase §7.2). A field names its kind and the
 * dialect spells the column definition, default and NOT NULL included:
 * - `text`: text, default `''`, not null (text, email, url, editor, date, autodate, password,
 *   single select/relation/file);
 * - `primaryKey`: the text `id` primary key, defaulting to `'r'` + 14 random lowercase hex chars;
 * - `bool`: boolean, default false, not null;
 * - `number`: a number (integer or float), default 0, not null;
 * - `json`: JSON text, default NULL;
 * - `jsonArray`: JSON text of an array, default `'[]'`, not null (multiple select/relation/file);
 * - `geoPoint`: JSON text, default `'{"lon":0,"lat":0}'`, not null.
 */
export type ColumnKind =
  | 'text'
  | 'primaryKey'
  | 'bool'
  | 'number'
  | 'json'
  | 'jsonArray'
  | 'geoPoint'

/** A view as stored: its name and the statement that re-creates it as it is now. */
export interface ViewDefinition {
  readonly name: string
  /** A complete `CREATE VIEW name AS …` statement. */
  readonly sql: string
}

/** One column (or expression) of a CREATE INDEX statement. */
export interface IndexColumn {
  name: string
  collate: string
  /** "ASC", "DESC" or "". */
  sort: string
}

/**
 * A parsed `CREATE [UNIQUE] INDEX [IF NOT EXISTS] name ON table (cols) [WHERE expr]`, the form in
 * which PocketBase stores a collection's indexes (SQLite syntax on the wire and in `_collections`).
 */
export interface IndexDef {
  unique: boolean
  optional: boolean
  schemaName: string
  indexName: string
  tableName: string
  columns: IndexColumn[]
  where: string
}

/** One side of `Dialect.order`: its SQL and what the filter compiler knows of it. */
export interface OrderOperand {
  readonly sql: string
  /** `number`/`text`: one bound number/text; `value`: any other expression. */
  readonly kind: 'number' | 'text' | 'value'
}

/**
 * SQL that differs between database engines. Implemented in `dialect-*.ts`; nothing above
 * `tools/db` writes engine-specific SQL itself (the linter rejects SQLite-only tokens elsewhere).
 *
 * Conventions for every implementation: arguments named `expr`, `a`, `b`… are SQL expressions
 * that are already safe (quoted identifiers, literals the caller wrote, or `:name`/`?`
 * placeholders); arguments named `name`, `table`, `column` are raw identifiers the member quotes
 * itself. No member ever receives a raw user value. Members never use `this`, so they may be
 * called detached (`const q = db.dialect.quoteIdent`).
 */
export interface Dialect {
  readonly name: 'sqlite' | 'postgres'

  // ---- identifiers ---------------------------------------------------------------------------

  /**
   * Quotes an identifier (table, column, index or alias name), doubling the quote character inside
   * it: SQLite `` `posts` `` like PocketBase's generated SQL; PostgreSQL `"posts"`.
   */
  quoteIdent(name: string): string

  // ---- schema: column types, table options, indexes ------------------------------------------

  /** The column definition (type, default, NOT NULL) of a column of `kind`; see {@link ColumnKind}. */
  columnType(kind: ColumnKind): string
  /**
   * A `CREATE TABLE` statement for `table` (raw name) with `columns` (complete column
   * definitions with quoted names, e.g. `` `title` TEXT DEFAULT '' NOT NULL ``), in order.
   * `ifNotExists` adds `IF NOT EXISTS`. `keyed` marks a table only ever read and written by its
   * primary key and never ordered by row id (a key/value store): SQLite appends `WITHOUT ROWID`
   * (the key becomes the storage order). PostgreSQL has no implicit row id: for tables that are
   * not `keyed` it must add a hidden `_rowid_` identity column so {@link rowid} works.
   */
  createTable(
    table: string,
    columns: readonly string[],
    options?: { readonly ifNotExists?: boolean; readonly keyed?: boolean },
  ): string
  /**
   * The executable CREATE INDEX statement of an index definition as PocketBase stores it (parsed
   * by `parseIndex` in core). SQLite: PocketBase's normalised text (backtick-quoted names, one
   * column per line when there are several, expressions and WHERE kept as written) — this is
   * also the text stored in `_collections.indexes`. PostgreSQL must translate what differs
   * (quoting; `COLLATE NOCASE` → an index on `lower(col)`) and may refuse what it cannot map.
   */
  createIndex(idx: IndexDef): string

  // ---- schema inspection (these run queries on `db`) -----------------------------------------

  /**
   * True when a table or view whose name equals `name` ignoring ASCII case exists (SQLite's
   * internal `sqlite_*` tables included, so a collection cannot shadow them). SQLite:
   * `sqlite_master`; PostgreSQL: `information_schema.tables` of the current schema.
   */
  hasTable(db: Db, name: string): Promise<boolean>
  /**
   * The column names of the table or view `table`, in declaration order; `[]` when it does not
   * exist. SQLite: `PRAGMA table_info`; PostgreSQL: `information_schema.columns` by ordinal.
   */
  tableColumns(db: Db, table: string): Promise<string[]>
  /**
   * The table owning the index named `index` (compared ignoring ASCII case), or undefined when
   * no such index exists. Index names are unique per database in SQLite and per schema in
   * PostgreSQL, so there is at most one.
   */
  indexTable(db: Db, index: string): Promise<string | undefined>
  /**
   * Every view of the database in creation order (SQLite: `sqlite_master` by rowid; PostgreSQL:
   * by dependency order so re-running the statements in order works), each with the statement
   * that re-creates it as it is now (renames applied).
   */
  views(db: Db): Promise<ViewDefinition[]>
  /**
   * The `CREATE VIEW` statement of the view named exactly `name` as the database keeps it now
   * (after column/table renames it applied), or undefined when there is no such view.
   * PostgreSQL: `CREATE VIEW name AS ` + `pg_get_viewdef`.
   */
  viewSql(db: Db, name: string): Promise<string | undefined>

  /**
   * A `SELECT DISTINCT` of `columns` over `from` (` FROM … WHERE …`, with a leading space),
   * ordered by `orderBy` (terms `expr [ASC|DESC]`), whose rows are told apart by `key` (the
   * record id); LIMIT/OFFSET may follow. SQLite `SELECT DISTINCT columns from ORDER BY …`.
   * PostgreSQL refuses ORDER BY expressions missing from a DISTINCT select list (a joined
   * relation's field), so it keeps one row per `key` in a subquery that also selects the order
   * expressions (`__o1`…, extra columns) and orders outside it.
   */
  distinctOrdered(columns: string, from: string, orderBy: readonly string[], key: string): string

  /**
   * A statement that, run first in a transaction, makes every other transaction running it wait
   * until this one ends (nodes starting at once install the schema one after the other):
   * PostgreSQL `SELECT pg_advisory_xact_lock(…)`; undefined for SQLite, whose single writer
   * already serialises them.
   */
  installLock(): string | undefined

  /**
   * The statements that read the rows of the SELECT `sql` (no parameters) in batches of `batch`
   * through a server-side cursor named `name`, inside the current transaction: PostgreSQL
   * `DECLARE name NO SCROLL CURSOR FOR sql`, `FETCH batch FROM name`, `CLOSE name` — one sort
   * for a whole-table scan in row id order, where keyset pagination on the unindexed `_rowid_`
   * would scan the table once per batch. Undefined for SQLite, whose row id is the table's key
   * (keyset pagination is already an index range read).
   */
  cursor(
    name: string,
    sql: string,
    batch: number,
  ): { readonly open: string; readonly fetch: string; readonly close: string } | undefined

  /** The LIMIT clause of "no limit", before an OFFSET: SQLite ` LIMIT -1`, PostgreSQL ` LIMIT ALL`. */
  limitAll(): string

  /**
   * A parenthesised subquery for `FROM`: SQLite `(sql)` (the text PocketBase writes in a view
   * collection's `CREATE VIEW name AS SELECT * FROM (query)`); PostgreSQL `(sql) AS "_sub"`,
   * as it requires an alias.
   */
  subquery(sql: string): string

  // ---- writes --------------------------------------------------------------------------------

  /**
   * The upsert clause appended to `INSERT INTO t (…) VALUES (…)`: on a conflict on the unique
   * columns `keys` (raw names), applies `set` (`col = expr, …` with quoted columns; in the
   * expressions a column qualified with the table name reads the stored row — PostgreSQL refuses
   * bare ones as ambiguous —, {@link excluded} the proposed one) or, when `set` is undefined, skips
   * the row (`changes` 0). SQLite and PostgreSQL: `ON CONFLICT (keys) DO UPDATE SET …` /
   * `DO NOTHING`; a `RETURNING` clause may follow in both.
   */
  onConflict(keys: readonly string[], set?: string): string
  /** Inside {@link onConflict}'s `set`: the proposed value of `column` (`excluded.col`). */
  excluded(column: string): string

  // ---- values and comparisons ----------------------------------------------------------------

  /**
   * The current time as PocketBase's date text `YYYY-MM-DD HH:MM:SS.SSSZ` (UTC, milliseconds),
   * evaluated by the database: SQLite `strftime('%Y-%m-%d %H:%M:%fZ')`; PostgreSQL
   * `to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS"Z"')`.
   */
  now(): string
  /**
   * Equality of two text expressions ignoring ASCII case (like SQLite's NOCASE collation, which
   * folds only A-Z): SQLite `a = b COLLATE NOCASE`; PostgreSQL `lower(a) = lower(b)`.
   */
  equalsNoCase(a: string, b: string): string

  // The members below are the filter compiler's hooks (tools/search) and the JSON helpers of
  // schema changes.

  /** Null-safe equality of two expressions (SQLite `a IS b`; `negate` → `a IS NOT b`). */
  isSame(a: string, b: string, negate: boolean): string
  /**
   * An ordering comparison (`op`: `<`, `<=`, `>`, `>=`) with SQLite's semantics, where a
   * {@link jsonExtract} value keeps its JSON type: NULL (and JSON null) compares as unknown,
   * numbers (booleans as 1/0) by value and below every text, texts (strings; objects and arrays
   * as their JSON) byte by byte. SQLite `a op b`; PostgreSQL, when a side is a `jsonExtract`,
   * `satchel_order_cmp(jsonb, jsonb) op 0` (else `a op b`).
   */
  order(op: string, left: OrderOperand, right: OrderOperand): string
  /**
   * `expr` with NULL replaced by the empty text, for comparisons where NULL equals `''`. SQLite
   * `COALESCE(expr, '')` (SQLite compares values of any type, and a number never equals a text);
   * PostgreSQL must make both branches text (`COALESCE(expr::text, '')`).
   */
  orEmpty(expr: string): string
  /**
   * True when `expr` is NULL or the empty text (`negate`: neither). SQLite
   * `(expr = '' OR expr IS NULL)` / `(expr IS NOT '' AND expr IS NOT NULL)`; PostgreSQL compares
   * `expr::text` so numbers and booleans are never empty.
   */
  isEmpty(expr: string, negate: boolean): string
  /**
   * Pattern match with `\` as the escape character, ASCII case-insensitive like SQLite's LIKE
   * (`a LIKE b ESCAPE '\'`; `negate` → `NOT LIKE`; PostgreSQL `ILIKE`).
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
  /**
   * The last item of `expr` when it is a JSON array (NULL when the array is empty), otherwise
   * `expr` itself (how a multiple select/relation/file column becomes a single one).
   */
  jsonArrayLast(expr: string): string
  /** A table-valued expression with one row per item of the JSON array `arrayExpr` (column `value`). */
  jsonEach(arrayExpr: string): string
  /**
   * What ends a `LEFT JOIN source alias` that has no condition (a {@link jsonEach} join): ''
   * in SQLite, which allows none; ` ON TRUE` in PostgreSQL, which requires one.
   */
  joinWithoutCondition(): string
  /** The number of items of the JSON array `arrayExpr`. */
  jsonArrayLength(arrayExpr: string): string
  /** A random value for `ORDER BY` (`RANDOM()`). */
  random(): string
  /**
   * The implicit row id (insertion order) of the table alias `tableAlias` (raw name): SQLite
   * `` `alias`.`_rowid_` ``; PostgreSQL `"alias"."_rowid_"`, the hidden identity column that
   * {@link createTable} adds.
   */
  rowid(tableAlias: string): string
  /**
   * SQLite-style `strftime(format, time, ...modifiers)` (the filter function and time buckets
   * such as `'%Y-%m-%d %H:00:00'`); all arguments are SQL expressions. PostgreSQL must translate
   * the `%` format and modifiers to `to_char` and interval arithmetic.
   */
  strftime(format: string, time: string, modifiers: readonly string[]): string
  /** Great-circle distance in kilometres between two lon/lat points (Earth radius 6371 km). */
  geoDistance(lonA: string, latA: string, lonB: string, latB: string): string
  /**
   * The statement that reclaims the space of deleted rows (SQLite `VACUUM`); it cannot run
   * inside a transaction.
   */
  vacuum(): string

  // Statements (complete SQL, `?` placeholders).

  /**
   * An INSERT of one row into `table` (`?` per column) that does nothing when it would violate
   * a unique constraint: `RunResult.changes` is 0 then (SQLite/PostgreSQL `ON CONFLICT DO NOTHING`).
   */
  insertOrIgnore(table: string, columns: readonly string[]): string
  /**
   * The maintenance statements of PocketBase's daily `__pbDBOptimize__` job for one database:
   * SQLite `PRAGMA wal_checkpoint(TRUNCATE)`, plus `PRAGMA optimize` when `analyze` is true.
   */
  optimizeStatements(analyze: boolean): string[]
  /**
   * The fresh-install script of the tables that are not collections, exactly PocketBase's:
   * `data` → `_params` and `_collections` (+ the `type` index); `auxiliary` → `_logs` (+ its
   * level, message and hourly `created` indexes; `IF NOT EXISTS`). SQLite: PocketBase's text byte
   * for byte, so `sqlite_master` matches a PocketBase data dir. PostgreSQL: the same columns
   * (text ids defaulting to `'r'` + 14 random hex chars, `created`/`updated` defaulting to
   * {@link now}, the JSON columns as text) and indexes.
   */
  systemTablesSql(database: 'data' | 'auxiliary'): string
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
   * Runs a script a person typed (the superuser SQL console, PocketBase `POST /api/sql`): its
   * statements in order, answering with the last one's columns, rows (at most `maxRows`) and
   * changes. Outside a transaction, read-only statements use a read connection and any other
   * statement takes the write lock for itself; on a transaction handle everything runs in the
   * transaction. Transaction statements (BEGIN, COMMIT, END, ROLLBACK, SAVEPOINT, RELEASE) are
   * refused. Throws an Error whose message is the driver's raw error text.
   */
  runScript(script: string, options: ScriptOptions): Promise<ScriptResult>
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

/**
 * QueryTimeoutError is thrown when a query runs past the database's query timeout (PocketBase
 * `--queryTimeout`; its Go driver reports `context deadline exceeded`). A generic 400 at the
 * HTTP edge, like PocketBase.
 */
export class QueryTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`The query exceeded the ${timeoutMs / 1000} s query timeout.`)
    this.name = 'QueryTimeoutError'
  }
}

/** Called after each statement (dev mode prints it): the SQL, its parameters, the time in ms. */
export type QueryLogFunc = (sql: string, params: Params | undefined, elapsedMs: number) => void
