import type { ColumnKind, SqlValue } from '../tools/db/db.ts'
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
import { checkHelp, collectErrors, FieldBase, optHelp, toBoolValue } from './field-values.ts'

/**
 * BoolField is PocketBase's `bool` field, stored as 0/1 in a `BOOLEAN` column. `required` means
 * the value must be true. Legacy columns may hold 0/1 integers or 'true'/'false' text.
 */
export class BoolField extends FieldBase implements Field {
  readonly type = 'bool'
  help: string
  required: boolean

  constructor(json: Partial<FieldJSON> = {}) {
    super(json)
    this.help = optHelp(json.help)
    this.required = json.required === true
  }

  columnKind(): ColumnKind {
    return 'bool'
  }

  /** Casts like Go's `cast.ToBool`: "1"/"t"/"true"/"TRUE"/"True", non-zero numbers → true. */
  prepareValue(raw: unknown): boolean {
    return toBoolValue(raw)
  }

  driverValue(value: unknown): SqlValue {
    return toBoolValue(value)
  }

  jsonValue(value: unknown): unknown {
    return toBoolValue(value)
  }

  isEmpty(value: unknown): boolean {
    return !toBoolValue(value)
  }

  async validateValue(
    _ctx: FieldContext,
    record: FieldRecord,
  ): Promise<ValidationError | undefined> {
    if (this.required && !toBoolValue(record.get(this.name))) return required()
    return undefined
  }

  validateSettings(
    _ctx: FieldContext,
    _collection: FieldCollection,
  ): ValidationErrorMap | undefined {
    return collectErrors([['help', checkHelp(this.help)]])
  }

  toJSON(): FieldJSON {
    return {
      help: this.help,
      hidden: this.hidden,
      id: this.id,
      name: this.name,
      presentable: this.presentable,
      required: this.required,
      system: this.system,
      type: this.type,
    }
  }
}

registerField('bool', (json) => new BoolField(json))
