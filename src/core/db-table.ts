import type { Db } from '../tools/db/db.ts'
import { indexForTable } from './collection-index.ts'
import type { Collection } from './collection-model.ts'

/**
 * The CREATE TABLE statement of a base/auth collection: one column per field with the field's
 * column type, columns in name order as PocketBase writes them (§7.6).
 */
export function createTableSql(db: Db, collection: Collection): string {
  const d = db.dialect
  const columns = [...collection.fields]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((f) => `${d.quoteIdent(f.name)} ${d.columnType(f.columnKind())}`)
  return d.createTable(collection.name, columns)
}

/** Creates the table of a new base/auth collection and its indexes. */
export async function createCollectionTable(db: Db, collection: Collection): Promise<void> {
  await db.exec(createTableSql(db, collection))
  // Executed in the normalised form, as PocketBase does (its `sqlite_master` shows that text).
  for (const index of collection.indexes) {
    await db.exec(indexForTable(index, collection.name, db.dialect) || index)
  }
}
