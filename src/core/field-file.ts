import type { SqlValue } from '../tools/db/db.ts'
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
import { TEXT_COLUMN } from './field-text.ts'
import {
  FieldBase,
  isMultiple,
  MULTI_COLUMN,
  multiDriverValue,
  optHelp,
  optNumber,
  optStringList,
  prepareMultiValue,
  toStringArray,
} from './field-values.ts'

/** The per-file byte limit applied when `maxSize` is 0 (PocketBase: 5 MiB). */
export const DEFAULT_FILE_MAX_SIZE = 5 << 20

/**
 * FileField is PocketBase's `file` field. Values are stored file names: one (`maxSelect` ≤ 1, a
 * string) or several (`maxSelect` > 1, a unique list in a JSON column). Options: `maxSize` per
 * file (0 → 5 MiB), `mimeTypes` ([] = any), `thumbs` (`WxH[t|b|f]`), `protected`.
 * Uploads are handled by the record upsert layer; this field only checks names and counts.
 */
export class FileField extends FieldBase implements Field {
  readonly type = 'file'
  help: string
  required: boolean
  maxSelect: number
  maxSize: number
  mimeTypes: string[]
  thumbs: string[]
  protected: boolean

  constructor(json: Partial<FieldJSON> = {}) {
    super(json)
    this.help = optHelp(json.help)
    this.required = json.required === true
    this.maxSelect = optNumber(json.maxSelect)
    this.maxSize = optNumber(json.maxSize)
    this.mimeTypes = optStringList(json.mimeTypes)
    this.thumbs = optStringList(json.thumbs)
    this.protected = json.protected === true
  }

  columnType(): string {
    return isMultiple(this) ? MULTI_COLUMN : TEXT_COLUMN
  }

  /**
   * Normalises to unique non-empty file names (a JSON-array string is decoded; a bare string from
   * a legacy column becomes one element); single-valued fields keep the last one ("" if none).
   */
  prepareValue(raw: unknown): string | string[] {
    return prepareMultiValue(this, raw)
  }

  driverValue(value: unknown): SqlValue {
    return multiDriverValue(this, value)
  }

  jsonValue(value: unknown): unknown {
    return prepareMultiValue(this, value)
  }

  isEmpty(value: unknown): boolean {
    return toStringArray(value).length === 0
  }

  async validateValue(
    _ctx: FieldContext,
    record: FieldRecord,
  ): Promise<ValidationError | undefined> {
    const names = toStringArray(record.get(this.name))
    if (names.length === 0) return this.required ? required() : undefined
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
      help: this.help,
      hidden: this.hidden,
      id: this.id,
      maxSelect: this.maxSelect,
      maxSize: this.maxSize,
      mimeTypes: this.mimeTypes,
      name: this.name,
      presentable: this.presentable,
      protected: this.protected,
      required: this.required,
      system: this.system,
      thumbs: this.thumbs,
      type: this.type,
    }
  }
}

registerField('file', (json) => new FileField(json))
