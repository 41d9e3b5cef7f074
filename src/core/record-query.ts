import { NoRowsError } from '../tools/db/db.ts'
import { SelectQuery, sql } from '../tools/search/select-query.ts'
import type { App } from './app.ts'
import type { Collection } from './collection-model.ts'
import { Record } from './record-model.ts'

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
