import type { Dialect, SqlValue } from '../../tools/db/db.ts'

/** A `$dbx` expression from a worker (see `worker/tools.ts`). */
export interface DbxExpr {
  readonly __dbx: string
  readonly [key: string]: unknown
}

type Params = { [name: string]: SqlValue }

/** A JS value as a bound SQL value (booleans as 0/1, objects as JSON, undefined as NULL). */
export function sqlValue(v: unknown): SqlValue {
  if (v === undefined || v === null) return null
  if (typeof v === 'boolean') return v ? 1 : 0
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'bigint') return v
  if (v instanceof Uint8Array) return v
  return JSON.stringify(v)
}

/**
 * Raw SQL with PocketBase's `{:name}` placeholders as SQL with `:name` ones and its bound values
 * (PocketBase dbx `NewQuery(…).Bind(…)`).
 */
export function bindSql(
  sql: string,
  params: { readonly [name: string]: unknown },
): {
  sql: string
  params: Params
} {
  const out: Params = {}
  const text = sql.replace(/\{:(\w+)\}/g, (_, name: string) => {
    out[name] = sqlValue(params[name])
    return `:${name}`
  })
  return { sql: text, params: out }
}

/**
 * Compiles `$dbx` expressions ANDed together into a WHERE condition with named parameters
 * (PocketBase's dbx: `hashExp` → `col = v AND …` / `IS NULL` / `IN`, `exp` with `{:name}`
 * params, `and`, `or`, `not`, `in`, `like`, `between`). Empty input gives "".
 */
export function compileDbx(exprs: readonly unknown[], d: Dialect): { sql: string; params: Params } {
  const params: Params = {}
  let n = 0
  const bind = (v: unknown) => {
    const name = `dbx${n++}`
    params[name] = sqlValue(v)
    return `:${name}`
  }
  const one = (e: DbxExpr): string => {
    switch (e.__dbx) {
      case 'exp': {
        const b = bindSql(String(e.sql), (e.params ?? {}) as { [k: string]: unknown })
        Object.assign(params, b.params)
        return b.sql
      }
      case 'hash':
        return Object.entries(e.map as { [k: string]: unknown })
          .map(([col, v]) => {
            if (v === null || v === undefined) return `${d.quoteIdent(col)} IS NULL`
            if (Array.isArray(v)) return `${d.quoteIdent(col)} IN (${v.map(bind).join(', ')})`
            return `${d.quoteIdent(col)} = ${bind(v)}`
          })
          .join(' AND ')
      case 'and':
      case 'or':
        return (e.exprs as DbxExpr[])
          .map((x) => `(${one(x)})`)
          .join(e.__dbx === 'and' ? ' AND ' : ' OR ')
      case 'not':
        return `NOT (${one(e.e as DbxExpr)})`
      case 'in': {
        const values = e.values as unknown[]
        if (values.length === 0) return e.not ? '1=1' : '0=1'
        return `${d.quoteIdent(String(e.col))} ${e.not ? 'NOT IN' : 'IN'} (${values.map(bind).join(', ')})`
      }
      case 'like': {
        const op = e.not ? 'NOT LIKE' : 'LIKE'
        const parts = (e.values as string[]).map(
          (v) => `${d.quoteIdent(String(e.col))} ${op} ${bind(`%${v}%`)}`,
        )
        return parts.join(e.or ? ' OR ' : ' AND ')
      }
      case 'exists':
        return `${e.not ? 'NOT EXISTS' : 'EXISTS'} (${one(e.e as DbxExpr)})`
      case 'between':
        return `${d.quoteIdent(String(e.col))} ${e.not ? 'NOT BETWEEN' : 'BETWEEN'} ${bind(e.from)} AND ${bind(e.to)}`
      default:
        throw new Error(`Unknown $dbx expression ${e.__dbx}.`)
    }
  }
  const parts = (exprs as DbxExpr[]).filter((e) => e?.__dbx !== undefined).map((e) => `(${one(e)})`)
  return { sql: parts.join(' AND '), params }
}
