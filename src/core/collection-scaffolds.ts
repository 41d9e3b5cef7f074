import { randomString } from '../tools/security/random.ts'
import { defaultAuthOptions } from './collection-auth-options.ts'
import { quoteStoredIdent, storedIndexText } from './collection-index.ts'
import {
  Collection,
  type CollectionType,
  defaultCollectionId,
  defaultFieldId,
} from './collection-model.ts'
import { type FieldJSON, fieldFromJSON } from './field.ts'
import './fields.ts'

/** Builds a field JSON from a compact definition; the id defaults to PocketBase's `<type><crc32>`. */
function field(type: string, name: string, options: Partial<FieldJSON> = {}): FieldJSON {
  return fieldFromJSON({ id: defaultFieldId(type, name), name, type, ...options }).toJSON()
}

/** The `id` primary-key field every base/auth collection starts with (PocketBase §7.4). */
export function defaultIdField(): FieldJSON {
  return field('text', 'id', {
    primaryKey: true,
    required: true,
    system: true,
    min: 15,
    max: 15,
    pattern: '^[a-z0-9]+$',
    autogeneratePattern: '[a-z0-9]{15}',
  })
}

/** The system fields of every auth collection (PocketBase §7.4), in PocketBase's order. */
export function authSystemFields(): FieldJSON[] {
  return [
    defaultIdField(),
    field('password', 'password', { system: true, hidden: true, required: true, min: 8 }),
    field('text', 'tokenKey', {
      system: true,
      hidden: true,
      required: true,
      min: 30,
      max: 60,
      autogeneratePattern: '[a-zA-Z0-9]{50}',
    }),
    field('email', 'email', { system: true, required: true }),
    field('bool', 'emailVisibility', { system: true }),
    field('bool', 'verified', { system: true }),
  ]
}

/** The default unique indexes of an auth collection on `tokenKey` and `email`. */
export function authIndexes(id: string, name: string): string[] {
  const unique = (column: string, where = '') =>
    storedIndexText({
      unique: true,
      optional: false,
      schemaName: '',
      // PocketBase cuts the generated index name at 64 characters
      indexName: `idx_${column}_${id}`.slice(0, 64),
      tableName: name,
      columns: [{ name: column, collate: '', sort: '' }],
      where,
    })
  return [unique('tokenKey'), unique('email', `${quoteStoredIdent('email')} != ''`)]
}

/**
 * A new, unsaved collection with PocketBase's defaults (`core.NewCollection`): id
 * `pbc_<crc32(type+name)>`; base → the `id` field; auth → the system fields, the `tokenKey`/
 * `email` unique indexes and the default auth options; view → no fields, empty query.
 */
export function newCollection(type: CollectionType, name: string): Collection {
  const c = new Collection()
  c.type = type
  c.name = name
  c.id = defaultCollectionId(type, name)
  if (type === 'base') c.setFields([fieldFromJSON(defaultIdField())])
  if (type === 'auth') {
    c.setFields(authSystemFields().map((f) => fieldFromJSON(f)))
    c.indexes = authIndexes(c.id, name)
    c.auth = defaultAuthOptions()
  }
  return c
}

/**
 * The scaffolds of `GET /api/collections/meta/scaffolds`: one blank collection per type with
 * `id` and `name` empty (the auth indexes use a random placeholder instead of the id, like
 * PocketBase).
 */
export function collectionScaffolds(): Record<CollectionType, Collection> {
  const out = {} as Record<CollectionType, Collection>
  for (const type of ['auth', 'base', 'view'] as const) {
    const c = newCollection(type, '')
    c.id = ''
    if (type === 'auth')
      c.indexes = authIndexes(randomString(10, 'abcdefghijklmnopqrstuvwxyz0123456789'), '')
    out[type] = c
  }
  return out
}
