import type pg from 'pg'
import type { ScriptColumn, ScriptOptions, ScriptResult } from './db.ts'

/** Statements that would end or nest the transaction `runScript` runs the script in. */
const TRANSACTION_KEYWORDS = new Set([
  'BEGIN',
  'START',
  'COMMIT',
  'END',
  'ROLLBACK',
  'ABORT',
  'SAVEPOINT',
  'RELEASE',
])

/** Statements that only read (any other one takes the write lock). */
const READ_KEYWORDS = new Set(['SELECT', 'WITH', 'EXPLAIN', 'SHOW', 'VALUES', 'TABLE'])

/**
 * The first keyword (upper-cased) of every statement of `script`, splitting at `;` outside
 * string literals, quoted identifiers, dollar-quoted bodies and comments.
 */
export function statementKeywords(script: string): string[] {
  const words: string[] = []
  let word = ''
  const n = script.length
  let i = 0
  while (i < n) {
    const ch = script[i]!
    if (ch === "'" || ch === '"') {
      if (word === '') word = '?'
      let j = i + 1
      while (j < n && !(script[j] === ch && script[j + 1] !== ch)) j += script[j] === ch ? 2 : 1
      i = j + 1
    } else if (ch === '-' && script[i + 1] === '-') {
      const nl = script.indexOf('\n', i)
      i = nl === -1 ? n : nl + 1
    } else if (ch === '/' && script[i + 1] === '*') {
      const close = script.indexOf('*/', i + 2)
      i = close === -1 ? n : close + 2
    } else if (ch === '$' && /^\$(?:[A-Za-z_]\w*)?\$/.test(script.slice(i, i + 64))) {
      const tag = /^\$(?:[A-Za-z_]\w*)?\$/.exec(script.slice(i, i + 64))![0]
      const close = script.indexOf(tag, i + tag.length)
      i = close === -1 ? n : close + tag.length
    } else if (ch === ';') {
      if (word !== '') words.push(word)
      word = ''
      i++
    } else if (word === '' && /[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_]\w*/.exec(script.slice(i, i + 64))!
      word = m[0].toUpperCase()
      i += m[0].length
    } else {
      if (word === '' && !/\s/.test(ch)) word = '?'
      i++
    }
  }
  if (word !== '') words.push(word)
  return words
}

/** True when every statement of the script only reads. */
export function isReadOnlyScript(keywords: readonly string[]): boolean {
  return keywords.every((w) => READ_KEYWORDS.has(w))
}

/** Throws when the script has a transaction statement (see `Db.runScript`). */
export function refuseTransactionStatements(keywords: readonly string[]): void {
  for (const w of keywords) {
    if (TRANSACTION_KEYWORDS.has(w)) {
      throw new Error(
        `${w} is not allowed here: the console runs each query in its own transaction.`,
      )
    }
  }
}

/**
 * Runs a whole script on `client`, which is already inside a transaction, with
 * `options.timeoutMs` as the transaction's `statement_timeout`: its statements in order
 * (PostgreSQL's simple query protocol), answering with the last one's columns (their type names
 * upper-cased, e.g. `TEXT`, `DOUBLE PRECISION`), at most `maxRows` rows and the changes of the
 * last statement that returned no rows.
 */
export async function runPostgresScript(
  client: pg.PoolClient,
  script: string,
  options: ScriptOptions,
): Promise<ScriptResult> {
  if (options.timeoutMs) {
    await client.query(
      `SET LOCAL statement_timeout = ${Math.max(1, Math.trunc(options.timeoutMs))}`,
    )
  }
  const res = (await client.query({ text: script, rowMode: 'array' })) as
    | pg.QueryArrayResult
    | pg.QueryArrayResult[]
  const results = Array.isArray(res) ? res : [res]
  let changes = 0
  for (const r of results) if (r.fields.length === 0 && r.rowCount !== null) changes = r.rowCount
  const last = results[results.length - 1]
  if (last === undefined || last.fields.length === 0) return { columns: [], rows: [], changes }
  const oids = [...new Set(last.fields.map((f) => f.dataTypeID))]
  const names = new Map<number, string>()
  const typeRows = await client.query<{ oid: number; name: string }>(
    'SELECT oid::int AS oid, upper(format_type(oid, NULL)) AS name FROM pg_type WHERE oid = ANY($1::oid[])',
    [oids],
  )
  for (const t of typeRows.rows) names.set(t.oid, t.name)
  const columns: ScriptColumn[] = last.fields.map((f) => ({
    name: f.name,
    type: names.get(f.dataTypeID) ?? '',
  }))
  return { columns, rows: last.rows.slice(0, Math.max(0, options.maxRows)), changes }
}
