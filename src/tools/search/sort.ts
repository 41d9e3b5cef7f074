import type { SqlValue } from '../db/db.ts'
import { FilterError } from '../fexpr/filter-error.ts'
import type { FieldResolver } from './field-resolver.ts'
import { mergeParams, type Sql, sql } from './select-query.ts'

/** Most fields one `sort` may list (PocketBase). */
export const MAX_SORT_FIELDS = 8

/** Longest accepted sort field name (PocketBase). */
export const MAX_SORT_FIELD_LENGTH = 255

/** The sort key for random order (`ORDER BY RANDOM()`, direction ignored). */
export const RANDOM_SORT_KEY = '@random'

/** The sort key for the table's implicit row id. */
export const ROWID_SORT_KEY = '@rowid'

/** One `sort` entry. */
export interface SortField {
  readonly name: string
  readonly direction: 'ASC' | 'DESC'
}

/**
 * Parses PocketBase's `sort` syntax, `-created,title,+id` (`-` DESC, optional `+` ASC,
 * surrounding spaces ignored). Throws {@link FilterError} for an empty entry, more than
 * {@link MAX_SORT_FIELDS} entries or a name longer than {@link MAX_SORT_FIELD_LENGTH}.
 */
export function parseSort(sort: string): SortField[] {
  if (sort.trim() === '') return []
  const parts = sort.split(',')
  if (parts.length > MAX_SORT_FIELDS) {
    throw new FilterError(`too many sort fields (at most ${MAX_SORT_FIELDS})`)
  }
  return parts.map((raw) => {
    let name = raw.trim()
    let direction: SortField['direction'] = 'ASC'
    if (name.startsWith('-')) {
      direction = 'DESC'
      name = name.slice(1)
    } else if (name.startsWith('+')) {
      name = name.slice(1)
    }
    if (name === '') throw new FilterError('empty sort field')
    if (name.length > MAX_SORT_FIELD_LENGTH) {
      throw new FilterError(`sort field longer than ${MAX_SORT_FIELD_LENGTH} characters`)
    }
    return { name, direction }
  })
}

/**
 * Compiles a `sort` string into ORDER BY terms (PocketBase `tools/search/sort.go`): each field is
 * resolved through `resolver` (call `resolver.updateQuery` afterwards for the joins);
 * `@random` → `RANDOM()`, `@rowid` → the main table's row id (needs `resolver.rowid`).
 * A field whose comparisons the resolver guards with `afterBuild` (an auth `email` seen by a
 * non-superuser: only with `emailVisibility`) sorts by its value only where that guard holds and
 * as NULL elsewhere — the same rows a filter on it could see (deliberately unlike PocketBase
 * 0.40.4, whose raw `ORDER BY email` lets anyone binary-search hidden emails).
 * Throws {@link FilterError} for unknown fields and the limits of {@link parseSort}.
 */
export function buildSortExpr(sort: string, resolver: FieldResolver): Sql[] {
  return parseSort(sort).map(({ name, direction }) => {
    if (name === RANDOM_SORT_KEY) return sql(resolver.dialect.random())
    if (name === ROWID_SORT_KEY) {
      if (resolver.rowid === undefined) throw new FilterError('@rowid sorting is not supported')
      return sql(`${resolver.rowid()} ${direction}`)
    }
    const r = resolver.resolve(name)
    const params: Record<string, SqlValue> = {}
    mergeParams(params, r.params)
    // NOTE: no sort oracle — a value a filter could not compare must not order the rows either.
    const value =
      r.afterBuild === undefined
        ? r.identifier
        : `(CASE WHEN ${r.afterBuild('1 = 1')} THEN ${r.identifier} ELSE NULL END)`
    return sql(`${value} ${direction}`, params)
  })
}
