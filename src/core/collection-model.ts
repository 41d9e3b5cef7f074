import { crc32 } from 'node:zlib'
import {
  type AuthOptions,
  defaultAuthOptions,
  mergeAuthOptions,
  publicAuthOptions,
} from './collection-auth-options.ts'
import { type Field, type FieldCollection, type FieldJSON, fieldFromJSON } from './field.ts'

/** The kinds of collection (PocketBase §7.1). */
export type CollectionType = 'base' | 'auth' | 'view'

/** The API rule keys every collection has. */
export const RULE_KEYS = ['listRule', 'viewRule', 'createRule', 'updateRule', 'deleteRule'] as const

/** One API rule key. */
export type RuleKey = (typeof RULE_KEYS)[number]

/** One key of a record's JSON: a field, or one of the keys every record has. */
export type RecordKey = Field | 'collectionId' | 'collectionName' | 'expand'

/** A `_collections` row as read from SQLite. */
export interface CollectionRow {
  id: string
  system: number | boolean
  type: string
  name: string
  fields: string
  indexes: string
  listRule: string | null
  viewRule: string | null
  createRule: string | null
  updateRule: string | null
  deleteRule: string | null
  options: string
  created: string
  updated: string
}

/**
 * Collection is a PocketBase collection (§7): its fields, indexes, API rules and type options
 * (`viewQuery` for views, `auth` options for auth collections). Instances loaded into the app's
 * cache are shared and must not be mutated outside the collection save path.
 */
export class Collection implements FieldCollection {
  id = ''
  name = ''
  type: CollectionType = 'base'
  system = false
  fields: Field[] = []
  indexes: string[] = []
  listRule: string | null = null
  viewRule: string | null = null
  createRule: string | null = null
  updateRule: string | null = null
  deleteRule: string | null = null
  /** The SELECT of a view collection ("" otherwise). */
  viewQuery = ''
  /** The options of an auth collection (undefined otherwise). */
  auth: AuthOptions | undefined = undefined
  created = ''
  updated = ''
  #byName: Map<string, Field> | undefined
  #recordKeys: readonly RecordKey[] | undefined

  /** True for `auth` collections. */
  get isAuth(): boolean {
    return this.type === 'auth'
  }

  /** True for `view` collections. */
  get isView(): boolean {
    return this.type === 'view'
  }

  /** True for `base` collections. */
  get isBase(): boolean {
    return this.type === 'base'
  }

  /** Finds a field by exact name. */
  getField(name: string): Field | undefined {
    this.#byName ??= new Map(this.fields.map((f) => [f.name, f]))
    return this.#byName.get(name)
  }

  /** Finds a field by id. */
  getFieldById(id: string): Field | undefined {
    return this.fields.find((f) => f.id === id)
  }

  /**
   * The keys of this collection's record JSON in the order PocketBase emits them: its records
   * are Go maps, whose encoder sorts keys byte-wise (field names are ASCII, so JavaScript's
   * string order is the same). The field list plus `collectionId`, `collectionName` and
   * `expand`; computed once per field list.
   */
  get recordKeys(): readonly RecordKey[] {
    this.#recordKeys ??= [
      ...this.fields,
      'collectionId' as const,
      'collectionName' as const,
      'expand' as const,
    ].sort((a, b) => {
      const x = typeof a === 'string' ? a : a.name
      const y = typeof b === 'string' ? b : b.name
      return x < y ? -1 : x > y ? 1 : 0
    })
    return this.#recordKeys
  }

  /** Replaces the field list (and resets the name index and the record key order). */
  setFields(fields: Field[]): void {
    this.fields = fields
    this.#byName = undefined
    this.#recordKeys = undefined
  }

  /** Reads a `_collections` row. Throws on malformed JSON columns. */
  static fromRow(row: CollectionRow): Collection {
    const c = new Collection()
    c.id = row.id
    c.name = row.name
    c.type = normalizeType(row.type)
    c.system = row.system === true || row.system === 1
    c.setFields((JSON.parse(row.fields || '[]') as FieldJSON[]).map((f) => fieldFromJSON(f)))
    c.indexes = JSON.parse(row.indexes || '[]') as string[]
    for (const k of RULE_KEYS) c[k] = row[k]
    const options = JSON.parse(row.options || '{}') as Record<string, unknown>
    if (c.type === 'view')
      c.viewQuery = typeof options.viewQuery === 'string' ? options.viewQuery : ''
    if (c.type === 'auth') c.auth = mergeAuthOptions(defaultAuthOptions(), options)
    c.created = row.created
    c.updated = row.updated
    return c
  }

  /** The `_collections` column values (options include secrets). */
  toRow(): Record<string, string | number | null> {
    let options: Record<string, unknown> = {}
    if (this.type === 'view') options = { viewQuery: this.viewQuery }
    if (this.type === 'auth' && this.auth) options = { ...this.auth }
    return {
      id: this.id,
      system: this.system ? 1 : 0,
      type: this.type,
      name: this.name,
      fields: JSON.stringify(this.fields.map((f) => f.toJSON())),
      indexes: JSON.stringify(this.indexes),
      listRule: this.listRule,
      viewRule: this.viewRule,
      createRule: this.createRule,
      updateRule: this.updateRule,
      deleteRule: this.deleteRule,
      options: JSON.stringify(options),
      created: this.created,
      updated: this.updated,
    }
  }

  /**
   * The API JSON (PocketBase §7.1): flat, auth options at the top level, secrets removed; keys
   * in PocketBase's order.
   */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {
      id: this.id,
      listRule: this.listRule,
      viewRule: this.viewRule,
      createRule: this.createRule,
      updateRule: this.updateRule,
      deleteRule: this.deleteRule,
      name: this.name,
      type: this.type,
      fields: this.fields.map((f) => f.toJSON()),
      indexes: this.indexes,
      created: this.created,
      updated: this.updated,
      system: this.system,
    }
    if (this.type === 'view') out.viewQuery = this.viewQuery
    if (this.type === 'auth' && this.auth) Object.assign(out, publicAuthOptions(this.auth))
    return out
  }

  /** A deep copy (fields rebuilt from JSON), safe to modify before saving. */
  clone(): Collection {
    return Collection.fromRow(this.toRow() as unknown as CollectionRow)
  }
}

function normalizeType(t: string): CollectionType {
  return t === 'auth' || t === 'view' ? t : 'base'
}

/**
 * PocketBase's default collection id: `pbc_` + the decimal CRC32 (IEEE) of type + name,
 * e.g. `_superusers` (auth) → `pbc_3142635823`.
 */
export function defaultCollectionId(type: CollectionType, name: string): string {
  return `pbc_${crc32(type + name)}`
}

/** PocketBase's default field id: type + the decimal CRC32 of the name, e.g. `text3208210256`. */
export function defaultFieldId(type: string, name: string): string {
  return `${type}${crc32(name)}`
}
