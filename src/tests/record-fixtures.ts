import type { App } from '../core/app.ts'
import {
  Collection,
  type CollectionRow,
  type CollectionType,
  defaultCollectionId,
  defaultFieldId,
} from '../core/collection-model.ts'
import { createCollectionTable } from '../core/db-table.ts'
import { type FieldJSON, fieldFromJSON } from '../core/field.ts'
import { Record } from '../core/record-model.ts'
import { saveRecord } from '../core/record-save.ts'
import { authIndexes, authSystemFields } from '../migrations/1640988000_init.ts'

/** A compact collection definition for tests. */
export interface CollectionSpec {
  name: string
  type?: CollectionType
  /** Extra fields (`id` and, for auth, the system fields are added). */
  fields?: Partial<FieldJSON>[]
  indexes?: string[]
  listRule?: string | null
  viewRule?: string | null
  createRule?: string | null
  updateRule?: string | null
  deleteRule?: string | null
  manageRule?: string | null
  viewQuery?: string
}

const idField = (): FieldJSON =>
  fieldFromJSON({
    id: defaultFieldId('text', 'id'),
    name: 'id',
    type: 'text',
    primaryKey: true,
    required: true,
    system: true,
    min: 15,
    max: 15,
    pattern: '^[a-z0-9]+$',
    autogeneratePattern: '[a-z0-9]{15}',
  }).toJSON()

/**
 * Creates a collection straight in `_collections` with its table (or SQL view) and reloads the
 * cache — a test shortcut that bypasses the collections API. Rules default to `null`.
 */
export async function createTestCollection(app: App, spec: CollectionSpec): Promise<Collection> {
  const type = spec.type ?? 'base'
  const id = defaultCollectionId(type, spec.name)
  const extra = (spec.fields ?? []).map((f) =>
    fieldFromJSON({ id: defaultFieldId(String(f.type), String(f.name)), ...f }).toJSON(),
  )
  const fields =
    type === 'auth'
      ? [...authSystemFields(), ...extra]
      : type === 'view'
        ? extra
        : [idField(), ...extra]
  const options: { [key: string]: unknown } = {}
  if (type === 'view') options.viewQuery = spec.viewQuery ?? ''
  if (type === 'auth') options.manageRule = spec.manageRule ?? null
  const row: CollectionRow = {
    id,
    system: 0,
    type,
    name: spec.name,
    fields: JSON.stringify(fields),
    indexes: JSON.stringify([
      ...(type === 'auth' ? authIndexes(id, spec.name) : []),
      ...(spec.indexes ?? []),
    ]),
    listRule: spec.listRule ?? null,
    viewRule: spec.viewRule ?? null,
    createRule: spec.createRule ?? null,
    updateRule: spec.updateRule ?? null,
    deleteRule: spec.deleteRule ?? null,
    options: JSON.stringify(options),
    created: '2024-01-01 00:00:00.000Z',
    updated: '2024-01-01 00:00:00.000Z',
  }
  const c = Collection.fromRow(row)
  if (type === 'view') {
    await app.db.exec(`CREATE VIEW \`${spec.name}\` AS SELECT * FROM (${spec.viewQuery})`)
  } else {
    await createCollectionTable(app.db, c)
  }
  await app.db.run(
    'INSERT INTO `_collections` (id, system, type, name, fields, indexes, listRule, viewRule, createRule, updateRule, deleteRule, options, created, updated) VALUES (:id, :system, :type, :name, :fields, :indexes, :listRule, :viewRule, :createRule, :updateRule, :deleteRule, :options, :created, :updated)',
    row as never,
  )
  await app.reloadCollections()
  return app.findCollectionByNameOrId(spec.name)
}

/** Saves a new record with the given values (no API rules) and returns it. */
export async function createTestRecord(
  app: App,
  collection: string,
  data: { [key: string]: unknown },
): Promise<Record> {
  const r = new Record(app.findCollectionByNameOrId(collection))
  for (const [k, v] of Object.entries(data)) r.set(k, v)
  await saveRecord(app, r)
  return r
}
