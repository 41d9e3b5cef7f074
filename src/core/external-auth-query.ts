import type { App } from './app.ts'
import type { Collection } from './collection-model.ts'
import { Record } from './record-model.ts'

/**
 * The `_externalAuths` row linking `provider`'s user `providerId` to a record of `collection`
 * (PocketBase `FindFirstExternalAuthByExpr` with collectionRef/provider/providerId), or
 * undefined when there is none.
 */
export async function findExternalAuthByProvider(
  app: App,
  collection: Collection,
  provider: string,
  providerId: string,
): Promise<Record | undefined> {
  const c = app.findCollectionByNameOrId('_externalAuths')
  const q = app.db.dialect.quoteIdent
  const row = await app.db.get<{ [key: string]: unknown }>(
    `SELECT * FROM ${q(c.name)} WHERE ${q('collectionRef')} = ? AND ${q('provider')} = ? AND ${q('providerId')} = ? LIMIT 1`,
    [collection.id, provider, providerId],
  )
  return row === undefined ? undefined : Record.fromRow(c, row)
}
