import type { SqlValue } from '../tools/db/db.ts'
import { FilterError } from '../tools/fexpr/filter-error.ts'
import { buildFilterExpr, MAX_FILTER_LENGTH } from '../tools/search/filter.ts'
import { SelectQuery, sql } from '../tools/search/select-query.ts'
import { buildSortExpr, parseSort, ROWID_SORT_KEY } from '../tools/search/sort.ts'
import type { App } from './app.ts'
import type { Collection } from './collection-model.ts'
import { PasswordField, toPasswordValue } from './field-password.ts'
import { RecordFieldResolver } from './record-field-resolver.ts'
import type { Record } from './record-model.ts'
import { isSuperuser, type RequestInfo } from './request-info.ts'

/** The expressions to compile into one records query. */
export interface RecordQueryInput {
  /** An API rule, evaluated with full privileges (hidden fields, `@request.*`, `@collection.*`). */
  readonly rule?: string
  /**
   * A client `?filter=` (≤ 3500 bytes); for non-superusers hidden fields are refused and joined
   * collections are constrained by their list rule (§5.10). The `@request`/`@collection` 403 is
   * the API's job.
   */
  readonly filter?: string
  /** A client `?sort=` (same restrictions as `filter`; `@random`, `@rowid` allowed). */
  readonly sort?: string
  /** Values of the `{:name}` placeholders of `rule` and `filter` (bound, never inlined). */
  readonly params?: { readonly [name: string]: unknown }
}

/**
 * Builds the SELECT of a records query for one request (PocketBase: `RecordQuery` +
 * `NewRecordFieldResolver` + `search.FilterData(x).BuildExpr` + sort + `UpdateQuery`): the rule
 * (full privileges) and the client filter and sort (§5.10 restrictions unless superuser) are
 * resolved by two resolvers whose joins go into one query (a join alias names the same join in
 * both). Sort terms that bind values or resolve to NULL, and `@rowid` on views, are refused.
 * This is the single place the records layer calls the filter engine. Throws FilterError for
 * invalid expressions.
 */
export function recordSelect(
  app: App,
  collection: Collection,
  info: RequestInfo,
  input: RecordQueryInput = {},
): SelectQuery {
  const query = new SelectQuery(app.db.dialect, collection.name)
  if (input.rule === undefined && input.filter === undefined && input.sort === undefined) {
    return query
  }
  // NOTE: the rule and the client expressions use two resolvers (different privileges) with
  // their own parameter prefixes, so their placeholders never collide.
  if (input.rule !== undefined && input.rule !== '') {
    const resolver = new RecordFieldResolver(app, collection, info, { paramPrefix: '__rr' })
    query.where(buildFilterExpr(input.rule, resolver, input.params ?? {}, { paramPrefix: 'r' }))
    resolver.updateQuery(query)
  }
  if (input.filter !== undefined || input.sort !== undefined) {
    const clientFilter = !isSuperuser(info)
    const resolver = new RecordFieldResolver(app, collection, info, {
      clientFilter,
      paramPrefix: '__rc',
    })
    if (input.filter !== undefined && input.filter !== '') {
      query.where(
        buildFilterExpr(input.filter, resolver, input.params ?? {}, {
          paramPrefix: 'f',
          maxLength: MAX_FILTER_LENGTH,
        }),
      )
    }
    if (input.sort !== undefined && input.sort !== '') {
      // NOTE: views have no row id; PocketBase answers `@rowid` on a view with a 400.
      if (collection.isView && parseSort(input.sort).some((f) => f.name === ROWID_SORT_KEY)) {
        throw new FilterError('@rowid sorting is not supported by view collections')
      }
      const terms = buildSortExpr(input.sort, resolver)
      // NOTE: PocketBase refuses sort expressions that bind values (e.g. `@request.auth.id`) or
      // resolve to no column (NULL, e.g. a missing `@request.query.x`).
      if (
        terms.some((t) => Object.keys(t.params).length > 0 || /^(null)? (ASC|DESC)$/i.test(t.sql))
      ) {
        throw new FilterError('sort expressions cannot have parameters')
      }
      query.orderBy(...terms)
    }
    resolver.updateQuery(query)
  }
  return query
}

/** `table.id = :__rid` on the collection alias. */
function idIs(app: App, collection: Collection, id: string) {
  const q = app.db.dialect.quoteIdent
  return sql(`${q(collection.name)}.${q('id')} = :__rid`, { __rid: id })
}

/**
 * Reports whether the requester may access a stored record under `rule` (PocketBase
 * `CanAccessRecord`): superusers always; `null` → no; `""` → yes; otherwise the rule must match
 * the record's row. Rule compile errors propagate (FilterError).
 */
export async function canAccessRecord(
  app: App,
  record: Record,
  info: RequestInfo,
  rule: string | null,
): Promise<boolean> {
  if (isSuperuser(info)) return true
  if (rule === null) return false
  if (rule === '') return true
  return recordMatchesRule(app, record, info, rule)
}

/**
 * Reports whether the stored row of `record` satisfies the filter `rule` for the requester,
 * without {@link canAccessRecord}'s superuser and empty-rule shortcuts (e.g. an MFA rule).
 * Rule compile errors propagate (FilterError).
 */
export async function recordMatchesRule(
  app: App,
  record: Record,
  info: RequestInfo,
  rule: string,
): Promise<boolean> {
  const c = record.collection
  const q = app.db.dialect.quoteIdent
  const s = recordSelect(app, c, info, { rule })
    .where(idIs(app, c, record.id))
    .columns(`${q(c.name)}.${q('id')}`)
    .limit(1)
    .toSql()
  return (await app.db.get(s.sql, s.params)) !== undefined
}

/**
 * Finds the row of a record by id that also satisfies `rule` for the requester (no rule check
 * for superusers or an empty rule; a `null` rule matches only for superusers); undefined when
 * missing or not accessible.
 */
export async function findRecordWithRule(
  app: App,
  collection: Collection,
  id: string,
  info: RequestInfo,
  rule: string | null,
): Promise<{ [key: string]: unknown } | undefined> {
  const su = isSuperuser(info)
  if (rule === null && !su) return undefined
  const input = su || rule === null || rule === '' ? {} : { rule }
  const s = recordSelect(app, collection, info, input)
    .where(idIs(app, collection, id))
    .limit(1)
    .toSql()
  return app.db.get(s.sql, s.params)
}

const cteCollections = new WeakMap<Collection, Collection>()

/**
 * A copy of the collection named like the one-row CTE of a create-rule check, so that every
 * reference of the rule (also inside sub-queries) reads the CTE (cached per collection object).
 */
function cteCollection(c: Collection): Collection {
  let dummy = cteCollections.get(c)
  if (dummy === undefined) {
    dummy = c.clone()
    dummy.name = `${c.name}__pb_create__`
    cteCollections.set(c, dummy)
  }
  return dummy
}

/**
 * Evaluates a rule against a record that is not stored yet (PocketBase's create-rule check,
 * §6.1, §20.13): the record's column values become a one-row CTE aliased as the collection, and
 * the rule must match it. `verified` is forced false and pending passwords are exported as "".
 * Used for createRule and, on create, the manageRule. Superusers always pass; `null` never does.
 */
export async function checkUnsavedRecordRule(
  app: App,
  record: Record,
  info: RequestInfo,
  rule: string | null,
): Promise<boolean> {
  if (isSuperuser(info)) return true
  if (rule === null) return false
  if (rule === '') return true
  const c = record.collection
  const q = app.db.dialect.quoteIdent
  const dummy = cteCollection(c)
  const cte = dummy.name
  const s = recordSelect(app, dummy, info, { rule })
    .columns(`${q(cte)}.${q('id')}`)
    .limit(1)
    .toSql()
  const params: { [name: string]: SqlValue } = { ...s.params }
  const columns: string[] = []
  c.fields.forEach((field, i) => {
    let value: SqlValue
    if (field instanceof PasswordField) value = toPasswordValue(record.get(field.name)).hash
    else if (c.isAuth && field.name === 'verified') value = 0
    else value = field.driverValue(record.get(field.name))
    params[`__c${i}`] = typeof value === 'boolean' ? (value ? 1 : 0) : value
    columns.push(`:__c${i} AS ${q(field.name)}`)
  })
  const row = await app.db.get(`WITH ${q(cte)} AS (SELECT ${columns.join(', ')}) ${s.sql}`, params)
  return row !== undefined
}
