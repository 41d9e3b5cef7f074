import type { Params, SqlValue } from './db.ts'

/**
 * Renders a statement with its parameters inlined, for logs only (never executed): `?` takes
 * the next positional value, `:name` the named one; strings are single-quoted with `''`
 * escapes, booleans `TRUE`/`FALSE`, `null` `NULL`, bytes `X'…'`. Placeholders inside quoted
 * strings or identifiers are left alone. This is how PocketBase's `--dev` prints SQL.
 */
export function renderSql(sql: string, params: Params | undefined): string {
  if (params === undefined) return sql
  const positional = Array.isArray(params) ? (params as readonly SqlValue[]) : undefined
  const named = positional === undefined ? (params as Readonly<Record<string, SqlValue>>) : {}
  let out = ''
  let next = 0
  let quote = ''
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i]!
    if (quote !== '') {
      out += ch
      if (ch === quote) quote = ''
      continue
    }
    if (ch === "'" || ch === '"' || ch === '`') {
      quote = ch
      out += ch
    } else if (ch === '[') {
      quote = ']'
      out += ch
    } else if (ch === '?' && positional !== undefined) {
      out += next < positional.length ? literal(positional[next++]!) : '?'
    } else if (ch === ':' && positional === undefined && /[A-Za-z_]/.test(sql[i + 1] ?? '')) {
      const m = /^[A-Za-z_]\w*/.exec(sql.slice(i + 1))!
      const name = m[0]
      out += name in named ? literal(named[name]!) : `:${name}`
      i += name.length
    } else {
      out += ch
    }
  }
  return out
}

function literal(v: SqlValue): string {
  if (v === null) return 'NULL'
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE'
  if (typeof v === 'number' || typeof v === 'bigint') return String(v)
  if (typeof v === 'string') return `'${v.replaceAll("'", "''")}'`
  return `X'${Buffer.from(v).toString('hex')}'`
}
