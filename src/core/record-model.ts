import type { Collection } from './collection-model.ts'
import type { FieldRecord } from './field.ts'
import { PasswordField, passwordFromHash } from './field-password.ts'

/**
 * Record is one row of a collection (PocketBase `core.Record`): prepared field values keyed by
 * field name, the values it was loaded with (to detect changes), and per-response extras
 * (`expand`, custom data). Field values always pass through the field's `prepareValue`.
 */
export class Record implements FieldRecord {
  readonly collection: Collection
  isNew = true
  /** Expanded relations: field or back-relation name → record(s). */
  expand: { [key: string]: Record | Record[] } | undefined = undefined
  /** Extra keys added to the exported JSON by hooks (PocketBase `WithCustomData`). */
  customData: { [key: string]: unknown } | undefined = undefined
  /**
   * Export `email` regardless of `emailVisibility` (PocketBase `IgnoreEmailVisibility`): set by
   * the enrichment for superusers, the record itself and managers (manageRule).
   */
  ignoreEmailVisibility = false
  /** Export hidden fields too (PocketBase `Unhide`): set by the enrichment for superusers. */
  withHidden = false
  readonly #data: { [key: string]: unknown }
  #original: { [key: string]: unknown } | undefined

  /** A new record with every field at its zero value. */
  constructor(collection: Collection) {
    this.collection = collection
    this.#data = {}
    for (const f of collection.fields) this.#data[f.name] = f.prepareValue(undefined)
  }

  /** A loaded (not new) record from a database row; legacy column values are coerced. */
  static fromRow(collection: Collection, row: { [key: string]: unknown }): Record {
    const r = new Record(collection)
    for (const f of collection.fields) {
      if (!(f.name in row)) continue
      const v = row[f.name]
      // A password column holds the bcrypt hash; input strings are always plain text.
      r.#data[f.name] =
        f instanceof PasswordField
          ? passwordFromHash(typeof v === 'string' ? v : '')
          : f.prepareValue(v)
    }
    r.isNew = false
    r.#original = { ...r.#data }
    return r
  }

  /** The record id ("" until set or generated). */
  get id(): string {
    return (this.#data.id as string | undefined) ?? ''
  }

  set id(value: string) {
    this.#data.id = value
  }

  /** The prepared value of a field (undefined for unknown names). */
  get(name: string): unknown {
    return this.#data[name]
  }

  /** Sets a field's value through its `prepareValue`; unknown names are ignored. */
  set(name: string, value: unknown): void {
    const f = this.collection.getField(name)
    if (f !== undefined) this.#data[name] = f.prepareValue(value)
  }

  /** Sets an already prepared value without normalising it again. */
  setPrepared(name: string, value: unknown): void {
    this.#data[name] = value
  }

  /** Shorthand for string fields. */
  getString(name: string): string {
    const v = this.#data[name]
    return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v)
  }

  /** Shorthand for bool fields. */
  getBool(name: string): boolean {
    return this.#data[name] === true
  }

  /** The value the record had when loaded (undefined for new records). */
  original(name: string): unknown {
    return this.#original?.[name]
  }

  /** True when the field's value differs from the loaded one (always true for new records). */
  hasChanged(name: string): boolean {
    if (this.#original === undefined) return true
    return !sameValue(this.#original[name], this.#data[name])
  }

  /** Marks the record as stored: the current values become the original ones. */
  markAsStored(): void {
    this.isNew = false
    this.#original = { ...this.#data }
  }

  /** A copy with the same values and state (expand and custom data are not copied). */
  clone(): Record {
    const r = new Record(this.collection)
    Object.assign(r.#data, this.#data)
    r.isNew = this.isNew
    r.#original = this.#original === undefined ? undefined : { ...this.#original }
    return r
  }

  /** Every prepared field value keyed by name. */
  fieldValues(): { readonly [key: string]: unknown } {
    return this.#data
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null) {
    return JSON.stringify(a) === JSON.stringify(b)
  }
  return false
}
