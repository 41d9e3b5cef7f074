import type { Dialect, SqlValue } from '../db/db.ts'

/** Named statement parameters: `:name` in SQL, key `name` here. */
export type SqlParams = Readonly<Record<string, SqlValue>>

/**
 * A SQL fragment with its named parameters. Fragments are combined by concatenating their text
 * and merging their params, so one fragment may appear several times (e.g. inside a sub-query)
 * without re-binding.
 */
export interface Sql {
  readonly sql: string
  readonly params: SqlParams
}

/** Returns a {@link Sql} fragment (frozen). */
export function sql(text: string, params: SqlParams = {}): Sql {
  return Object.freeze({ sql: text, params })
}

/**
 * Merges `from` into `into`. Throws (a programming error, not a FilterError) when a name is
 * bound twice to different values.
 */
export function mergeParams(into: Record<string, SqlValue>, from: SqlParams | undefined): void {
  if (from === undefined) return
  for (const key in from) {
    const value = from[key] as SqlValue
    if (key in into && !Object.is(into[key], value)) {
      throw new Error(`SQL parameter "${key}" is bound to two different values.`)
    }
    into[key] = value
  }
}

/** One join of a {@link SelectQuery}. `source` is SQL (a quoted table or a table function). */
export interface JoinClause {
  readonly kind: 'LEFT JOIN' | 'INNER JOIN'
  readonly source: string
  /** Unquoted alias; a query holds at most one join per alias. */
  readonly alias: string
  readonly on?: Sql
}

/**
 * SelectQuery is the small select builder used for record lists, views and rule checks:
 * `SELECT [DISTINCT] columns FROM table alias joins WHERE … ORDER BY … LIMIT … OFFSET …`.
 * It is mutable (resolvers add joins to it, like PocketBase's `UpdateQuery`); `clone()` copies it.
 * A query with joins is always `SELECT DISTINCT`, as in PocketBase.
 *
 * @example
 * const q = new SelectQuery(db.dialect, 'posts').where(buildFilterExpr(filter, resolver))
 * resolver.updateQuery(q)
 * const { sql, params } = q.limit(30).toSql()
 */
export class SelectQuery {
  readonly dialect: Dialect
  /** Unquoted table name. */
  readonly table: string
  /** Unquoted alias of the table (defaults to the table name). */
  readonly alias: string
  #distinct = false
  #columns: Sql[] = []
  #joins: JoinClause[] = []
  #where: Sql[] = []
  #orderBy: Sql[] = []
  #limit: number | undefined
  #offset: number | undefined

  constructor(dialect: Dialect, table: string, alias: string = table) {
    this.dialect = dialect
    this.table = table
    this.alias = alias
  }

  /** Forces `SELECT DISTINCT` (automatic when the query has joins). */
  distinct(on = true): this {
    this.#distinct = on
    return this
  }

  /** Sets the selected expressions (SQL); default `alias.*`. */
  columns(...columns: (string | Sql)[]): this {
    this.#columns = columns.map((c) => (typeof c === 'string' ? sql(c) : c))
    return this
  }

  /** Adds a join unless one with the same alias exists already (the first one wins). */
  join(kind: JoinClause['kind'], source: string, alias: string, on?: Sql): this {
    if (!this.hasJoin(alias)) this.#joins.push(Object.freeze({ kind, source, alias, on }))
    return this
  }

  /** True when a join with this (unquoted) alias was added. */
  hasJoin(alias: string): boolean {
    return this.#joins.some((j) => j.alias === alias)
  }

  /** The joins added so far. */
  get joins(): readonly JoinClause[] {
    return this.#joins
  }

  /** The WHERE conditions added so far (ANDed). */
  get conditions(): readonly Sql[] {
    return this.#where
  }

  /** The ORDER BY terms added so far. */
  get orderTerms(): readonly Sql[] {
    return this.#orderBy
  }

  /** True when the statement will be `SELECT DISTINCT` (forced, or because of joins). */
  get isDistinct(): boolean {
    return this.#distinct || this.#joins.length > 0
  }

  /** Renders the joins (`LEFT JOIN … ON …`), merging their params into `params`. */
  joinsSql(params: Record<string, SqlValue>): string {
    const q = this.dialect.quoteIdent
    return this.#joins
      .map(
        (j) =>
          `${j.kind} ${j.source} ${q(j.alias)}${j.on === undefined ? this.dialect.joinWithoutCondition() : ` ON ${add(params, j.on)}`}`,
      )
      .join(' ')
  }

  /** ANDs a condition to the WHERE clause; an empty fragment is ignored. */
  where(condition: Sql): this {
    if (condition.sql.trim() !== '') this.#where.push(condition)
    return this
  }

  /** Appends ORDER BY terms (each like `` `a` DESC ``). */
  orderBy(...terms: Sql[]): this {
    this.#orderBy.push(...terms)
    return this
  }

  /** Sets LIMIT (undefined removes it). */
  limit(n: number | undefined): this {
    this.#limit = n
    return this
  }

  /** Sets OFFSET (undefined removes it). */
  offset(n: number | undefined): this {
    this.#offset = n
    return this
  }

  /** Returns an independent copy. */
  clone(): SelectQuery {
    const c = new SelectQuery(this.dialect, this.table, this.alias)
    c.#distinct = this.#distinct
    c.#columns = [...this.#columns]
    c.#joins = [...this.#joins]
    c.#where = [...this.#where]
    c.#orderBy = [...this.#orderBy]
    c.#limit = this.#limit
    c.#offset = this.#offset
    return c
  }

  /** Builds the SELECT statement. */
  toSql(): Sql {
    const q = this.dialect.quoteIdent
    const params: Record<string, SqlValue> = {}
    const cols =
      this.#columns.length === 0
        ? `${q(this.alias)}.*`
        : this.#columns.map((c) => add(params, c)).join(', ')
    const from = this.#fromClause(params)
    const order = this.#orderBy.map((o) => add(params, o))
    let text: string
    if (this.isDistinct && order.length > 0) {
      text = this.dialect.distinctOrdered(cols, from, order, `${q(this.alias)}.${q('id')}`)
    } else {
      text = `SELECT ${this.isDistinct ? 'DISTINCT ' : ''}${cols}${from}`
      if (order.length > 0) text += ` ORDER BY ${order.join(', ')}`
    }
    if (this.#limit !== undefined) text += ` LIMIT ${toInt(this.#limit)}`
    if (this.#offset !== undefined) {
      if (this.#limit === undefined) text += this.dialect.limitAll()
      text += ` OFFSET ${toInt(this.#offset)}`
    }
    return sql(text, params)
  }

  /**
   * Builds `SELECT COUNT(DISTINCT <column>) FROM … WHERE …` without ORDER BY/LIMIT (PocketBase
   * counts `COUNT(DISTINCT table._rowid_)`; pass e.g. `` `v`.`id` `` for views).
   */
  toCountSql(column: string = this.dialect.rowid(this.alias)): Sql {
    const params: Record<string, SqlValue> = {}
    return sql(`SELECT COUNT(DISTINCT ${column}) AS total${this.#fromClause(params)}`, params)
  }

  #fromClause(params: Record<string, SqlValue>): string {
    const q = this.dialect.quoteIdent
    let text = ` FROM ${q(this.table)}`
    if (this.alias !== this.table) text += ` ${q(this.alias)}`
    if (this.#joins.length > 0) text += ` ${this.joinsSql(params)}`
    if (this.#where.length === 1) text += ` WHERE ${add(params, this.#where[0]!)}`
    else if (this.#where.length > 1) {
      text += ` WHERE ${this.#where.map((w) => `(${add(params, w)})`).join(' AND ')}`
    }
    return text
  }
}

function add(params: Record<string, SqlValue>, fragment: Sql): string {
  mergeParams(params, fragment.params)
  return fragment.sql
}

function toInt(n: number): number {
  if (!Number.isSafeInteger(n)) throw new Error(`Invalid LIMIT/OFFSET value ${n}.`)
  return n
}
