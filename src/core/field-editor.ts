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
  optHelp,
  optNumber,
  StringFieldBase,
  toStringValue,
} from './field-values.ts'

/** The byte limit applied when `maxSize` is 0 (PocketBase: 5 MiB). */
export const DEFAULT_EDITOR_MAX_SIZE = 5 << 20

/**
 * EditorField is PocketBase's `editor` field: rich-text HTML stored as a string, limited to
 * `maxSize` bytes (0 → 5 MiB). `convertURLs` is a dashboard option only.
 */
export class EditorField extends StringFieldBase implements Field {
  readonly type = 'editor'
  help: string
  required: boolean
  maxSize: number
  convertURLs: boolean

  constructor(json: Partial<FieldJSON> = {}) {
    super(json)
    this.help = optHelp(json.help)
    this.required = json.required === true
    this.maxSize = optNumber(json.maxSize)
    this.convertURLs = json.convertURLs === true
  }

  /** The content's byte limit (`maxSize`, 0 → 5 MiB). */
  override bodyAllowance(): number {
    return this.maxSize > 0 ? this.maxSize : DEFAULT_EDITOR_MAX_SIZE
  }

  async validateValue(
    _ctx: FieldContext,
    record: FieldRecord,
  ): Promise<ValidationError | undefined> {
    const value = toStringValue(record.get(this.name))
    if (value === '') return this.required ? required() : undefined
    const maxSize = this.bodyAllowance()
    if (byteLength(value) > maxSize) {
      return validationError(
        'validation_content_size_limit',
        `The maximum allowed content size is ${maxSize} bytes.`,
        { maxSize },
      )
    }
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
      convertURLs: this.convertURLs,
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

registerField('editor', (json) => new EditorField(json))
