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
  checkHelp,
  collectErrors,
  FieldBase,
  formatGoNumber,
  optHelp,
  optNullableNumber,
  toNumberValue,
} from './field-values.ts'

function numberMinError(min: number): ValidationError {
  return validationError(
    'validation_min_number_constraint',
    `Must be greater or equal than ${formatGoNumber(min)}.`,
    { min },
  )
}

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

  columnKind(): ColumnKind {
    return 'number'
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
    if (!Number.isFinite(value)) {
      return validationError(
        'validation_not_a_number',
        'The submitted number is not properly formatted.',
      )
    }
    if (value === 0) return this.required ? required() : undefined
    if (this.onlyInt && !Number.isInteger(value)) {
      return validationError('validation_only_int_constraint', 'Decimal numbers are not allowed.')
    }
    if (this.min !== null && value < this.min) return numberMinError(this.min)
    if (this.max !== null && value > this.max) {
      return validationError(
        'validation_max_number_constraint',
        `Must be less or equal than ${formatGoNumber(this.max)}.`,
        { max: this.max },
      )
    }
    return undefined
  }

  validateSettings(
    _ctx: FieldContext,
    _collection: FieldCollection,
  ): ValidationErrorMap | undefined {
    const onlyInt = (v: number | null): ValidationError | undefined =>
      this.onlyInt && v !== null && !Number.isInteger(v)
        ? validationError('validation_only_int_constraint', 'Decimal numbers are not allowed.')
        : undefined
    return collectErrors([
      ['help', checkHelp(this.help)],
      ['min', onlyInt(this.min)],
      [
        'max',
        onlyInt(this.max) ??
          (this.min !== null && this.max !== null && this.max < this.min
            ? numberMinError(this.min)
            : undefined),
      ],
    ])
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
