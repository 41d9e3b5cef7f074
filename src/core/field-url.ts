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
import { FieldBase, optHelp, optStringList, toStringValue } from './field-values.ts'

/**
 * URLField is PocketBase's `url` field: a string that must be a valid URL, optionally restricted
 * by `onlyDomains` or `exceptDomains` (mutually exclusive; compared to the URL's host).
 */
export class URLField extends FieldBase implements Field {
  readonly type = 'url'
  help: string
  required: boolean
  exceptDomains: string[]
  onlyDomains: string[]

  constructor(json: Partial<FieldJSON> = {}) {
    super(json)
    this.help = optHelp(json.help)
    this.required = json.required === true
    this.exceptDomains = optStringList(json.exceptDomains)
    this.onlyDomains = optStringList(json.onlyDomains)
  }

  columnType(): string {
    return TEXT_COLUMN
  }

  /** Casts to a string like Go's `cast.ToString`. */
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

  async validateValue(
    _ctx: FieldContext,
    record: FieldRecord,
  ): Promise<ValidationError | undefined> {
    const value = toStringValue(record.get(this.name))
    if (value === '') return this.required ? required() : undefined
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
      exceptDomains: this.exceptDomains,
      help: this.help,
      hidden: this.hidden,
      id: this.id,
      name: this.name,
      onlyDomains: this.onlyDomains,
      presentable: this.presentable,
      required: this.required,
      system: this.system,
      type: this.type,
    }
  }
}

registerField('url', (json) => new URLField(json))
