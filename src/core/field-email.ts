import {
  required,
  type ValidationError,
  validationError,
} from '../tools/validation/validation-errors.ts'
import { type Field, type FieldContext, type FieldRecord, registerField } from './field.ts'
import { DomainListFieldBase, toStringValue } from './field-values.ts'

// Unicode letters accepted in addresses (the ranges used by PocketBase's email check).
const U = '\\u00A0-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFEF'
// NOTE: \u0060 is the backtick (written escaped so it does not read as SQL quoting).
const ATEXT = `A-Za-z0-9!#$%&'*+\\-/=?^_\u0060{|}~${U}`
const LOCAL_PART = new RegExp(`^[${ATEXT}]+(?:\\.[${ATEXT}]+)*$`)
const DOMAIN_CHAR = new RegExp(`^[A-Za-z0-9\\-._~${U}]$`)
const ALNUM = new RegExp(`^[A-Za-z0-9${U}]$`)
const ALPHA = new RegExp(`^[A-Za-z${U}]$`)

/**
 * Reports whether `value` is an email address in the format PocketBase accepts (`is.EmailFormat`):
 * a dot-atom local part (ASCII specials and non-ASCII letters allowed; no quoted forms) and a
 * domain of at least two labels whose last label starts and ends with a letter; a trailing dot
 * and `_`/`~` inside labels are allowed; IP literals are not. Linear time.
 */
export function isEmailFormat(value: string): boolean {
  const at = value.lastIndexOf('@')
  if (at <= 0) return false
  if (!LOCAL_PART.test(value.slice(0, at))) return false
  let domain = value.slice(at + 1)
  if (domain.endsWith('.')) domain = domain.slice(0, -1)
  const chars = [...domain]
  if (chars.length < 3 || !chars.every((c) => DOMAIN_CHAR.test(c))) return false
  if (!ALNUM.test(chars[0]!) || !ALPHA.test(chars[chars.length - 1]!)) return false
  // Some dot must separate a label ending in a letter/digit from a TLD starting with a letter.
  for (let i = 1; i < chars.length - 1; i++) {
    if (chars[i] === '.' && ALNUM.test(chars[i - 1]!) && ALPHA.test(chars[i + 1]!)) return true
  }
  return false
}

/**
 * EmailField is PocketBase's `email` field: a string that must be a valid address, optionally
 * restricted by `onlyDomains` or `exceptDomains` (mutually exclusive; compared to the part after `@`).
 */
export class EmailField extends DomainListFieldBase implements Field {
  readonly type = 'email'

  async validateValue(
    _ctx: FieldContext,
    record: FieldRecord,
  ): Promise<ValidationError | undefined> {
    const value = toStringValue(record.get(this.name))
    if (value === '') return this.required ? required() : undefined
    if (!isEmailFormat(value)) {
      return validationError('validation_is_email', 'Must be a valid email address.')
    }
    const domain = value.slice(value.lastIndexOf('@') + 1)
    if (!this.domainAllowed(domain)) {
      return validationError('validation_email_domain_not_allowed', 'Email domain is not allowed.')
    }
    return undefined
  }
}

registerField('email', (json) => new EmailField(json))
