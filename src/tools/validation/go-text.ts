import {
  isValidationError,
  type ValidationError,
  type ValidationErrorMap,
} from './validation-errors.ts'

/**
 * The codes of go-ozzo's built-in rules, whose raw Go messages are lower-case and without a dot
 * ("cannot be blank"); the API shows them as sentences ("Cannot be blank.").
 */
const OZZO_CODES = new Set([
  'validation_required',
  'validation_nil_or_not_empty_required',
  'validation_nil',
  'validation_empty',
  'validation_in_invalid',
  'validation_not_in_invalid',
  'validation_length_too_long',
  'validation_length_too_short',
  'validation_length_out_of_range',
  'validation_length_empty_required',
  'validation_length_invalid',
  'validation_match_invalid',
  'validation_min_greater_equal_than_required',
  'validation_min_greater_than_required',
  'validation_max_less_equal_than_required',
  'validation_max_less_than_required',
  'validation_multiple_of_invalid',
  'validation_date_invalid',
  'validation_date_out_of_range',
])

/** PocketBase's own errors whose raw Go message has no final dot (the API adds it). */
const NO_DOT_CODES = new Set([
  'validation_missing_field',
  'validation_duplicated_field_id',
  'validation_duplicated_field_name',
  'validation_invalid_rule',
  'validation_invalid_view_query',
])

/**
 * The message of an error leaf as PocketBase's Go code holds it before the API turns it into a
 * sentence: go-ozzo's built-in messages lower-cased without the dot, a few PocketBase messages
 * without the dot, the rest as they are. Used where PocketBase prints raw errors into a text.
 */
export function goMessage(err: ValidationError): string {
  const ozzo = OZZO_CODES.has(err.code) || err.code.startsWith('validation_is_')
  const raw = ozzo ? err.message.charAt(0).toLowerCase() + err.message.slice(1) : err.message
  return ozzo || NO_DOT_CODES.has(err.code) ? raw.replace(/\.$/, '') : raw
}

/** Go's `json.Marshal(validation.Errors)`: the raw messages by key, keys sorted, nested. */
export function goErrorsJSON(map: ValidationErrorMap): { [key: string]: unknown } {
  const out: { [key: string]: unknown } = {}
  for (const k of Object.keys(map).sort()) {
    const v = map[k]!
    out[k] = isValidationError(v) ? goMessage(v) : goErrorsJSON(v)
  }
  return out
}

/** go-ozzo's `Errors.Error()`: `key: message; other: (nested).` with keys sorted. */
export function goErrorsText(map: ValidationErrorMap): string {
  const inner = (m: ValidationErrorMap): string =>
    Object.keys(m)
      .sort()
      .map((k) => {
        const v = m[k]!
        return isValidationError(v) ? `${k}: ${goMessage(v)}` : `${k}: (${inner(v)}.)`
      })
      .join('; ')
  return `${inner(map)}.`
}
