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
  MultiValueFieldBase,
  maxError,
  minError,
  optHelp,
  optNumber,
  optStringList,
  tooManyValues,
  toStringArray,
} from './field-values.ts'

/**
 * SelectField is PocketBase's `select` field: one (`maxSelect` ≤ 1, a string) or several
 * (`maxSelect` > 1, a unique string list in a JSON column) of the allowed `values`.
 */
export class SelectField extends MultiValueFieldBase implements Field {
  readonly type = 'select'
  help: string
  required: boolean
  values: string[]
  maxSelect: number

  constructor(json: Partial<FieldJSON> = {}) {
    super(json)
    this.help = optHelp(json.help)
    this.required = json.required === true
    this.values = optStringList(json.values)
    this.maxSelect = optNumber(json.maxSelect)
  }

  async validateValue(
    _ctx: FieldContext,
    record: FieldRecord,
  ): Promise<ValidationError | undefined> {
    const list = toStringArray(record.get(this.name))
    if (list.length === 0) return this.required ? required() : undefined
    const maxSelect = Math.max(this.maxSelect, 1)
    if (list.length > maxSelect) return tooManyValues(maxSelect)
    for (const value of list) {
      if (!this.values.includes(value)) {
        return validationError('validation_invalid_value', `Invalid value ${value}.`, { value })
      }
    }
    return undefined
  }

  validateSettings(
    _ctx: FieldContext,
    _collection: FieldCollection,
  ): ValidationErrorMap | undefined {
    return collectErrors([
      ['help', checkHelp(this.help)],
      ['values', this.values.length === 0 ? required() : undefined],
      [
        'maxSelect',
        this.maxSelect < 0
          ? minError(0)
          : this.maxSelect > this.values.length
            ? maxError(this.values.length)
            : undefined,
      ],
    ])
  }

  toJSON(): FieldJSON {
    return {
      help: this.help,
      hidden: this.hidden,
      id: this.id,
      maxSelect: this.maxSelect,
      name: this.name,
      presentable: this.presentable,
      required: this.required,
      system: this.system,
      type: this.type,
      values: this.values,
    }
  }
}

registerField('select', (json) => new SelectField(json))
