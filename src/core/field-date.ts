import type { ColumnKind, SqlValue } from '../tools/db/db.ts'
import { formatDate, parseDate } from '../tools/types/datetime.ts'
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
import { checkHelp, collectErrors, FieldBase, optHelp } from './field-values.ts'

const CANONICAL_DATE =
  /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01]) (?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/

/**
 * Normalises a date input to PocketBase's stored form `YYYY-MM-DD HH:MM:SS.mmmZ`; "" when empty
 * or unparsable (PocketBase `types.ParseDateTime`, errors → zero date).
 */
export function toDateString(raw: unknown): string {
  if (raw === null || raw === undefined || raw === '') return ''
  // Fast path (hot when loading rows): a value already in the stored form is kept as is.
  if (typeof raw === 'string' && raw.length === 24 && CANONICAL_DATE.test(raw)) return raw
  const d = parseDate(raw)
  return d === undefined ? '' : formatDate(d)
}

/** Reads a date option (`min`/`max`) from field JSON as a normalised date string ("" = none). */
export function optDate(v: unknown): string {
  return toDateString(v)
}

/** Milliseconds as Go prints fractional seconds: trailing zeros trimmed, none when zero. */
function fraction(d: Date): string {
  const ms = d.getUTCMilliseconds()
  return ms === 0 ? '' : `.${String(ms).padStart(3, '0').replace(/0+$/, '')}`
}

/** Go's `time.Time.String()` of a UTC time, e.g. `2024-01-01 10:00:00.12 +0000 UTC`. */
function goTimeString(d: Date): string {
  return `${formatDate(d).slice(0, 19)}${fraction(d)} +0000 UTC`
}

/** Go's JSON form of a UTC time (RFC 3339 with trimmed fraction), e.g. `2024-01-01T10:00:00.12Z`. */
function rfc3339(d: Date): string {
  return `${formatDate(d).slice(0, 19).replace(' ', 'T')}${fraction(d)}Z`
}

/**
 * DateField is PocketBase's `date` field: a UTC datetime stored as `YYYY-MM-DD HH:MM:SS.mmmZ`
 * text ("" = unset), with optional `min`/`max` bounds.
 */
export class DateField extends FieldBase implements Field {
  readonly type = 'date'
  help: string
  required: boolean
  min: string
  max: string

  constructor(json: Partial<FieldJSON> = {}) {
    super(json)
    this.help = optHelp(json.help)
    this.required = json.required === true
    this.min = optDate(json.min)
    this.max = optDate(json.max)
  }

  columnKind(): ColumnKind {
    return 'text'
  }

  /** Parses the input (see `parseDate`) and formats it; invalid or empty → "". */
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

  async validateValue(
    _ctx: FieldContext,
    record: FieldRecord,
  ): Promise<ValidationError | undefined> {
    const value = toDateString(record.get(this.name))
    if (value === '') return this.required ? required() : undefined
    const t = parseDate(value)!.getTime()
    if (this.min !== '') {
      const min = parseDate(this.min)!
      if (t < min.getTime()) {
        return validationError(
          'validation_min_greater_equal_than_required',
          `Must be no less than ${goTimeString(min)}.`,
          { threshold: rfc3339(min) },
        )
      }
    }
    if (this.max !== '') {
      const max = parseDate(this.max)!
      if (t > max.getTime()) {
        return validationError(
          'validation_max_less_equal_than_required',
          `Must be no greater than ${goTimeString(max)}.`,
          { threshold: rfc3339(max) },
        )
      }
    }
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
      max: this.max,
      min: this.min,
      name: this.name,
      presentable: this.presentable,
      required: this.required,
      system: this.system,
      type: this.type,
    }
  }
}

registerField('date', (json) => new DateField(json))
