import { NoRowsError } from '../tools/db/db.ts'
import { planList } from '../tools/search/provider.ts'
import { SelectQuery, sql } from '../tools/search/select-query.ts'
import type { App } from './app.ts'
import type { Collection } from './collection-model.ts'
import { Record } from './record-model.ts'
import { recordSelect } from './record-rules.ts'
import { emptyRequestInfo } from './request-info.ts'

/**
 * Finds one record by id (no API rule applied). Accepts a collection or its id/name.
 * Throws NoRowsError when the collection or the record is missing.
 */
export async function findRecordById(
  app: App,
  collection: Collection | string,
  id: string,
): Promise<Record> {
  const c = typeof collection === 'string' ? app.findCollectionByNameOrId(collection) : collection
  const q = app.db.dialect.quoteIdent
  const row = await app.db.get<{ [key: string]: unknown }>(
    `SELECT * FROM ${q(c.name)} WHERE ${q('id')} = ? LIMIT 1`,
    [id],
  )
  if (row === undefined) throw new NoRowsError()
  return Record.fromRow(c, row)
}

/**
 * Finds the first record whose field equals the value (no API rule applied), or throws
 * NoRowsError. `field` must be a field of the collection.
 */
export async function findFirstRecordByData(
  app: App,
  collection: Collection | string,
  field: string,
  value: unknown,
): Promise<Record> {
  const c = typeof collection === 'string' ? app.findCollectionByNameOrId(collection) : collection
  const f = c.getField(field)
  if (f === undefined) throw new NoRowsError(`Missing field "${field}".`)
  const q = app.db.dialect.quoteIdent
  const row = await app.db.get<{ [key: string]: unknown }>(
    `SELECT * FROM ${q(c.name)} WHERE ${q(field)} = ? LIMIT 1`,
    [f.driverValue(f.prepareValue(value))],
  )
  if (row === undefined) throw new NoRowsError()
  return Record.fromRow(c, row)
}

/**
 * Finds the records of a collection with the given ids, in database order (missing ids are
 * skipped; no API rule applied). `query` may be a prepared SELECT of the collection (e.g. with a
 * rule's WHERE and joins, see `recordSelect`); it is not modified.
 */
export async function findRecordsByIds(
  app: App,
  collection: Collection,
  ids: readonly string[],
  query?: SelectQuery,
): Promise<Record[]> {
  if (ids.length === 0) return []
  const d = app.db.dialect
  const q = d.quoteIdent
  const base = query?.clone() ?? new SelectQuery(d, collection.name)
  const s = base
    .where(
      sql(`${q(base.alias)}.${q('id')} IN (SELECT value FROM ${d.jsonEach(':__ids')})`, {
        __ids: JSON.stringify(ids),
      }),
    )
    .toSql()
  const rows = await app.db.all<{ [key: string]: unknown }>(s.sql, s.params)
  return rows.map((row) => Record.fromRow(collection, row))
}

/**
 * The auth record of `collection` whose email equals `email` ignoring ASCII case (SQLite
 * `COLLATE NOCASE`, as PocketBase's OAuth2 email lookup), or undefined (no API rule applied).
 */
export async function findAuthRecordByEmail(
  app: App,
  collection: Collection,
  email: string,
): Promise<Record | undefined> {
  const d = app.db.dialect
  const row = await app.db.get<{ [key: string]: unknown }>(
    `SELECT * FROM ${d.quoteIdent(collection.name)} WHERE ${d.equalsNoCase(d.quoteIdent('email'), '?')} LIMIT 1`,
    [email],
  )
  return row === undefined ? undefined : Record.fromRow(collection, row)
}

/** One page of records and the totals (-1 with `skipTotal`), PocketBase's list shape. */
export interface RecordsPage {
  records: Record[]
  totalItems: number
  totalPages: number
}

/**
 * Runs one list page of a prepared record SELECT (see `recordSelect`): rows with
 * `LIMIT perPage OFFSET perPage*(page-1)` and, unless `skipTotal`, the COUNT of distinct row ids
 * (view collections count their `id`). A page beyond any possible offset is simply empty.
 * `page`/`perPage` must be normalised already. Filter/SQL errors propagate.
 */
export async function findRecordsPage(
  app: App,
  collection: Collection,
  query: SelectQuery,
  options: { page: number; perPage: number; skipTotal: boolean },
): Promise<RecordsPage> {
  const d = app.db.dialect
  const beyond = options.perPage * (options.page - 1) > Number.MAX_SAFE_INTEGER
  const plan = planList(query, {
    page: beyond ? 1 : options.page,
    perPage: options.perPage,
    skipTotal: options.skipTotal,
    countColumn: collection.isView
      ? `${d.quoteIdent(collection.name)}.${d.quoteIdent('id')}`
      : d.rowid(collection.name),
  })
  let totalItems = -1
  let totalPages = -1
  if (plan.count !== undefined) {
    const row = await app.db.get<{ total: number }>(plan.count.sql, plan.count.params)
    totalItems = Number(row?.total ?? 0)
    totalPages = Math.ceil(totalItems / options.perPage)
  }
  const rows = beyond
    ? []
    : await app.db.all<{ [key: string]: unknown }>(plan.rows.sql, plan.rows.params)
  return { records: rows.map((row) => Record.fromRow(collection, row)), totalItems, totalPages }
}

/**
 * Finds the records of a collection matching `filter` (PocketBase `FindRecordsByFilter`): the
 * filter language with full privileges (no API rule; hidden fields allowed), values bound
 * through `{:name}` placeholders, an optional `sort` (`-created,title`), `limit` (0 = all) and
 * `offset`. Throws FilterError for an invalid filter or sort, NoRowsError for a missing
 * collection.
 *
 * @example
 * const drafts = await findRecordsByFilter(app, 'posts', 'status = {:s} && author = {:a}', {
 *   params: { s: 'draft', a: userId }, sort: '-created', limit: 10,
 * })
 */
export async function findRecordsByFilter(
  app: App,
  collection: Collection | string,
  filter: string,
  options: {
    readonly params?: { readonly [name: string]: unknown }
    readonly sort?: string
    readonly limit?: number
    readonly offset?: number
  } = {},
): Promise<Record[]> {
  const c = typeof collection === 'string' ? app.findCollectionByNameOrId(collection) : collection
  const query = filteredSelect(app, c, filter, options.params)
  if (options.sort !== undefined && options.sort !== '') {
    // NOTE: sorted like a client `?sort=` (hidden fields are refused there)
    const sorted = recordSelect(app, c, emptyRequestInfo(), { sort: options.sort })
    query.orderBy(...sorted.orderTerms)
  }
  if (options.limit !== undefined && options.limit > 0) query.limit(options.limit)
  if (options.offset !== undefined && options.offset > 0) query.offset(options.offset)
  const s = query.toSql()
  const rows = await app.db.all<{ [key: string]: unknown }>(s.sql, s.params)
  return rows.map((row) => Record.fromRow(c, row))
}

/**
 * Counts the records of a collection matching `filter` (all when empty; PocketBase
 * `CountRecords`), with bound `{:name}` params. Throws like `findRecordsByFilter`.
 */
export async function countRecords(
  app: App,
  collection: Collection | string,
  filter = '',
  params?: { readonly [name: string]: unknown },
): Promise<number> {
  const c = typeof collection === 'string' ? app.findCollectionByNameOrId(collection) : collection
  const query = filteredSelect(app, c, filter, params)
  const s = query.toCountSql(
    c.isView
      ? `${app.db.dialect.quoteIdent(c.name)}.${app.db.dialect.quoteIdent('id')}`
      : undefined,
  )
  const row = await app.db.get<{ [key: string]: unknown }>(s.sql, s.params)
  return Number(Object.values(row ?? {})[0] ?? 0)
}

/** The SELECT of `filter` evaluated with full privileges (as an API rule is). */
function filteredSelect(
  app: App,
  c: Collection,
  filter: string,
  params?: { readonly [name: string]: unknown },
) {
  return recordSelect(app, c, emptyRequestInfo(), {
    rule: filter === '' ? undefined : filter,
    params,
  })
}
