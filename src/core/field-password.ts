import type { ColumnKind, SqlValue } from '../tools/db/db.ts'
import { DEFAULT_BCRYPT_COST, hashPassword } from '../tools/security/password.ts'
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
  checkRegex,
  collectErrors,
  FieldBase,
  matchesPattern,
  optHelp,
  optNumber,
  optString,
  runeCount,
} from './field-values.ts'

/** The plain-text length limit applied when `max` is 0 (bcrypt's 72-byte input, minus one). */
export const DEFAULT_PASSWORD_MAX = 71

/**
 * The prepared value of a password field: the stored bcrypt `hash` and, when a new password was
 * set and not saved yet, its `plain` text (kept for validation and for the one-time echo of
 * non-auth password fields; never stored).
 */
export interface PasswordValue {
  hash: string
  plain: string
}

/**
 * Normalises a prepared password value: a `{hash, plain}` object is copied; a string is a new
 * plain password (whatever it looks like); null/undefined → empty. Stored hashes are loaded
 * with `passwordFromHash` (see `Record.fromRow`), never inferred from the text.
 */
export function toPasswordValue(raw: unknown): PasswordValue {
  if (typeof raw === 'string') return { hash: '', plain: raw }
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    const o = raw as Partial<PasswordValue>
    return {
      hash: typeof o.hash === 'string' ? o.hash : '',
      plain: typeof o.plain === 'string' ? o.plain : '',
    }
  }
  if (raw === null || raw === undefined) return { hash: '', plain: '' }
  return { hash: '', plain: String(raw) }
}

/** A password value holding a stored hash. */
export function passwordFromHash(hash: string): PasswordValue {
  return { hash, plain: '' }
}

/** A password value holding a new plain password, hashed later by `hashPendingPassword`. */
export function passwordFromPlain(plain: string): PasswordValue {
  return { hash: '', plain }
}

/**
 * Hashes a pending plain password with bcrypt (cost = the field's `cost`, 0 → 10) and returns
 * the value with its `hash` set; values without a pending plain text are returned unchanged. The
 * save pipeline calls it after validation and before the row is written. Rejects (RangeError)
 * for plain texts over 72 bytes.
 */
export async function hashPendingPassword(
  field: PasswordField,
  value: unknown,
): Promise<PasswordValue> {
  const v = toPasswordValue(value)
  if (v.plain === '' || v.hash !== '') return v
  const hash = await hashPassword(v.plain, field.cost > 0 ? field.cost : DEFAULT_BCRYPT_COST)
  return { hash, plain: v.plain }
}

/**
 * PasswordField is PocketBase's `password` field: a bcrypt hash in a text column. A new plain
 * password is checked against `min`, `max` (0 → 71) and `pattern`, then hashed at save time with
 * `cost` (0 → 10). The hash is never sent on the wire.
 */
export class PasswordField extends FieldBase implements Field {
  readonly type = 'password'
  help: string
  required: boolean
  min: number
  max: number
  pattern: string
  cost: number

  constructor(json: Partial<FieldJSON> = {}) {
    super(json)
    this.help = optHelp(json.help)
    this.required = json.required === true
    this.min = optNumber(json.min)
    this.max = optNumber(json.max)
    this.pattern = optString(json.pattern)
    this.cost = optNumber(json.cost)
  }

  columnKind(): ColumnKind {
    return 'text'
  }

  /** See `toPasswordValue`. */
  prepareValue(raw: unknown): PasswordValue {
    return toPasswordValue(raw)
  }

  /**
   * The stored hash. Throws when a plain password is still pending (call `hashPendingPassword`
   * first) so that a plain text can never reach the database.
   */
  driverValue(value: unknown): SqlValue {
    const v = toPasswordValue(value)
    if (v.hash === '' && v.plain !== '') {
      throw new Error(`Password field "${this.name}" has an unhashed value.`)
    }
    return v.hash
  }

  /** Always "": PocketBase never sends password hashes. */
  jsonValue(_value: unknown): unknown {
    return ''
  }

  isEmpty(value: unknown): boolean {
    const v = toPasswordValue(value)
    return v.hash === '' && v.plain === ''
  }

  /**
   * Checks `required` (a hash or a pending plain text) and, for a pending plain text, `min`,
   * `max` (0 → 71) and `pattern`; a plain text over 72 bytes (bcrypt's limit) is
   * `validation_invalid_value` first. As in PocketBase the min/max errors carry no params and
   * the max message reads "Must be less than {max} character(s).".
   */
  async validateValue(
    _ctx: FieldContext,
    record: FieldRecord,
  ): Promise<ValidationError | undefined> {
    const v = toPasswordValue(record.get(this.name))
    if (this.required && v.hash === '' && v.plain === '') return required()
    if (v.plain === '') return undefined
    // NOTE: PocketBase hashes when the value is set; bcrypt refuses more than 72 bytes, which
    // shows up as "Invalid value." before any length rule
    if (byteLength(v.plain) > 72)
      return validationError('validation_invalid_value', 'Invalid value.')
    const length = runeCount(v.plain)
    if (length < this.min) {
      return validationError(
        'validation_min_text_constraint',
        `Must be at least ${this.min} character(s).`,
      )
    }
    const max = this.max > 0 ? this.max : DEFAULT_PASSWORD_MAX
    if (length > max) {
      return validationError(
        'validation_max_text_constraint',
        `Must be less than ${max} character(s).`,
      )
    }
    if (this.pattern !== '' && !matchesPattern(this.pattern, v.plain)) {
      return validationError('validation_invalid_format', 'Invalid value format.')
    }
    return undefined
  }

  validateSettings(
    _ctx: FieldContext,
    _collection: FieldCollection,
  ): ValidationErrorMap | undefined {
    return collectErrors([
      ['help', checkHelp(this.help)],
      ['min', checkRange(this.min, 1, DEFAULT_PASSWORD_MAX)],
      ['max', checkRange(this.max, Math.max(this.min, 1), DEFAULT_PASSWORD_MAX)],
      ['cost', checkRange(this.cost, 4, 31)],
      ['pattern', checkRegex(this.pattern)],
    ])
  }

  toJSON(): FieldJSON {
    return {
      cost: this.cost,
      help: this.help,
      hidden: this.hidden,
      id: this.id,
      max: this.max,
      min: this.min,
      name: this.name,
      pattern: this.pattern,
      presentable: this.presentable,
      required: this.required,
      system: this.system,
      type: this.type,
    }
  }
}

registerField('password', (json) => new PasswordField(json))
