import type { Params, SqlValue } from './db.ts'

/** A statement in PostgreSQL's placeholder form and the names/positions its `$n` stand for. */
export interface TranslatedSql {
  /** The SQL with every `?` and `:name` replaced by `$1`, `$2`… */
  readonly text: string
  /** For named parameters: the name of each `$n` (index n-1); undefined for positional SQL. */
  readonly names: readonly string[] | undefined
  /** For positional parameters: how many `?` there were. */
  readonly count: number
}

/**
 * Rewrites the placeholders of a statement written for `Db` (`?` in order, or `:name`, the same
 * name standing for the same `$n`) into PostgreSQL's `$n`. Placeholders inside string literals,
 * quoted identifiers, dollar-quoted bodies and comments are left alone, and so are `::` casts.
 */
export function translatePlaceholders(sql: string): TranslatedSql {
  let out = ''
  let count = 0
  const names: string[] = []
  const index = new Map<string, number>()
  const n = sql.length
  let i = 0
  while (i < n) {
    const ch = sql[i]!
    if (ch === "'" || ch === '"') {
      let j = i + 1
      while (j < n) {
        if (sql[j] === ch) {
          if (sql[j + 1] === ch) j += 2
          else break
        } else j++
      }
      out += sql.slice(i, j + 1)
      i = j + 1
    } else if (ch === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i)
      const end = nl === -1 ? n : nl
      out += sql.slice(i, end)
      i = end
    } else if (ch === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2)
      const end = close === -1 ? n : close + 2
      out += sql.slice(i, end)
      i = end
    } else if (ch === '$' && /^\$(?:[A-Za-z_]\w*)?\$/.test(sql.slice(i, i + 64))) {
      const tag = /^\$(?:[A-Za-z_]\w*)?\$/.exec(sql.slice(i, i + 64))![0]
      const close = sql.indexOf(tag, i + tag.length)
      const end = close === -1 ? n : close + tag.length
      out += sql.slice(i, end)
      i = end
    } else if (ch === '?') {
      out += `$${++count}`
      i++
    } else if (ch === ':' && sql[i + 1] === ':') {
      out += '::'
      i += 2
    } else if (ch === ':' && /[A-Za-z_]/.test(sql[i + 1] ?? '')) {
      const name = /^[A-Za-z_]\w*/.exec(sql.slice(i + 1))![0]
      let k = index.get(name)
      if (k === undefined) {
        names.push(name)
        k = names.length
        index.set(name, k)
      }
      out += `$${k}`
      i += name.length + 1
    } else {
      out += ch
      i++
    }
  }
  return { text: out, names: names.length > 0 ? names : undefined, count }
}

/**
 * The values of a translated statement's `$n` in order: booleans as 1/0, bigints as their
 * decimal text, bytes as a Buffer. Throws like SQLite's binding when a parameter is missing.
 */
export function bindValues(t: TranslatedSql, params: Params | undefined): unknown[] {
  if (t.names !== undefined) {
    if (params === undefined || Array.isArray(params)) throw new Error('Missing named parameters')
    const named = params as Readonly<Record<string, SqlValue>>
    return t.names.map((name) => {
      if (!(name in named)) throw new Error(`Missing named parameter "${name}"`)
      return toPg(named[name]!)
    })
  }
  const list = Array.isArray(params) ? (params as readonly SqlValue[]) : []
  if (list.length < t.count) throw new Error('Too few parameter values were provided')
  return list.slice(0, t.count).map(toPg)
}

function toPg(v: SqlValue): unknown {
  // NOTE: bound as 1/0 like SQLite mode; PostgreSQL reads '1'/'0' as a boolean where one is due.
  if (typeof v === 'boolean') return v ? 1 : 0
  if (typeof v === 'bigint') return v.toString()
  if (v instanceof Uint8Array && !Buffer.isBuffer(v)) return Buffer.from(v)
  return v
}
