import { badRequestError } from '../tools/router/api-error.ts'
import {
  AuthOptionsFormatError,
  mergeAuthOptions,
  zeroAuthOptions,
} from './collection-auth-options.ts'
import { parseIndex } from './collection-index.ts'
import {
  type Collection,
  type CollectionType,
  defaultFieldId,
  RULE_KEYS,
} from './collection-model.ts'
import { authIndexes, authSystemFields, defaultIdField } from './collection-scaffolds.ts'
import { type Field, type FieldJSON, fieldFromJSON, fieldTypes } from './field.ts'
import { PasswordField } from './field-password.ts'
import { TextField } from './field-text.ts'
import './fields.ts'

/** The three collection types. */
export const COLLECTION_TYPES: readonly CollectionType[] = ['base', 'auth', 'view']

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** PocketBase's answer to a body it cannot map onto a collection (unknown field type, bad shape). */
export function invalidFormatError(cause?: unknown): Error {
  return badRequestError(
    'Failed to load the submitted data due to invalid formatting.',
    undefined,
    cause === undefined ? undefined : { cause },
  )
}

/**
 * Builds a field list from submitted JSON (PocketBase `FieldsList.UnmarshalJSON`): each item
 * needs a known `type`; a missing `id` becomes `<type><crc32(name)>`; an item whose id is
 * already in the list replaces that entry in place. Throws the 400 "invalid formatting" error
 * for a non-array, a non-object item or an unknown type.
 */
export function fieldsFromInput(input: unknown): Field[] {
  if (!Array.isArray(input)) throw invalidFormatError()
  const types = new Set(fieldTypes())
  const out: Field[] = []
  for (const raw of input) {
    if (!isObject(raw) || typeof raw.type !== 'string' || !types.has(raw.type)) {
      throw invalidFormatError()
    }
    checkFieldJSONTypes(raw)
    const json = { ...raw } as Partial<FieldJSON>
    if (typeof json.id !== 'string' || json.id === '') {
      json.id = defaultFieldId(raw.type, typeof raw.name === 'string' ? raw.name : '')
    }
    addField(out, fieldFromJSON(json))
  }
  return out
}

/**
 * Refuses a field option of another JSON type than the field type's own (PocketBase decodes
 * into typed Go structs): strings, booleans, integers (`min`, `maxSize`, …), numbers or null
 * (a number field's `min`/`max`), lists of strings; `null` is always accepted (zero value).
 * Throws the 400 "invalid formatting" error.
 */
function checkFieldJSONTypes(raw: Record<string, unknown>): void {
  const template = fieldFromJSON({ type: raw.type, name: 'x', id: 'x' } as FieldJSON).toJSON()
  for (const [key, v] of Object.entries(raw)) {
    if (v === null || v === undefined || !(key in template)) continue
    const t = (template as Record<string, unknown>)[key]
    const ok =
      t === null
        ? typeof v === 'number'
        : Array.isArray(t)
          ? Array.isArray(v) && v.every((x) => typeof x === 'string')
          : typeof t === 'number'
            ? Number.isInteger(v)
            : typeof v === typeof t
    if (!ok) throw invalidFormatError()
  }
}

/** Adds a field, replacing the entry with the same id in place (PocketBase `Fields.Add`). */
export function addField(list: Field[], field: Field): void {
  const i = list.findIndex((f) => f.id === field.id)
  if (i >= 0) list[i] = field
  else list.push(field)
}

/**
 * Applies a submitted collection body over `c` (PocketBase's collection JSON unmarshal): known
 * top-level keys are copied, `fields` and `indexes` replace the lists, auth options are merged
 * deeply, `type` is copied as given (validation rejects bad or changed types). Unknown keys are
 * ignored. `id` is applied only when `allowId` (create); the caller handles it on update.
 */
export function applyCollectionInput(
  c: Collection,
  body: Record<string, unknown>,
  allowId: boolean,
): void {
  // NOTE: like Go's unmarshal, a value of another JSON type is "invalid formatting" and null is
  // the zero value
  const text = (key: string): string | undefined => {
    const v = body[key]
    if (v === undefined) return undefined
    if (v === null) return ''
    if (typeof v !== 'string') throw invalidFormatError()
    return v
  }
  const id = text('id')
  const name = text('name')
  const type = text('type')
  const viewQuery = text('viewQuery')
  if (body.system !== undefined && body.system !== null && typeof body.system !== 'boolean') {
    throw invalidFormatError()
  }
  if (allowId && id !== undefined) c.id = id
  if (name !== undefined) c.name = name
  if (type !== undefined) c.type = type as CollectionType
  if (body.system !== undefined) c.system = body.system === true
  for (const k of RULE_KEYS) {
    if (!(k in body)) continue
    const v = body[k]
    if (v === null || typeof v === 'string') c[k] = v
    else throw invalidFormatError()
  }
  if ('fields' in body && body.fields !== null) c.setFields(fieldsFromInput(body.fields))
  if ('indexes' in body && body.indexes !== null) {
    if (!Array.isArray(body.indexes) || body.indexes.some((i) => typeof i !== 'string')) {
      throw invalidFormatError()
    }
    c.indexes = [...(body.indexes as string[])]
  }
  if (viewQuery !== undefined) c.viewQuery = viewQuery
  if (c.type === 'auth' && c.auth === undefined) c.auth = zeroAuthOptions()
  if (c.type === 'auth' && c.auth !== undefined) {
    try {
      c.auth = mergeAuthOptions(c.auth, body, true)
    } catch (err) {
      if (err instanceof AuthOptionsFormatError) throw invalidFormatError(err)
      throw err
    }
  }
}

/**
 * Re-adds and enforces the system fields of the collection type before validation (PocketBase
 * `initDefaultFields`): the `id` primary key (prepended when missing) and, for auth collections,
 * `password`, `tokenKey`, `email`, `emailVisibility` and `verified` (appended when missing,
 * replacing a same-named field of another type; a submitted one is forced system,
 * `password`/`tokenKey` also hidden and required, `email` visible), plus the default unique
 * `tokenKey`/`email` indexes when no single-column UNIQUE index covers them; OAuth2 mapped
 * fields that name no field are cleared. Views are left alone (their fields come from the query).
 */
export function initDefaultFields(c: Collection): void {
  if (c.type !== 'base' && c.type !== 'auth') return
  const fields = [...c.fields]
  const id = fields.find((f) => f.name === 'id')
  if (id instanceof TextField) {
    id.system = true
    id.required = true
    id.primaryKey = true
    id.hidden = false
    if (id.pattern === '') id.pattern = '^[a-z0-9]+$'
  } else {
    fields.unshift(fieldFromJSON(defaultIdField()))
  }
  if (c.type === 'auth') {
    for (const def of authSystemFields().slice(1)) {
      const existing = fields.find((f) => f.name === def.name)
      if (existing !== undefined && existing.type === def.type) {
        // NOTE: PocketBase enforces only these flags on a submitted system field; the other
        // options (min, max, pattern, email's `required`, verified's `hidden`…) stay as given.
        existing.system = true
        if (existing instanceof PasswordField || def.name === 'tokenKey') {
          existing.hidden = true
          ;(existing as PasswordField | TextField).required = true
        } else if (def.name === 'email') {
          existing.hidden = false
        }
        continue
      }
      if (existing !== undefined) {
        // a same-named field of another type is replaced in place and its id kept (PocketBase's
        // `Fields.Add` of a field without id matches by name)
        fields[fields.indexOf(existing)] = fieldFromJSON({ ...def, id: existing.id })
        continue
      }
      addField(fields, fieldFromJSON(def))
    }
    const defaults = authIndexes(c.id, c.name)
    for (const [i, column] of ['tokenKey', 'email'].entries()) {
      if (!hasUniqueIndex(c.indexes, column)) c.indexes = [...c.indexes, defaults[i]!]
    }
    if (c.auth !== undefined) {
      // OAuth2 mapped fields naming no field are cleared (PocketBase `unsetMissingOAuth2MappedFields`)
      const mapped = c.auth.oauth2.mappedFields
      for (const key of ['id', 'name', 'username', 'avatarURL'] as const) {
        if (mapped[key] !== '' && !fields.some((f) => f.name === mapped[key])) mapped[key] = ''
      }
    }
  }
  c.setFields(fields)
}

/** True when one of `indexes` is a UNIQUE index on exactly the column `column` (case-insensitive). */
export function hasUniqueIndex(indexes: readonly string[], column: string): boolean {
  return indexes.some((sql) => {
    const idx = parseIndex(sql)
    return (
      idx.unique &&
      idx.columns.length === 1 &&
      idx.columns[0]!.name.toLowerCase() === column.toLowerCase()
    )
  })
}
