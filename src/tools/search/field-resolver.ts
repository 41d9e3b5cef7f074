import type { Dialect } from '../db/db.ts'
import type { SelectQuery, SqlParams } from './select-query.ts'

/**
 * The "every value" side of a multi-valued operand (PocketBase's `MultiMatchSubquery`, §5.7): a
 * correlated sub-query listing each value of the operand for the current outer row. The filter
 * builder turns a plain operator into `cond AND NOT EXISTS (SELECT 1 FROM (SELECT <valueIdentifier>
 * AS multiMatchValue <from>) x WHERE NOT (cond on x.multiMatchValue))`.
 */
export interface MultiMatch {
  /** SQL of one value, using only the aliases declared in `from`. */
  readonly valueIdentifier: string
  /**
   * `FROM … [JOIN …] WHERE <correlation to the outer row>`, with aliases distinct from the outer
   * query's (a sub-query is self-contained, so the same text may be used by several conditions).
   */
  readonly from: string
  readonly params?: SqlParams
}

/** How a {@link FieldResolver} translated one operand (PocketBase `ResolverResult`). */
export interface ResolverResult {
  /**
   * A SQL expression: a quoted column (`` `posts`.`title` ``), an expression, or a single `:name`
   * placeholder for a static value (the builder then knows whether it is empty, see §5.6).
   */
  readonly identifier: string
  /** Named parameters used by `identifier`. */
  readonly params?: SqlParams
  /**
   * Disables the `COALESCE(x, '')` null fallback, so `=`/`!=` become `IS`/`IS NOT` (JSON paths,
   * geo values, `:changed`).
   */
  readonly noCoalesce?: boolean
  /** Set when the operand has several values per row ("all values must match" semantics). */
  readonly multiMatch?: MultiMatch
  /**
   * Wraps the SQL of a whole comparison that uses this operand, e.g. to AND an
   * `emailVisibility` guard (PocketBase `AfterBuild`). Params must be in `params`.
   */
  readonly afterBuild?: (condition: string) => string
}

/**
 * FieldResolver plugs a schema into the filter compiler (`tools/search` never sees a
 * collection): it turns field names into SQL and remembers the joins they need.
 *
 * @example
 * const resolver = new SimpleFieldResolver({ table: 'posts', columns: ['title'] })
 * const where = buildFilterExpr("title ~ 'abc'", resolver)
 */
export interface FieldResolver {
  /** The SQL flavour the identifiers are written in. */
  readonly dialect: Dialect
  /** Resolves one field name like `author.name:lower`; throws FilterError when it is unknown. */
  resolve(field: string): ResolverResult
  /** Adds the joins collected by `resolve` calls so far to `query` (and makes it DISTINCT). */
  updateQuery(query: SelectQuery): void
  /** SQL of the main row's id for `@rowid` sorting; resolvers without it reject `@rowid`. */
  rowid?(): string
}
