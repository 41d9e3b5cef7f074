import { NoRowsError } from '../tools/db/db.ts'
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
