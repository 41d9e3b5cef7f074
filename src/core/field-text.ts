import type { ColumnKind } from '../tools/db/db.ts'
import { randomStringByRegex } from '../tools/security/random.ts'
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
  checkRange,
  checkRegex,
  collectErrors,
  matchesPattern,
  optHelp,
  optNumber,
  optString,
  runeCount,
  StringFieldBase,
  toStringValue,
} from './field-values.ts'

/** The `id` pattern PocketBase gives new collections; custom patterns get extra id checks. */
export const DEFAULT_ID_PATTERN = '^[a-z0-9]+$'

/** Characters a custom-pattern primary key may not contain (unsafe in paths and URLs). */
const FORBIDDEN_PK_CHARS = new Set([
  '.',
  '/',
  '\\',
  '|',
  '"',
  "'",
  '`',
  '<',
  '>',
  ':',
  '?',
  '*',
  '%',
  '$',
  '\0',
  '\t',
  '\n',
  '\r',
  ' ',
])

/** Windows device names that cannot be used as ids (they name the record's storage folder). */
const RESERVED_PKS = new Set([
  'CON',
  'PRN',
  'AUX',
  'NUL',
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((i) => [`COM${i}`, `LPT${i}`]),
])

/** The rune limit applied when `max` is 0 (PocketBase `DefaultTextFieldMaxLength`). */
export const DEFAULT_TEXT_MAX = 5000

/**
 * TextField is PocketBase's `text` field: a string column (or the `TEXT PRIMARY KEY` column when
 * `primaryKey` is set) with rune-length limits (`max` 0 → 5000), an optional `pattern` and an
 * `autogeneratePattern` used to fill an empty value on create.
 */
export class TextField extends StringFieldBase implements Field {
  readonly type = 'text'
  help: string
  required: boolean
  primaryKey: boolean
  min: number
  max: number
  pattern: string
  autogeneratePattern: string

  constructor(json: Partial<FieldJSON> = {}) {
    super(json)
    this.help = optHelp(json.help)
    this.required = json.required === true
    this.primaryKey = json.primaryKey === true
    this.min = optNumber(json.min)
    this.max = optNumber(json.max)
    this.pattern = optString(json.pattern)
    this.autogeneratePattern = optString(json.autogeneratePattern)
  }

  override columnKind(): ColumnKind {
    return this.primaryKey ? 'primaryKey' : 'text'
  }

  /**
   * Returns a fresh value from `autogeneratePattern`, or undefined when the field has none. The
   * save pipeline calls it for new records whose value is empty (PocketBase's text field
   * interceptor), and the `field:autogenerate` modifier appends it to the submitted value.
   */
  autogenerate(): string | undefined {
    return this.autogeneratePattern === ''
      ? undefined
      : randomStringByRegex(this.autogeneratePattern)
  }

  async validateValue(
    ctx: FieldContext,
    record: FieldRecord,
  ): Promise<ValidationError | undefined> {
    const value = toStringValue(record.get(this.name))
    if (!this.primaryKey) return this.validatePlainValue(value)

    if (!record.isNew) {
      const old = toStringValue(record.original(this.name))
      if (old !== value) {
        return validationError('validation_pk_change', 'The record primary key cannot be changed.')
      }
      // NOTE: an existing id was validated when it was created.
      if (old !== '') return undefined
    }
    const plainErr = this.validatePlainValue(value)
    if (plainErr !== undefined) return plainErr
    if (this.pattern === DEFAULT_ID_PATTERN) return undefined

    // Custom id patterns may allow characters that are unsafe in file paths and URLs.
    for (const ch of value) {
      if (FORBIDDEN_PK_CHARS.has(ch)) {
        return validationError(
          'validation_forbidden_pk_character',
          `'${ch}' is not a valid primary key character.`,
          { ch },
        )
      }
    }
    const upper = value.toUpperCase()
    if (RESERVED_PKS.has(upper)) {
      return validationError(
        'validation_reserved_pk',
        `The primary key '${upper}' is reserved and cannot be used.`,
        { reserved: upper },
      )
    }
    if (record.collection !== undefined && record.collection.type !== 'view') {
      const q = ctx.db.dialect.quoteIdent
      const hit = await ctx.db.get(
        `SELECT 1 AS x FROM ${q(record.collection.name)} WHERE LOWER(${q(this.name)}) = LOWER(?) LIMIT 1`,
        [value],
      )
      if (hit !== undefined) {
        return validationError(
          'validation_pk_invalid',
          'The record primary key is invalid or already exists.',
        )
      }
    }
    return undefined
  }

  /**
   * Checks a plain value against `required`, `min`, `max` (0 → 5000 runes) and `pattern`, with
   * PocketBase's codes (`validation_min_text_constraint`, `validation_max_text_constraint`,
   * `validation_invalid_format`).
   */
  validatePlainValue(value: string): ValidationError | undefined {
    if (value === '') return this.required || this.primaryKey ? required() : undefined
    const length = runeCount(value)
    if (this.min > 0 && length < this.min) {
      return validationError(
        'validation_min_text_constraint',
        `Must be at least ${this.min} character(s).`,
        { min: this.min },
      )
    }
    const max = this.max > 0 ? this.max : DEFAULT_TEXT_MAX
    if (length > max) {
      return validationError(
        'validation_max_text_constraint',
        `Must be no more than ${max} character(s).`,
        { max },
      )
    }
    if (this.pattern !== '' && !matchesPattern(this.pattern, value)) {
      return validationError('validation_invalid_format', 'Invalid value format.')
    }
    return undefined
  }

  validateSettings(
    _ctx: FieldContext,
    collection: FieldCollection,
  ): ValidationErrorMap | undefined {
    const pkCount = collection.fields.filter((f) => f instanceof TextField && f.primaryKey).length
    return collectErrors([
      ['help', checkHelp(this.help)],
      [
        'name',
        this.primaryKey && this.name !== 'id'
          ? validationError('validation_in_invalid', 'The primary key must be named "id".')
          : undefined,
      ],
      [
        'primaryKey',
        this.primaryKey && pkCount > 1
          ? validationError(
              'validation_unsupported_composite_pk',
              'Composite PKs are not supported and the collection must have only 1 PK.',
            )
          : undefined,
      ],
      ['min', checkRange(this.min, 0)],
      ['max', checkRange(this.max, this.min)],
      ['pattern', this.primaryKey && this.pattern === '' ? required() : checkRegex(this.pattern)],
      [
        'hidden',
        this.primaryKey && this.hidden
          ? validationError('validation_empty', 'Must be blank.')
          : undefined,
      ],
      ['required', this.primaryKey && !this.required ? required() : undefined],
      ['autogeneratePattern', this.checkAutogeneratePattern()],
    ])
  }

  /** The autogenerate pattern must compile and produce values that pass the value rules. */
  private checkAutogeneratePattern(): ValidationError | undefined {
    if (this.autogeneratePattern === '') return undefined
    const regexErr = checkRegex(this.autogeneratePattern)
    if (regexErr !== undefined) return regexErr
    let sample: string
    try {
      sample = randomStringByRegex(this.autogeneratePattern)
    } catch {
      // NOTE: PocketBase's generator supports more syntax (groups, alternation) than ours; such a
      // pattern would fail at record creation, so it is rejected here.
      return validationError(
        'validation_invalid_regex',
        'Unsupported autogenerate pattern (use character classes, literals and {n,m} only).',
      )
    }
    if (this.validatePlainValue(sample) !== undefined) {
      return validationError(
        'validation_invalid_autogenerate_pattern_value',
        `The provided autogenerate pattern could produce invalid field values, ex.: "${sample}".`,
      )
    }
    return undefined
  }

  toJSON(): FieldJSON {
    return {
      autogeneratePattern: this.autogeneratePattern,
      help: this.help,
      hidden: this.hidden,
      id: this.id,
      max: this.max,
      min: this.min,
      name: this.name,
      pattern: this.pattern,
      presentable: this.presentable,
      primaryKey: this.primaryKey,
      required: this.required,
      system: this.system,
      type: this.type,
    }
  }
}

registerField('text', (json) => new TextField(json))
