import { NoRowsError } from '../tools/db/db.ts'
import type { App } from './app.ts'
import type { Collection } from './collection-model.ts'
import { Record } from './record-model.ts'

/** A single-column UNIQUE index of a collection: its column and optional collation. */
export interface SingleColumnUniqueIndex {
  column: string
  collate: string
}

const UNIQUE_INDEX =
  /^\s*CREATE\s+UNIQUE\s+INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?\S+\s+ON\s+\S+\s*\(([^()]*)\)/i

/**
 * Finds the UNIQUE index over exactly `column` among a collection's `indexes` (PocketBase
 * `dbutils.FindSingleColumnUniqueIndex`); the column may be quoted and carry `COLLATE x` and
 * `ASC`/`DESC`. Partial indexes (`WHERE …`) count. Returns undefined when there is none.
 */
export function findSingleColumnUniqueIndex(
  indexes: readonly string[],
  column: string,
): SingleColumnUniqueIndex | undefined {
  for (const sql of indexes) {
    const m = UNIQUE_INDEX.exec(sql)
    if (m === null) continue
    const parts = m[1]!.split(',')
    if (parts.length !== 1) continue
    const col =
      /^\s*[`"[]?([^`"\]\s]+)[`"\]]?(?:\s+COLLATE\s+([`"]?)(\w+)\2)?(?:\s+(?:ASC|DESC))?\s*$/i.exec(
        parts[0]!,
      )
    if (col === null || col[1]!.toLowerCase() !== column.toLowerCase()) continue
    return { column: col[1]!, collate: col[3] ?? '' }
  }
  return undefined
}

/**
 * Finds the auth record whose identity `field` equals `value` (PocketBase
 * `FindAuthRecordByIdentity`-style lookup used by password auth). The field must have a
 * single-column UNIQUE index; when that index column uses `COLLATE NOCASE` the comparison is
 * case-insensitive. Throws NoRowsError when there is no such index, field or record.
 */
export async function findAuthRecordByIdentity(
  app: App,
  collection: Collection,
  field: string,
  value: string,
): Promise<Record> {
  const f = collection.getField(field)
  const index = findSingleColumnUniqueIndex(collection.indexes, field)
  if (f === undefined || index === undefined) {
    throw new NoRowsError(`Missing unique identity field "${field}".`)
  }
  const d = app.db.dialect
  const column = d.quoteIdent(f.name)
  const match =
    index.collate.toLowerCase() === 'nocase' ? d.equalsNoCase(column, '?') : `${column} = ?`
  const row = await app.db.get<{ [key: string]: unknown }>(
    `SELECT * FROM ${d.quoteIdent(collection.name)} WHERE ${match} LIMIT 1`,
    [value],
  )
  if (row === undefined) throw new NoRowsError()
  return Record.fromRow(collection, row)
}
