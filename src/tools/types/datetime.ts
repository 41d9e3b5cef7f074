/** PocketBase's wire and storage layout for dates: `YYYY-MM-DD HH:MM:SS.mmmZ`, always UTC. */
export const DEFAULT_DATE_LAYOUT = 'YYYY-MM-DD HH:MM:SS.mmmZ'

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0')
}

/**
 * Formats `d` as PocketBase does on the wire and in the database: `"2024-11-24 16:37:01.123Z"`
 * (UTC, space separator, always milliseconds). Returns `""` for an invalid Date, PocketBase's
 * representation of an unset date.
 */
export function formatDate(d: Date): string {
  const t = d.getTime()
  if (Number.isNaN(t)) return ''
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)} ` +
    `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.` +
    `${pad(d.getUTCMilliseconds(), 3)}Z`
  )
}

/** Returns the current time formatted by {@link formatDate}. */
export function nowString(): string {
  return formatDate(new Date())
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']

// 2024-11-24 | 2024-11-24[T ]16:37:01[.123|,123][Z|±hh:mm|±hhmm| ±hh:mm| ±hhmm[ ZONE]]
const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d+))?(Z|[+-]\d{2}:?\d{2}| [+-]\d{2}:?\d{2}(?: [A-Za-z]{3,5}| [+-]\d{4})?)?)?$/
// Sun, 24 Nov 2024 16:37:01 GMT | Sun, 24 Nov 2024 16:37:01 +0200 (RFC 1123)
const RFC1123_RE =
  /^[A-Za-z]{3}, (\d{2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) (?:([A-Z]{3})|([+-]\d{4}))$/
// 24 Nov 2024
const DAY_MONTH_YEAR_RE = /^(\d{2}) ([A-Za-z]{3}) (\d{4})$/

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
}

/** Go's zero time, `0001-01-01 00:00:00 UTC`, in unix milliseconds: PocketBase's "unset" date. */
const GO_ZERO_TIME = -62135596800000

function monthIndex(name: string): number {
  const i = MONTHS.indexOf(name.toLowerCase())
  return i < 0 ? -1 : i + 1
}

/** Builds a UTC instant from validated parts; offset in minutes east of UTC. */
function build(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  ms: number,
  offsetMinutes: number,
): Date | undefined {
  if (month < 1 || month > 12) return undefined
  const maxDay = month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1]!
  if (day < 1 || day > maxDay) return undefined
  if (hour > 23 || minute > 59 || second > 59) return undefined
  const d = new Date(0)
  d.setUTCFullYear(year, month - 1, day)
  d.setUTCHours(hour, minute, second, ms)
  const t = d.getTime() - offsetMinutes * 60_000
  if (t === GO_ZERO_TIME) return undefined
  return new Date(t)
}

function parseOffset(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === 'Z') return 0
  const m = /^ ?([+-])(\d{2}):?(\d{2})/.exec(raw)
  if (!m) return undefined
  const hours = Number(m[2])
  const minutes = Number(m[3])
  if (hours > 24 || minutes > 59) return undefined
  const total = hours * 60 + minutes
  return m[1] === '-' ? -total : total
}

/**
 * Parses a date the way PocketBase's date fields accept input (measured on PocketBase 0.40.4) and
 * returns it, or `undefined` for empty, invalid or unsupported input. Accepted strings:
 * - `YYYY-MM-DD` (midnight UTC);
 * - `YYYY-MM-DD` + `T` or space + `HH:MM:SS` (1- or 2-digit hour), optional fraction after `.` or
 *   `,` (truncated to milliseconds), optional zone `Z`, `±hh:mm`, `±hhmm` (also after a space, as
 *   Go's `Time.String()` writes: `2024-11-24 16:37:01.123 +0000 UTC`); no zone means UTC;
 * - RFC 1123 (`Sun, 24 Nov 2024 16:37:01 GMT` / `+0200`, weekday not checked) and `24 Nov 2024`.
 * Calendar values are range-checked (no Feb 30, no hour 24). Not accepted, as in PocketBase: numbers
 * (unix timestamps), surrounding whitespace, lower-case `z`, minutes without seconds. Go's zero time
 * `0001-01-01 00:00:00Z` means "unset" and gives `undefined`. A valid `Date` is returned as a copy.
 */
export function parseDate(value: unknown): Date | undefined {
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) || value.getTime() === GO_ZERO_TIME
      ? undefined
      : new Date(value.getTime())
  }
  if (typeof value !== 'string' || value === '') return undefined

  let m = ISO_RE.exec(value)
  if (m) {
    const offset = parseOffset(m[8])
    if (offset === undefined) return undefined
    const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'))
    return build(
      Number(m[1]),
      Number(m[2]),
      Number(m[3]),
      Number(m[4] ?? 0),
      Number(m[5] ?? 0),
      Number(m[6] ?? 0),
      ms,
      offset,
    )
  }

  m = RFC1123_RE.exec(value)
  if (m) {
    const month = monthIndex(m[2]!)
    if (month < 0) return undefined
    const offset = m[8] === undefined ? 0 : parseOffset(m[8])
    if (offset === undefined) return undefined
    return build(
      Number(m[3]),
      month,
      Number(m[1]),
      Number(m[4]),
      Number(m[5]),
      Number(m[6]),
      0,
      offset,
    )
  }

  m = DAY_MONTH_YEAR_RE.exec(value)
  if (m) {
    const month = monthIndex(m[2]!)
    if (month < 0) return undefined
    return build(Number(m[3]), month, Number(m[1]), 0, 0, 0, 0, 0)
  }

  return undefined
}
