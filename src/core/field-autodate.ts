import type { ColumnKind, SqlValue } from '../tools/db/db.ts'
import { nowString } from '../tools/types/datetime.ts'
import {
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
import { toDateString } from './field-date.ts'
import { FieldBase } from './field-values.ts'

/**
 * AutodateField is PocketBase's `autodate` field (e.g. `created`, `updated`): a date set by the
 * save pipeline on create (`onCreate`) and/or update (`onUpdate`). Client input is ignored by the
 * request layer; the field has no `required` nor `help` and never fails value validation.
 */
export class AutodateField extends FieldBase implements Field {
  readonly type = 'autodate'
  onCreate: boolean
  onUpdate: boolean

  constructor(json: Partial<FieldJSON> = {}) {
    super(json)
    this.onCreate = json.onCreate === true
    this.onUpdate = json.onUpdate === true
  }

  columnKind(): ColumnKind {
    return 'text'
  }

  /** Parses the input like a date field; invalid or empty → "". */
  prepareValue(raw: unknown): string {
    return toDateString(raw)
  }

  driverValue(value: unknown): SqlValue {
    return toDateString(value)
  }

  jsonValue(value: unknown): unknown {
    return toDateString(value)
  }

  isEmpty(value: unknown): boolean {
    return toDateString(value) === ''
  }

  /**
   * Returns the current time to store for a create or update, or undefined when the field does
   * not change on that action. Like PocketBase, a value set explicitly by server code (different
   * from the loaded one) is kept: the caller passes whether the value was changed.
   */
  autoValue(action: 'create' | 'update', changedManually = false): string | undefined {
    if (changedManually) return undefined
    if (action === 'create' ? this.onCreate : this.onUpdate) return nowString()
    return undefined
  }

  async validateValue(
    _ctx: FieldContext,
    _record: FieldRecord,
  ): Promise<ValidationError | undefined> {
    return undefined
  }

  validateSettings(
    _ctx: FieldContext,
    _collection: FieldCollection,
  ): ValidationErrorMap | undefined {
    if (this.onCreate || this.onUpdate) return undefined
    const err = validationError(
      'validation_required',
      'Either onCreate or onUpdate must be enabled.',
    )
    return { onCreate: err, onUpdate: err }
  }

  toJSON(): FieldJSON {
    return {
      hidden: this.hidden,
      id: this.id,
      name: this.name,
      onCreate: this.onCreate,
      onUpdate: this.onUpdate,
      presentable: this.presentable,
      system: this.system,
      type: this.type,
    }
  }
}

registerField('autodate', (json) => new AutodateField(json))
