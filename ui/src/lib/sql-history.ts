/** The browser storage key of the SQL console's history. */
const KEY = 'satchel.sqlHistory'
/** How many recent queries the console remembers. */
export const SQL_HISTORY_SIZE = 20

/** The remembered queries, newest first (an unreadable entry reads as none). */
export function readSqlHistory(): string[] {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]')
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []
  } catch {
    return []
  }
}

/** Puts `query` first in the history (once), keeping the newest SQL_HISTORY_SIZE; returns it. */
export function rememberSql(query: string): string[] {
  const next = [query, ...readSqlHistory().filter((q) => q !== query)].slice(0, SQL_HISTORY_SIZE)
  localStorage.setItem(KEY, JSON.stringify(next))
  return next
}

/** Forgets every remembered query. */
export function clearSqlHistory(): void {
  localStorage.removeItem(KEY)
}
