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
  optString,
  prepareMultiValue,
  toStringArray,
} from './field-values.ts'

/**
 * RelationField is PocketBase's `relation` field: ids of records of the collection
 * `collectionId`, one (`maxSelect` ≤ 1, a string) or several (`maxSelect` > 1, a unique string
 * list in a JSON column), with `minSelect` and `cascadeDelete`.
 */
export class RelationField extends FieldBase implements Field {
  readonly type = 'relation'
  help: string
  required: boolean
  collectionId: string
  cascadeDelete: boolean
  minSelect: number
  maxSelect: number

  constructor(json: Partial<FieldJSON> = {}) {
    super(json)
    this.help = optHelp(json.help)
    this.required = json.required === true
    this.collectionId = optString(json.collectionId)
    this.cascadeDelete = json.cascadeDelete === true
    this.minSelect = optNumber(json.minSelect)
    this.maxSelect = optNumber(json.maxSelect)
  }

  columnType(): string {
    return isMultiple(this) ? MULTI_COLUMN : TEXT_COLUMN
  }

  /**
   * Normalises to unique non-empty ids (a JSON-array string is decoded; a bare string from a
   * legacy column becomes one element); single-valued fields keep the last one ("" if none).
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
    const ids = toStringArray(record.get(this.name))
    if (ids.length === 0) return this.required ? required() : undefined
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
      cascadeDelete: this.cascadeDelete,
      collectionId: this.collectionId,
      help: this.help,
      hidden: this.hidden,
      id: this.id,
      maxSelect: this.maxSelect,
      minSelect: this.minSelect,
      name: this.name,
      presentable: this.presentable,
      required: this.required,
      system: this.system,
      type: this.type,
    }
  }
}

registerField('relation', (json) => new RelationField(json))
