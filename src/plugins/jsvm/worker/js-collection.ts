import { parseIndex, storedIndexText } from '../../../core/collection-index.ts'
import { applyCollectionInput } from '../../../core/collection-input.ts'
import type { Collection } from '../../../core/collection-model.ts'
import { newCollection } from '../../../core/collection-scaffolds.ts'
import { collectionOf } from './runtime.ts'

type Json = { [key: string]: unknown }

/**
 * The field list of a JS collection (PocketBase `core.FieldsList`): an array of field objects
 * (`{id, name, type, …}` as in the collection JSON) with PocketBase's helpers.
 */
export class FieldsList extends Array<Json> {
  /** Adds fields; one with the id (or, without an id, the name) of an existing one replaces it. */
  add(...fields: Json[]): void {
    for (const f of fields) this.#put(f, this.length)
  }

  /** Adds fields at `pos` (replacing existing ones in place like `add`). */
  addAt(pos: number, ...fields: Json[]): void {
    for (const [i, f] of fields.entries()) this.#put(f, pos + i)
  }

  /** Adds the fields of a JSON array text. */
  addMarshaledJSON(json: string): void {
    const parsed = JSON.parse(json) as Json | Json[]
    this.add(...(Array.isArray(parsed) ? parsed : [parsed]))
  }

  getById(id: string): Json | undefined {
    return this.find((f) => f.id === id)
  }

  getByName(name: string): Json | undefined {
    return this.find((f) => f.name === name)
  }

  removeById(id: string): void {
    const i = this.findIndex((f) => f.id === id)
    if (i >= 0) this.splice(i, 1)
  }

  removeByName(name: string): void {
    const i = this.findIndex((f) => f.name === name)
    if (i >= 0) this.splice(i, 1)
  }

  fieldNames(): string[] {
    return this.map((f) => String(f.name))
  }

  asMap(): { [name: string]: Json } {
    return Object.fromEntries(this.map((f) => [String(f.name), f]))
  }

  #put(field: Json, pos: number): void {
    const plain: Json = { ...field }
    const i =
      typeof plain.id === 'string' && plain.id !== ''
        ? this.findIndex((f) => f.id === plain.id)
        : this.findIndex((f) => f.name === plain.name)
    if (i >= 0) {
      if (plain.id === undefined || plain.id === '') plain.id = this[i]!.id
      this[i] = plain
      return
    }
    this.splice(Math.min(pos, this.length), 0, plain)
  }

  static override get [Symbol.species]() {
    return Array
  }
}

const VERSION = Symbol('version')

/**
 * A collection as JS hooks see it (PocketBase `core.Collection`): the collection JSON's keys as
 * properties (`name`, `listRule`, `fields`, `indexes`, auth options…) plus PocketBase's helper
 * methods. `new Collection({...})` makes an unsaved one; `$app.save(collection)` stores it.
 */
export class JsCollection {
  [key: string]: unknown
  declare fields: FieldsList
  declare indexes: string[]
  declare [VERSION]: number | undefined

  constructor(data: Json = {}) {
    this.assign({ type: 'base', name: '', ...data })
  }

  /** @internal A collection the app thread sent (version `v`). */
  static fromVersion(v: number): JsCollection {
    const c = new JsCollection(collectionOf(v).toJSON())
    c[VERSION] = v
    return c
  }

  /** @internal Replaces every property with `data`'s (after a save). */
  assign(data: Json, version?: number): void {
    for (const k of Object.keys(this)) delete this[k]
    Object.assign(this, data)
    this.fields = FieldsList.from((data.fields as Json[] | undefined) ?? [], (f) => ({
      ...f,
    })) as FieldsList
    Object.setPrototypeOf(this.fields, FieldsList.prototype)
    this.indexes = [...((data.indexes as string[] | undefined) ?? [])]
    Object.defineProperty(this, VERSION, { value: version, writable: true, enumerable: false })
  }

  /** @internal The app thread's version of this collection, if it came from there unchanged. */
  get version(): number | undefined {
    return this[VERSION]
  }

  /** @internal The core collection behind it (for records). */
  core(): Collection {
    if (this[VERSION] !== undefined) return collectionOf(this[VERSION])
    const c = newCollection((this.type as 'base' | 'auth' | 'view') ?? 'base', String(this.name))
    applyCollectionInput(c, this.toJSON(), true)
    return c
  }

  isAuth(): boolean {
    return this.type === 'auth'
  }

  isBase(): boolean {
    return this.type === 'base'
  }

  isView(): boolean {
    return this.type === 'view'
  }

  tableName(): string {
    return String(this.name)
  }

  baseFilesPath(): string {
    return String(this.id)
  }

  /** Adds (or replaces) index `name` over the comma separated `columns` (PocketBase `AddIndex`). */
  addIndex(name: string, unique: boolean, columns: string, where = ''): void {
    this.removeIndex(name)
    this.indexes.push(
      storedIndexText({
        unique,
        optional: false,
        schemaName: '',
        indexName: name,
        tableName: String(this.name),
        columns: columns.split(',').map((c) => ({ name: c.trim(), collate: '', sort: '' })),
        where,
      }),
    )
  }

  /** Removes index `name`. */
  removeIndex(name: string): void {
    this.indexes = this.indexes.filter((i) => indexName(i) !== name.toLowerCase())
  }

  /** The definition of index `name`, or "". */
  getIndex(name: string): string {
    return this.indexes.find((i) => indexName(i) === name.toLowerCase()) ?? ''
  }

  /** The collection JSON. */
  toJSON(): Json {
    const out: Json = {}
    for (const [k, v] of Object.entries(this)) out[k] = v
    out.fields = this.fields.map((f) => ({ ...f }))
    out.indexes = [...this.indexes]
    return out
  }
}

function indexName(sql: string): string {
  return parseIndex(sql).indexName.toLowerCase()
}

/** PocketBase's field types and their JS constructor names (`new TextField({...})`). */
const FIELD_CLASSES: { readonly [className: string]: string } = {
  TextField: 'text',
  NumberField: 'number',
  BoolField: 'bool',
  EmailField: 'email',
  URLField: 'url',
  EditorField: 'editor',
  DateField: 'date',
  AutodateField: 'autodate',
  SelectField: 'select',
  FileField: 'file',
  RelationField: 'relation',
  JSONField: 'json',
  PasswordField: 'password',
  GeoPointField: 'geoPoint',
}

/** The field classes (`TextField`, `NumberField`, …): each builds the field's JSON with its type. */
export function fieldClasses(): { [className: string]: new (data?: Json) => Json } {
  const out: { [className: string]: new (data?: Json) => Json } = {}
  for (const [name, type] of Object.entries(FIELD_CLASSES)) {
    out[name] = {
      [name]: class {
        constructor(data: Json = {}) {
          Object.assign(this, data, { type })
        }
      },
    }[name] as unknown as new (
      data?: Json,
    ) => Json
  }
  return out
}
