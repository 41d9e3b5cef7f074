import type { SqlValue } from '../tools/db/db.ts'
import { randomStringByRegex } from '../tools/security/random.ts'
import {
  required,
  type ValidationError,
  type ValidationErrorMap,
} from '../tools/validation/validation-errors.ts'
import {
  type Field,
  type FieldCollection,
  type FieldContext,
  type FieldJSON,
  type FieldRecord,
  registerField,
} from './field.ts'
import { FieldBase, optHelp, optNumber, optString, toStringValue } from './field-values.ts'

/** The column of a text field. */
export const TEXT_COLUMN = "TEXT DEFAULT '' NOT NULL"
/** The column of the primary-key text field (`id`), exactly as PocketBase creates it. */
export const PK_COLUMN = "TEXT PRIMARY KEY DEFAULT ('r'||lower(hex(randomblob(7)))) NOT NULL"
/** The rune limit applied when `max` is 0 (PocketBase `DefaultTextFieldMaxLength`). */
export const DEFAULT_TEXT_MAX = 5000

/**
 * TextField is PocketBase's `text` field: a string column (or the `TEXT PRIMARY KEY` column when
 * `primaryKey` is set) with rune-length limits (`max` 0 → 5000), an optional `pattern` and an
 * `autogeneratePattern` used to fill an empty value on create.
 */
export class TextField extends FieldBase implements Field {
  readonly type = 'text'
  help: string
  required: boolean
  primaryKey: boolean
  min: number
  max: number
  pattern: string
  autogeneratePattern: string

  constructor(json: Partial<FieldJSON> = {}) {
    super(json)
    this.help = optHelp(json.help)
    this.required = json.required === true
    this.primaryKey = json.primaryKey === true
    this.min = optNumber(json.min)
    this.max = optNumber(json.max)
    this.pattern = optString(json.pattern)
    this.autogeneratePattern = optString(json.autogeneratePattern)
  }

  columnType(): string {
    return this.primaryKey ? PK_COLUMN : TEXT_COLUMN
  }

  /** Casts to a string like Go's `cast.ToString` (null → "", arrays/objects → ""). */
  prepareValue(raw: unknown): string {
    return toStringValue(raw)
  }

  driverValue(value: unknown): SqlValue {
    return toStringValue(value)
  }

  jsonValue(value: unknown): unknown {
    return toStringValue(value)
  }

  isEmpty(value: unknown): boolean {
    return toStringValue(value) === ''
  }

  /**
   * Returns a fresh value from `autogeneratePattern`, or undefined when the field has none. The
   * save pipeline calls it for new records whose value is empty (PocketBase's text field
   * interceptor), and the `field:autogenerate` modifier appends it to the submitted value.
   */
  autogenerate(): string | undefined {
    return this.autogeneratePattern === ''
      ? undefined
      : randomStringByRegex(this.autogeneratePattern)
  }

  async validateValue(
    _ctx: FieldContext,
    record: FieldRecord,
  ): Promise<ValidationError | undefined> {
    const value = toStringValue(record.get(this.name))
    if ((this.required || this.primaryKey) && value === '') return required()
    return undefined
  }

  validateSettings(
    _ctx: FieldContext,
    _collection: FieldCollection,
  ): ValidationErrorMap | undefined {
    return undefined
  }

  toJSON(): FieldJSON {
    return {
      autogeneratePattern: this.autogeneratePattern,
      help: this.help,
      hidden: this.hidden,
      id: this.id,
      max: this.max,
      min: this.min,
      name: this.name,
      pattern: this.pattern,
      presentable: this.presentable,
      primaryKey: this.primaryKey,
      required: this.required,
      system: this.system,
      type: this.type,
    }
  }
}

registerField('text', (json) => new TextField(json))
