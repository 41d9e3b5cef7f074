import type { App } from './app.ts'
import { applyCollectionInput } from './collection-input.ts'
import { saveCollection } from './collection-save.ts'
import { type FieldJSON, fieldFromJSON } from './field.ts'

/**
 * One step of {@link changeCollection}: top-level collection data applied like the collections
 * API's PATCH body (PocketBase's `unmarshal(data, collection)`), a field removed by id, or a
 * field added at a position (replacing the field with the same id, wherever it was).
 */
export type CollectionChange =
  | { readonly data: { readonly [key: string]: unknown } }
  | { readonly removeField: string }
  | { readonly addFieldAt: number; readonly field: Partial<FieldJSON> }

/**
 * Applies `changes` in order to a copy of the collection `idOrName` and saves it through the
 * collection save path (validation, table sync, hooks). What Satchel's TypeScript automigrate
 * files use for an update; PocketBase's JS files do the same with `unmarshal`,
 * `collection.fields.removeById/addAt` and `app.save`. Throws NoRowsError for an unknown
 * collection and the save's ValidationErrors.
 *
 * @example
 * await changeCollection(app, 'pbc_1125843985', [
 *   { data: { listRule: '' } },
 *   { removeField: 'number2013832146' },
 *   { addFieldAt: 2, field: { name: 'tags', type: 'select', values: ['a', 'b'], maxSelect: 2 } },
 * ])
 */
export async function changeCollection(
  app: App,
  idOrName: string,
  changes: readonly CollectionChange[],
): Promise<void> {
  const c = app.findCollectionByNameOrId(idOrName).clone()
  for (const change of changes) {
    if ('data' in change) {
      applyCollectionInput(c, { ...change.data }, false)
    } else if ('removeField' in change) {
      c.setFields(c.fields.filter((f) => f.id !== change.removeField))
    } else {
      const field = fieldFromJSON(change.field)
      const rest = c.fields.filter((f) => f.id !== field.id)
      rest.splice(Math.min(Math.max(change.addFieldAt, 0), rest.length), 0, field)
      c.setFields(rest)
    }
  }
  await saveCollection(app, c)
}
