import type { ColumnKind, SqlValue } from '../tools/db/db.ts'
import {
  type ValidationError,
  type ValidationErrorMap,
  validationError,
} from '../tools/validation/validation-errors.ts'
import { baseFieldProps, type FieldJSON } from './field.ts'

/**
 * Value coercions shared by the field types, modelled on the casts PocketBase applies in its
 * `PrepareValue` implementations (Go's `cast` package and `list.ToUniqueStringSlice`).
 */

/**
 * Casts any value to a string like Go's `cast.ToString`: null/undefined → "", booleans →
 * "true"/"false", numbers without exponent notation, bytes as UTF-8; arrays and plain objects
 * (which Go cannot cast) → "".
 */
export function toStringValue(raw: unknown): string {
  switch (typeof raw) {
    case 'string':
      return raw
    case 'number':
      return formatNumber(raw)
    case 'bigint':
      return raw.toString()
    case 'boolean':
      return raw ? 'true' : 'false'
    case 'object':
      if (raw === null) return ''
      if (raw instanceof Uint8Array) return new TextDecoder().decode(raw)
      if (raw instanceof String) return raw.valueOf()
      return ''
    default:
      return ''
  }
}

/**
 * Formats a number as Go's `strconv.FormatFloat(f, 'f', -1, 64)` does: the shortest exact
 * decimal without exponent notation; NaN → "NaN", ±Infinity → "+Inf"/"-Inf".
 */
export function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN'
  if (n === Number.POSITIVE_INFINITY) return '+Inf'
  if (n === Number.NEGATIVE_INFINITY) return '-Inf'
  if (Object.is(n, -0)) return '-0'
  const s = String(n)
  const e = s.indexOf('e')
  if (e < 0) return s
  const neg = s.startsWith('-')
  const mantissa = s.slice(neg ? 1 : 0, e)
  const exp = Number(s.slice(e + 1))
  const dot = mantissa.indexOf('.')
  const digits = mantissa.replace('.', '')
  const intLen = (dot < 0 ? mantissa.length : dot) + exp
  let out: string
  if (intLen <= 0) out = `0.${'0'.repeat(-intLen)}${digits}`
  else if (intLen >= digits.length) out = digits + '0'.repeat(intLen - digits.length)
  else out = `${digits.slice(0, intLen)}.${digits.slice(intLen)}`
  return neg ? `-${out}` : out
}

/**
 * Casts any value to a float like Go's `cast.ToFloat64`: numbers as is, booleans → 1/0, strings
 * parsed as floats (Go's `strconv.ParseFloat` syntax, so "NaN" and "Inf" parse; invalid → 0),
 * bigint converted, anything else → 0.
 */
export function toNumberValue(raw: unknown): number {
  switch (typeof raw) {
    case 'number':
      return raw
    case 'bigint':
      return Number(raw)
    case 'boolean':
      return raw ? 1 : 0
    case 'string':
      return parseGoFloat(raw)
    case 'object':
      if (raw instanceof Uint8Array) return parseGoFloat(new TextDecoder().decode(raw))
      if (raw instanceof Number) return raw.valueOf()
      return 0
    default:
      return 0
  }
}

const floatSyntax = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/

/**
 * Parses a string as Go's `strconv.ParseFloat`: decimal syntax and the inf/nan words; anything
 * else (including whitespace, underscores and hex) → 0.
 */
function parseGoFloat(s: string): number {
  const lower = s.toLowerCase()
  if (lower === 'nan') return Number.NaN
  if (/^\+?inf(inity)?$/.test(lower)) return Number.POSITIVE_INFINITY
  if (/^-inf(inity)?$/.test(lower)) return Number.NEGATIVE_INFINITY
  return floatSyntax.test(s) ? Number(s) : 0
}

/**
 * Casts any value to a boolean like Go's `cast.ToBool`: strings parsed by `strconv.ParseBool`
 * ("1", "t", "T", "TRUE", "true", "True" → true; anything else → false), non-zero numbers → true,
 * null/undefined and other values → false.
 */
export function toBoolValue(raw: unknown): boolean {
  switch (typeof raw) {
    case 'boolean':
      return raw
    case 'number':
      return raw !== 0 && !Number.isNaN(raw)
    case 'bigint':
      return raw !== 0n
    case 'string':
      return (
        raw === '1' ||
        raw === 't' ||
        raw === 'T' ||
        raw === 'TRUE' ||
        raw === 'true' ||
        raw === 'True'
      )
    case 'object':
      if (raw instanceof Boolean) return raw.valueOf()
      return false
    default:
      return false
  }
}

/**
 * Normalises a multi-value input to unique non-empty strings, as PocketBase's
 * `list.ToUniqueStringSlice`: null → []; a string containing `[` is decoded as a JSON array of
 * strings when it is one (else kept as one element); any other non-empty string → [string];
 * arrays → each element cast to a string; other values → cast to one string. Order of first
 * occurrence is kept.
 */
export function toStringArray(raw: unknown): string[] {
  let list: string[] = []
  if (raw === null || raw === undefined) {
    list = []
  } else if (typeof raw === 'string') {
    if (raw !== '') list = raw.includes('[') ? (decodeStringArray(raw) ?? [raw]) : [raw]
  } else if (Array.isArray(raw)) {
    list = raw.map((v) => toStringValue(v))
  } else if (raw instanceof Uint8Array) {
    return toStringArray(new TextDecoder().decode(raw))
  } else {
    list = [toStringValue(raw)]
  }
  return uniqueNonEmpty(list)
}

function decodeStringArray(s: string): string[] | undefined {
  try {
    const v: unknown = JSON.parse(s)
    // NOTE: Go decodes `null` into a nil slice without error.
    if (v === null) return []
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[]
  } catch {
    // not JSON: the caller keeps the string as one element
  }
  return undefined
}

/** Drops "" and duplicates, keeping the first occurrence (PocketBase `list.NonzeroUniques`). */
export function uniqueNonEmpty(list: readonly string[]): string[] {
  const seen = new Set<string>()
  const out: string[] = []
  for (const s of list) {
    if (s === '' || seen.has(s)) continue
    seen.add(s)
    out.push(s)
  }
  return out
}

/** A field whose value may hold several entries (select, relation, file). */
export interface MultiValueField {
  readonly maxSelect: number
}

/** Reports whether a select/relation/file field stores a list (PocketBase: `maxSelect > 1`). */
export function isMultiple(field: MultiValueField): boolean {
  return field.maxSelect > 1
}

/**
 * Prepares a select/relation/file value: unique non-empty strings, or — for single-valued fields —
 * the last of them ("" when none), as PocketBase keeps the last element.
 */
export function prepareMultiValue(field: MultiValueField, raw: unknown): string | string[] {
  const list = toStringArray(raw)
  if (isMultiple(field)) return list
  return list.length > 0 ? list[list.length - 1]! : ''
}

/** The SQL form of a prepared select/relation/file value: JSON array text or the plain string. */
export function multiDriverValue(field: MultiValueField, value: unknown): string {
  if (isMultiple(field)) return JSON.stringify(toStringArray(value))
  return typeof value === 'string' ? value : (prepareMultiValue(field, value) as string)
}

/** Reads a string option from field JSON ("" when missing or not a string). */
export function optString(v: unknown): string {
  return typeof v === 'string' ? v : ''
}

/** Reads a numeric option from field JSON (0 when missing or not a finite number). */
export function optNumber(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0
}

/** Reads a nullable numeric option (null when missing or not a finite number). */
export function optNullableNumber(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null
}

/** Reads a string-list option ([] when missing; non-string entries dropped). */
export function optStringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []
}

/** The common `help` option: kept as given (the collection validates its length). */
export function optHelp(v: unknown): string {
  return optString(v)
}

/** Counts Unicode code points, as Go's `utf8.RuneCountInString`. */
export function runeCount(s: string): number {
  let n = 0
  for (const _ of s) n++
  return n
}

/** UTF-8 byte length of a string. */
export function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8')
}

/**
 * FieldBase holds the keys every field JSON carries (`id`, `name`, `system`, `hidden`,
 * `presentable`); each field type extends it and adds its own option keys.
 */
export abstract class FieldBase {
  id: string
  name: string
  system: boolean
  hidden: boolean
  presentable: boolean

  constructor(json: Partial<FieldJSON>) {
    const b = baseFieldProps(json)
    this.id = b.id
    this.name = b.name
    this.system = b.system
    this.hidden = b.hidden
    this.presentable = b.presentable
  }

  /** See `Field.bodyAllowance`: nothing beyond the base limit unless a type says so. */
  bodyAllowance(): number {
    return 0
  }
}

/**
 * StringFieldBase is the base of the fields whose value is one string (text, editor, email,
 * url): prepared, bound and sent as Go's `cast.ToString` of the input, empty when "".
 */
export abstract class StringFieldBase extends FieldBase {
  columnKind(): ColumnKind {
    return 'text'
  }

  /** Casts to a string like Go's `cast.ToString` (null → "", arrays/objects → ""). */
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
}

/**
 * MultiValueFieldBase is the base of the `select` and `relation` fields: unique non-empty strings
 * (a JSON-array string is decoded; a bare string from a legacy column becomes one element),
 * single-valued (`maxSelect` ≤ 1) fields keep the last one ("" if none), stored as text or as a
 * JSON array.
 */
export abstract class MultiValueFieldBase extends FieldBase {
  abstract maxSelect: number

  columnKind(): ColumnKind {
    return isMultiple(this) ? 'jsonArray' : 'text'
  }

  prepareValue(raw: unknown): string | string[] {
    return prepareMultiValue(this, raw)
  }

  driverValue(value: unknown): SqlValue {
    return multiDriverValue(this, value)
  }

  jsonValue(value: unknown): unknown {
    return prepareMultiValue(this, value)
  }

  isEmpty(value: unknown): boolean {
    return toStringArray(value).length === 0
  }
}

/**
 * DomainListFieldBase is the base of the `email` and `url` fields: a string with `help`,
 * `required` and the mutually exclusive `onlyDomains` / `exceptDomains` restrictions.
 */
export abstract class DomainListFieldBase extends StringFieldBase {
  abstract readonly type: string
  help: string
  required: boolean
  exceptDomains: string[]
  onlyDomains: string[]

  constructor(json: Partial<FieldJSON>) {
    super(json)
    this.help = optHelp(json.help)
    this.required = json.required === true
    this.exceptDomains = optStringList(json.exceptDomains)
    this.onlyDomains = optStringList(json.onlyDomains)
  }

  /** False when `domain` is in `exceptDomains`, or `onlyDomains` is set and lacks it. */
  protected domainAllowed(domain: string): boolean {
    if (this.exceptDomains.length > 0 && this.exceptDomains.includes(domain)) return false
    return this.onlyDomains.length === 0 || this.onlyDomains.includes(domain)
  }

  validateSettings(): ValidationErrorMap | undefined {
    return collectErrors([
      ['help', checkHelp(this.help)],
      ...checkDomainLists(this.onlyDomains, this.exceptDomains),
    ])
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

/** JavaScript's (and PocketBase's JSON) largest safe integer, the upper bound of size options. */
export const MAX_SAFE_JSON_INT = Number.MAX_SAFE_INTEGER

/**
 * Formats a number as Go's `%v` verb (`strconv.FormatFloat(f, 'g', -1, 64)`), used inside
 * PocketBase messages: exponent form when the exponent is < -4 or ≥ 6, e.g. `1e+06`, `1e-05`.
 */
export function formatGoNumber(n: number): string {
  if (!Number.isFinite(n)) return formatNumber(n)
  if (n === 0) return Object.is(n, -0) ? '-0' : '0'
  const [mantissa = '', expText = '0'] = n.toExponential().split('e')
  const exp = Number(expText)
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+'
    return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`
  }
  return formatNumber(n)
}

/** Integer thresholds print as Go ints; others as Go's `%v` of a float. */
function formatThreshold(n: number): string {
  return Number.isInteger(n) ? formatNumber(n) : formatGoNumber(n)
}

/** ozzo-validation's `Min` failure: "Must be no less than {threshold}." */
export function minError(threshold: number): ValidationError {
  return validationError(
    'validation_min_greater_equal_than_required',
    `Must be no less than ${formatThreshold(threshold)}.`,
    { threshold },
  )
}

/** ozzo-validation's `Max` failure: "Must be no greater than {threshold}." */
export function maxError(threshold: number): ValidationError {
  return validationError(
    'validation_max_less_equal_than_required',
    `Must be no greater than ${formatThreshold(threshold)}.`,
    { threshold },
  )
}

/**
 * Checks a numeric option like ozzo's `Min(min)` + `Max(max)` rules: 0 is "empty" and always
 * passes (ozzo skips empty values); returns the first failure.
 */
export function checkRange(
  value: number,
  min: number,
  max = MAX_SAFE_JSON_INT,
): ValidationError | undefined {
  if (value === 0) return undefined
  if (value < min) return minError(min)
  if (value > max) return maxError(max)
  return undefined
}

/** Adds `err` under `key` when defined; returns the map or undefined when it stays empty. */
export function collectErrors(
  entries: ReadonlyArray<readonly [string, ValidationError | ValidationErrorMap | undefined]>,
): ValidationErrorMap | undefined {
  const out: ValidationErrorMap = {}
  for (const [key, err] of entries) if (err !== undefined) out[key] = err
  return Object.keys(out).length > 0 ? out : undefined
}

/** The common `help` rule: at most 300 characters (PocketBase: ozzo `Length(1, 300)`). */
export function checkHelp(help: string): ValidationError | undefined {
  const n = runeCount(help)
  if (n === 0 || n <= 300) return undefined
  return validationError(
    'validation_length_out_of_range',
    'The length must be between 1 and 300.',
    {
      max: 300,
      min: 1,
    },
  )
}

/**
 * Compiles a field's regex option (Go RE2 syntax is mostly a subset of JavaScript's); tries
 * Unicode mode first so that classes count code points as Go does. Throws a SyntaxError when the
 * pattern is invalid in both modes.
 */
export function compilePattern(pattern: string): RegExp {
  try {
    return new RegExp(pattern, 'u')
  } catch {
    return new RegExp(pattern)
  }
}

const regexCache = new Map<string, RegExp | null>()

/** Tests `value` against a cached compiled `pattern`; an invalid pattern never matches. */
export function matchesPattern(pattern: string, value: string): boolean {
  let re = regexCache.get(pattern)
  if (re === undefined) {
    try {
      re = compilePattern(pattern)
    } catch {
      re = null
    }
    if (regexCache.size > 500) regexCache.clear()
    regexCache.set(pattern, re)
  }
  return re?.test(value) === true
}

/** The settings rule for a regex option: `validation_invalid_regex` when it does not compile. */
export function checkRegex(pattern: string): ValidationError | undefined {
  if (pattern === '') return undefined
  try {
    compilePattern(pattern)
    return undefined
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err)
    return validationError('validation_invalid_regex', `Error parsing regexp: ${reason}`)
  }
}

/**
 * Reports whether `s` is a domain name as ozzo-validation's `is.Domain` accepts it (letters,
 * digits and inner hyphens per label, at least two labels, an alphabetic TLD, ≤ 255 chars).
 */
export function isDomain(s: string): boolean {
  if (s.length === 0 || s.length > 255) return false
  const labels = s.toLowerCase().split('.')
  if (labels.length < 2) return false
  const tld = labels.pop()!
  if (!/^[a-z]{1,63}$/.test(tld)) return false
  return labels.every((l) => /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(l))
}

/**
 * The settings rule shared by email and url fields: `onlyDomains` and `exceptDomains` are
 * mutually exclusive (both get `validation_empty`) and every entry must be a domain
 * (`validation_is_domain`, keyed by index).
 */
export function checkDomainLists(
  onlyDomains: readonly string[],
  exceptDomains: readonly string[],
): Array<readonly [string, ValidationError | ValidationErrorMap | undefined]> {
  const list = (domains: readonly string[]): ValidationErrorMap | undefined =>
    collectErrors(
      domains.map(
        (d, i) =>
          [
            String(i),
            isDomain(d)
              ? undefined
              : validationError('validation_is_domain', 'Must be a valid domain.'),
          ] as const,
      ),
    )
  if (onlyDomains.length > 0 && exceptDomains.length > 0) {
    const empty = validationError('validation_empty', 'Must be blank.')
    return [
      ['onlyDomains', empty],
      ['exceptDomains', empty],
    ]
  }
  return [
    ['onlyDomains', list(onlyDomains)],
    ['exceptDomains', list(exceptDomains)],
  ]
}

/** The select/relation count failure: "Select no more than {maxSelect}." */
export function tooManyValues(maxSelect: number): ValidationError {
  return validationError('validation_too_many_values', `Select no more than ${maxSelect}.`, {
    maxSelect,
  })
}
