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
import { FieldBase, optHelp, optNullableNumber, toNumberValue } from './field-values.ts'

/**
 * NumberField is PocketBase's `number` field: a float64 in a `NUMERIC` column with optional
 * `min`/`max` (null = unbounded) and `onlyInt`. 0 is its empty value, so `required` rejects 0;
 * NaN and ±Infinity are rejected by validation.
 */
export class NumberField extends FieldBase implements Field {
  readonly type = 'number'
  help: string
  required: boolean
  min: number | null
  max: number | null
  onlyInt: boolean

  constructor(json: Partial<FieldJSON> = {}) {
    super(json)
    this.help = optHelp(json.help)
    this.required = json.required === true
    this.min = optNullableNumber(json.min)
    this.max = optNullableNumber(json.max)
    this.onlyInt = json.onlyInt === true
  }

  columnType(): string {
    return 'NUMERIC DEFAULT 0 NOT NULL'
  }

  /**
   * Casts to a float like Go's `cast.ToFloat64`: numeric strings parsed ("NaN"/"Inf" too),
   * booleans → 1/0, NULL and invalid input → 0.
   */
  prepareValue(raw: unknown): number {
    return toNumberValue(raw)
  }

  driverValue(value: unknown): SqlValue {
    return toNumberValue(value)
  }

  jsonValue(value: unknown): unknown {
    return toNumberValue(value)
  }

  isEmpty(value: unknown): boolean {
    return toNumberValue(value) === 0
  }

  async validateValue(
    _ctx: FieldContext,
    record: FieldRecord,
  ): Promise<ValidationError | undefined> {
    const value = toNumberValue(record.get(this.name))
    if (this.required && value === 0) return required()
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
      max: this.max,
      min: this.min,
      name: this.name,
      onlyInt: this.onlyInt,
      presentable: this.presentable,
      required: this.required,
      system: this.system,
      type: this.type,
    }
  }
}

registerField('number', (json) => new NumberField(json))
