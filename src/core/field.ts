import type { ColumnKind, Db, SqlValue } from '../tools/db/db.ts'
import type { ValidationError, ValidationErrorMap } from '../tools/validation/validation-errors.ts'

/**
 * The JSON of a field as stored in `_collections.fields` and sent by the collections API
 * (PocketBase §7.2): the common keys plus every option key of its type.
 */
export interface FieldJSON {
  id: string
  name: string
  type: string
  system: boolean
  hidden: boolean
  presentable: boolean
  [option: string]: unknown
}

/** What field validators may look up: the database and other collections. */
export interface FieldContext {
  readonly db: Db
  /** Finds a collection by id or case-insensitive name; undefined when missing. */
  findCollection(idOrName: string): FieldCollection | undefined
}

/** The slice of a collection that fields need (avoids a field → collection-model cycle). */
export interface FieldCollection {
  readonly id: string
  readonly name: string
  readonly type: 'base' | 'auth' | 'view'
  readonly fields: readonly Field[]
}

/** The slice of a record that field validators read. */
export interface FieldRecord {
  /** The record's collection (the primary-key field reads it to check id uniqueness). */
  readonly collection?: FieldCollection
  readonly isNew: boolean
  /** The in-memory (prepared) value of a field. */
  get(name: string): unknown
  /** The value the record had when loaded (undefined for new records). */
  original(name: string): unknown
}

/**
 * Field is one column of a collection (PocketBase `core.Field`). Each type lives in its own
 * `field-<type>.ts`, is a class whose public properties are exactly its JSON keys, and is built
 * from JSON by `fieldFromJSON` (unknown keys dropped, missing options defaulted).
 *
 * Values have three forms: the *input* (JSON body, multipart string, DB column value), the
 * *prepared* in-memory value (`prepareValue`; e.g. number → JS number, multi-select → string[]),
 * and the *driver* value bound to SQL (`driverValue`; e.g. string[] → JSON text).
 */
export interface Field {
  id: string
  name: string
  readonly type: string
  system: boolean
  hidden: boolean
  presentable: boolean

  /**
   * The storage kind of the field's column (PocketBase §7.2); `db.dialect.columnType(kind)`
   * spells the definition used by CREATE TABLE / ALTER TABLE ADD COLUMN.
   */
  columnKind(): ColumnKind

  /**
   * Normalises any input to the prepared value (PocketBase `PrepareValue`, §4.2 step 5, and the
   * legacy-column coercions of §7.6). Never throws: invalid input becomes the zero value.
   */
  prepareValue(raw: unknown): unknown

  /** The prepared value as bound to SQL. */
  driverValue(value: unknown): SqlValue

  /**
   * The prepared value as sent on the wire (before hidden-field and email rules are applied).
   * Most types return the value itself; password returns "".
   */
  jsonValue(value: unknown): unknown

  /** True when the value counts as blank for `required` (PocketBase: zero value). */
  isEmpty(value: unknown): boolean

  /**
   * The bytes this field adds to the body limit of its collection's record create/update
   * (PocketBase §2.1: file, json and editor fields; 0 for the others).
   */
  bodyAllowance(): number

  /** Checks a record's value before save; returns the error or undefined. */
  validateValue(ctx: FieldContext, record: FieldRecord): Promise<ValidationError | undefined>

  /**
   * Checks the field's options when its collection is saved; returns errors keyed by option name
   * (e.g. `{max: {code, message}}`) or undefined.
   */
  validateSettings(ctx: FieldContext, collection: FieldCollection): ValidationErrorMap | undefined

  /** The JSON form with every option key (stored in `_collections.fields`). */
  toJSON(): FieldJSON
}

/** Builds a field of one type from its JSON (missing options defaulted). */
export type FieldFactory = (json: Partial<FieldJSON>) => Field

const registry = new Map<string, FieldFactory>()

/** Registers a field type; each `field-<type>.ts` calls this once at import. */
export function registerField(type: string, factory: FieldFactory): void {
  registry.set(type, factory)
}

/** The registered field type names. */
export function fieldTypes(): string[] {
  return [...registry.keys()]
}

/**
 * Builds a field from its JSON. Throws an Error for an unknown `type` (callers validating user
 * input check `fieldTypes()` first and report `validation_invalid_field_type`).
 */
export function fieldFromJSON(json: Partial<FieldJSON>): Field {
  const factory = registry.get(String(json.type ?? ''))
  if (factory === undefined) throw new Error(`Unknown field type "${String(json.type)}".`)
  return factory(json)
}

/** The common keys every field's JSON carries, with defaults. */
export function baseFieldProps(json: Partial<FieldJSON>): {
  id: string
  name: string
  system: boolean
  hidden: boolean
  presentable: boolean
} {
  return {
    id: typeof json.id === 'string' ? json.id : '',
    name: typeof json.name === 'string' ? json.name : '',
    system: json.system === true,
    hidden: json.hidden === true,
    presentable: json.presentable === true,
  }
}
