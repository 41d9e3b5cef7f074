import type { ColumnKind, SqlValue } from '../tools/db/db.ts'
import {
  required,
  type ValidationError,
  type ValidationErrorMap,
  validationError,
} from '../tools/validation/validation-errors.ts'
import {
  type Field,
  type FieldCollection,
  type FieldContext,
  type FieldJSON,
  type FieldRecord,
  registerField,
} from './field.ts'
import {
  byteLength,
  checkHelp,
  checkRange,
  collectErrors,
  FieldBase,
  optHelp,
  optNumber,
} from './field-values.ts'

/** The byte limit applied when `maxSize` is 0 (PocketBase: 1 MiB). */
export const DEFAULT_JSON_MAX_SIZE = 1 << 20

/**
 * Normalises a json field input as PocketBase's `JSONField.PrepareValue` does and returns the
 * decoded JS value (null = no value). Strings follow PocketBase's multipart-friendly rules: "" is
 * the JSON string `""`; "null"/"true"/"false" are literals; a string starting with a digit, `-`,
 * `"`, `[` or `{` that is valid JSON is that JSON; any other string is a JSON string. Other
 * values are taken as JSON (a round trip through JSON drops what JSON cannot hold).
 */
export function toJSONValue(raw: unknown): unknown {
  if (raw === undefined || raw === null) return null
  if (raw instanceof Uint8Array) return toJSONValue(new TextDecoder().decode(raw))
  if (typeof raw === 'string') {
    if (raw === 'null') return null
    if (raw === 'true') return true
    if (raw === 'false') return false
    const c = raw.charCodeAt(0)
    const jsonStart = (c >= 48 && c <= 57) || c === 45 || c === 34 || c === 91 || c === 123
    if (jsonStart) {
      try {
        return JSON.parse(raw) as unknown
      } catch {
        // not valid JSON: stored as a JSON string below
      }
    }
    return raw
  }
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : null
  if (typeof raw === 'boolean') return raw
  if (typeof raw === 'bigint') return Number(raw)
  try {
    const text = JSON.stringify(raw)
    return text === undefined ? null : (JSON.parse(text) as unknown)
  } catch {
    return null
  }
}

/** The JSON text of a prepared json value; undefined for null (stored as SQL NULL). */
export function jsonText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined
  try {
    return JSON.stringify(value)
  } catch {
    return undefined
  }
}

/**
 * JSONField is PocketBase's `json` field: any JSON value in a `JSON DEFAULT NULL` column, limited
 * to `maxSize` bytes of JSON text (0 → 1 MiB). For `required`, `null`, `""`, `[]` and `{}` are
 * blank. The prepared value is the decoded JS value (null when unset).
 */
export class JSONField extends FieldBase implements Field {
  readonly type = 'json'
  help: string
  required: boolean
  maxSize: number

  constructor(json: Partial<FieldJSON> = {}) {
    super(json)
    this.help = optHelp(json.help)
    this.required = json.required === true
    this.maxSize = optNumber(json.maxSize)
  }

  columnKind(): ColumnKind {
    return 'json'
  }

  /** See `toJSONValue`. */
  prepareValue(raw: unknown): unknown {
    return toJSONValue(raw)
  }

  /** The JSON text, or NULL for a null value. */
  driverValue(value: unknown): SqlValue {
    return jsonText(value) ?? null
  }

  jsonValue(value: unknown): unknown {
    return value === undefined ? null : value
  }

  isEmpty(value: unknown): boolean {
    const text = jsonText(value)
    return text === undefined || text === '""' || text === '[]' || text === '{}' || text === 'null'
  }

  /** The value's byte limit (`maxSize`, 0 → 1 MiB). */
  override bodyAllowance(): number {
    return this.maxSize > 0 ? this.maxSize : DEFAULT_JSON_MAX_SIZE
  }

  async validateValue(
    _ctx: FieldContext,
    record: FieldRecord,
  ): Promise<ValidationError | undefined> {
    const value = record.get(this.name)
    const maxSize = this.bodyAllowance()
    const text = jsonText(value)
    if (text !== undefined && byteLength(text) > maxSize) {
      return validationError(
        'validation_json_size_limit',
        `The maximum allowed JSON size is ${maxSize} bytes.`,
        { maxSize },
      )
    }
    if (this.required && this.isEmpty(value)) return required()
    return undefined
  }

  validateSettings(
    _ctx: FieldContext,
    _collection: FieldCollection,
  ): ValidationErrorMap | undefined {
    return collectErrors([
      ['help', checkHelp(this.help)],
      ['maxSize', checkRange(this.maxSize, 0)],
    ])
  }

  toJSON(): FieldJSON {
    return {
      help: this.help,
      hidden: this.hidden,
      id: this.id,
      maxSize: this.maxSize,
      name: this.name,
      presentable: this.presentable,
      required: this.required,
      system: this.system,
      type: this.type,
    }
  }
}

registerField('json', (json) => new JSONField(json))
