import type { Dialect } from './db.ts'

/** SQLite's SQL flavour: backtick-quoted identifiers like PocketBase's generated SQL. */
export const sqliteDialect: Dialect = Object.freeze({
  name: 'sqlite' as const,
  quoteIdent(name: string): string {
    return `\`${name.replaceAll('`', '``')}\``
  },
})
