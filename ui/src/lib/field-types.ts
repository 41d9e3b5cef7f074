import type { CollectionField } from 'pocketbase'

/** PocketBase's field types, in the order the "add a field" picker shows them. */
export const FIELD_TYPES = [
  'text',
  'editor',
  'number',
  'bool',
  'email',
  'url',
  'date',
  'autodate',
  'select',
  'file',
  'relation',
  'json',
  'geoPoint',
  'password',
] as const

/** One field type's name. */
export type FieldType = (typeof FIELD_TYPES)[number]

/** What people call each type in the picker. */
export const FIELD_TYPE_LABELS: Record<FieldType, string> = {
  text: 'Text',
  editor: 'Rich text',
  number: 'Number',
  bool: 'Bool',
  email: 'Email',
  url: 'URL',
  date: 'Date',
  autodate: 'Autodate',
  select: 'Select',
  file: 'File',
  relation: 'Relation',
  json: 'JSON',
  geoPoint: 'Geo point',
  password: 'Password',
}

/** A field being edited: the server's shape plus a key that stays stable across renames. */
export interface DraftField extends CollectionField {
  /** Client-only identity for keyed lists (new fields have no id yet). */
  _key: string
}

let seq = 0

/** A new field of `type` with PocketBase's defaults and a name not already taken. */
export function newField(type: FieldType, taken: readonly string[]): DraftField {
  const base = type === 'geoPoint' ? 'location' : type === 'autodate' ? 'created' : `field`
  let name = base
  for (let i = 2; taken.includes(name); i++) name = `${base}${i}`
  const field: DraftField = {
    _key: `new-${++seq}`,
    id: '',
    name,
    type,
    system: false,
    hidden: false,
    presentable: false,
    required: false,
  }
  if (type === 'autodate') Object.assign(field, { onCreate: true, onUpdate: false })
  if (type === 'select') Object.assign(field, { values: [], maxSelect: 1 })
  if (type === 'relation') Object.assign(field, { collectionId: '', maxSelect: 1, minSelect: 0 })
  if (type === 'file') Object.assign(field, { maxSelect: 1, maxSize: 0, mimeTypes: [], thumbs: [] })
  if (type === 'number') Object.assign(field, { onlyInt: false })
  return field
}

/**
 * Wraps the server's fields for editing; `fresh` (a duplicate) drops their ids so the new
 * collection gets its own.
 */
export function draftFields(fields: readonly CollectionField[], fresh = false): DraftField[] {
  // NOTE: a JSON copy, not structuredClone: the fields may be reactive proxies.
  return fields.map((f) => {
    const copy = JSON.parse(JSON.stringify(f)) as CollectionField
    if (fresh) copy.id = ''
    return { ...copy, _key: (!fresh && f.id) || `copy-${++seq}` }
  })
}

/** The fields to send: client-only keys dropped, new ones without an empty id. */
export function wireFields(fields: readonly DraftField[]): CollectionField[] {
  return fields.map(({ _key, ...f }) => {
    const out = { ...f } as Record<string, unknown>
    if (out.id === '') delete out.id
    return out as CollectionField
  })
}

/** The two autodate fields a new collection starts with (as most tables want them). */
export function defaultFields(): DraftField[] {
  const created = newField('autodate', [])
  const updated = newField('autodate', ['created'])
  Object.assign(updated, { name: 'updated', onCreate: true, onUpdate: true })
  return [created, updated]
}
