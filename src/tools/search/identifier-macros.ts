import { formatDate } from '../types/datetime.ts'

const DAY_MS = 24 * 60 * 60 * 1000

function utc(year: number, month: number, day: number, h = 0, m = 0, s = 0, ms = 0): Date {
  const d = new Date(0)
  d.setUTCFullYear(year, month, day)
  d.setUTCHours(h, m, s, ms)
  return d
}

/**
 * Returns the value of a date macro identifier at `now` (all UTC, like PocketBase §5.3), or
 * undefined when `name` is not a macro: `@now`, `@yesterday`, `@tomorrow` (±24 h), `@todayStart`,
 * `@todayEnd`, `@monthStart`, `@monthEnd`, `@yearStart`, `@yearEnd` as `YYYY-MM-DD HH:MM:SS.mmmZ`
 * strings; `@second`, `@minute`, `@hour`, `@day`, `@month` (1–12), `@weekday` (0 = Sunday),
 * `@year` as integers.
 */
export function identifierMacro(name: string, now: Date): string | number | undefined {
  const y = now.getUTCFullYear()
  const mo = now.getUTCMonth()
  const d = now.getUTCDate()
  switch (name) {
    case '@now':
      return formatDate(now)
    case '@yesterday':
      return formatDate(new Date(now.getTime() - DAY_MS))
    case '@tomorrow':
      return formatDate(new Date(now.getTime() + DAY_MS))
    case '@todayStart':
      return formatDate(utc(y, mo, d))
    case '@todayEnd':
      return formatDate(utc(y, mo, d, 23, 59, 59, 999))
    case '@monthStart':
      return formatDate(utc(y, mo, 1))
    case '@monthEnd':
      // day 0 of the next month is the last day of this one
      return formatDate(utc(y, mo + 1, 0, 23, 59, 59, 999))
    case '@yearStart':
      return formatDate(utc(y, 0, 1))
    case '@yearEnd':
      return formatDate(utc(y, 11, 31, 23, 59, 59, 999))
    case '@second':
      return now.getUTCSeconds()
    case '@minute':
      return now.getUTCMinutes()
    case '@hour':
      return now.getUTCHours()
    case '@day':
      return d
    case '@month':
      return mo + 1
    case '@weekday':
      return now.getUTCDay()
    case '@year':
      return y
    default:
      return undefined
  }
}
