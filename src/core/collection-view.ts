import type { Dialect } from '../tools/db/db.ts'
import { randomString } from '../tools/security/random.ts'
import { goErrorsText } from '../tools/validation/go-text.ts'
import type { App } from './app.ts'
import { Collection, defaultCollectionId, defaultFieldId } from './collection-model.ts'
import { checkFieldName } from './collection-validate.ts'
import { type Field, type FieldJSON, fieldFromJSON } from './field.ts'
import { exportRecord } from './record-export.ts'
import { Record } from './record-model.ts'
import './fields.ts'

/** A view query that cannot become a view collection; `message` is PocketBase's raw text. */
export class ViewQueryError extends Error {
  /** The inferred fields when the query failed a check after inference (else undefined). */
  readonly fields?: Field[]
  constructor(message: string, options?: ErrorOptions & { fields?: Field[] }) {
    super(message, options)
    this.name = 'ViewQueryError'
    this.fields = options?.fields
  }
}

/** How many rows of a view query have their ids checked (PocketBase samples the first 10). */
const ID_SAMPLE = 10

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

/** Formats a SQLite error like PocketBase's driver does: `SQL logic error: <msg> (1)`. */
export function sqliteErrorText(err: unknown): string {
  const e = err as { message?: string; code?: string }
  const msg = e?.message ?? String(err)
  if (e?.code === 'SQLITE_ERROR') return `SQL logic error: ${msg} (1)`
  return msg
}

// ---- a tiny SELECT splitter (quotes and parentheses aware) ----------------------------------

interface Piece {
  text: string
  depth: number
}

/** Splits SQL into words/punctuation at depth 0, keeping parenthesised and quoted parts whole. */
function topLevelTokens(sql: string): string[] {
  const out: string[] = []
  let cur = ''
  let depth = 0
  let quote = ''
  const flush = () => {
    if (cur.trim() !== '') out.push(cur.trim())
    cur = ''
  }
  for (const ch of sql) {
    if (quote !== '') {
      cur += ch
      if (ch === quote) quote = ''
      continue
    }
    if (ch === "'" || ch === '"' || ch === '`') {
      quote = ch
      cur += ch
      continue
    }
    if (ch === '(') {
      if (depth === 0 && cur.trim() !== '' && /\s$/.test(cur)) flush()
      depth++
      cur += ch
      continue
    }
    if (ch === ')') {
      depth--
      cur += ch
      continue
    }
    if (depth === 0 && (/\s/.test(ch) || ch === ',')) {
      flush()
      if (ch === ',') out.push(',')
      continue
    }
    cur += ch
  }
  flush()
  return out
}

/** True when `sql` holds a `;` followed by more SQL (outside quotes). */
function hasMultipleStatements(sql: string): boolean {
  let quote = ''
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i]!
    if (quote !== '') {
      if (ch === quote) quote = ''
    } else if (ch === "'" || ch === '"' || ch === '`') {
      quote = ch
    } else if (ch === ';' && sql.slice(i + 1).trim() !== '') {
      return true
    }
  }
  return false
}

const unquote = (s: string) => s.replace(/^[`"[]|[`"\]]$/g, '')

/** One column of the main SELECT: its expression and the name it gets in the result. */
interface SelectColumn {
  expr: string
  name: string
}

interface ParsedSelect {
  columns: SelectColumn[]
  /** alias (lower-cased) → table name; the first FROM table is also under "". */
  tables: Map<string, string>
}

const CLAUSE_END = new Set([
  'where',
  'group',
  'order',
  'limit',
  'having',
  'window',
  'union',
  'except',
  'intersect',
])

function parseSelect(sql: string): ParsedSelect {
  const tokens = topLevelTokens(sql)
  const lower = tokens.map((t) => t.toLowerCase())
  let i = lower.indexOf('select')
  const columns: SelectColumn[] = []
  const tables = new Map<string, string>()
  if (i < 0) return { columns, tables }
  i++
  if (lower[i] === 'distinct' || lower[i] === 'all') i++
  let current: Piece[] = []
  const pushColumn = () => {
    if (current.length === 0) return
    const parts = current.map((p) => p.text)
    let name = ''
    let exprParts = parts
    const n = parts.length
    if (n >= 3 && parts[n - 2]!.toLowerCase() === 'as') {
      name = unquote(parts[n - 1]!)
      exprParts = parts.slice(0, n - 2)
    } else if (
      n >= 2 &&
      /^[`"[]?\w+[`"\]]?$/.test(parts[n - 1]!) &&
      !/[-+*/%|=<>!]$/.test(parts[n - 2]!)
    ) {
      name = unquote(parts[n - 1]!)
      exprParts = parts.slice(0, n - 1)
    }
    const expr = exprParts.join(' ')
    if (name === '') {
      const last = expr.split('.').pop() ?? expr
      name = unquote(last)
    }
    columns.push({ expr, name })
    current = []
  }
  for (; i < tokens.length; i++) {
    if (lower[i] === 'from') break
    if (tokens[i] === ',') pushColumn()
    else current.push({ text: tokens[i]!, depth: 0 })
  }
  pushColumn()
  // FROM clause: tables, aliases and joins.
  i++
  let expectTable = true
  let first = true
  for (; i < tokens.length; i++) {
    const t = lower[i]!
    if (CLAUSE_END.has(t)) break
    if (t === ',' || t === 'join') {
      expectTable = true
      continue
    }
    if (!expectTable) continue
    if (tokens[i]!.startsWith('(')) {
      expectTable = false
      continue
    }
    const table = unquote(tokens[i]!)
    let alias = table
    let j = i + 1
    if (lower[j] === 'as') j++
    const next = lower[j]
    if (
      next !== undefined &&
      next !== ',' &&
      !CLAUSE_END.has(next) &&
      ![
        'on',
        'using',
        'left',
        'right',
        'inner',
        'outer',
        'cross',
        'natural',
        'full',
        'join',
      ].includes(next)
    ) {
      alias = unquote(tokens[j]!)
      i = j
    }
    tables.set(alias.toLowerCase(), table)
    if (first) tables.set('', table)
    first = false
    expectTable = false
  }
  return { columns, tables }
}

// ---- field inference ------------------------------------------------------------------------

function viewIdField(): Field {
  return fieldFromJSON({
    id: defaultFieldId('text', 'id'),
    name: 'id',
    type: 'text',
    system: true,
    required: true,
    primaryKey: true,
    pattern: '^[a-z0-9]+$',
  })
}

function simpleField(type: string, name: string, extra: Partial<FieldJSON> = {}): Field {
  return fieldFromJSON({ id: defaultFieldId(type, name), name, type, ...extra })
}

function inferField(app: App, parsed: ParsedSelect, column: SelectColumn): Field {
  const expr = column.expr.trim()
  const lower = expr.toLowerCase()
  const name = column.name
  if (lower.startsWith('count(')) return simpleField('number', name, { onlyInt: true })
  if (lower.startsWith('total(')) return simpleField('number', name)
  const cast = /^cast\s*\([\s\S]*\s+as\s+(\w+)\s*\)$/i.exec(expr)
  if (cast !== null) {
    const t = cast[1]!.toLowerCase()
    if (t === 'real' || t === 'decimal' || t === 'numeric') return simpleField('number', name)
    if (t === 'int' || t === 'integer') return simpleField('number', name, { onlyInt: true })
    if (t === 'text') return simpleField('text', name)
    if (t === 'bool' || t === 'boolean') return simpleField('bool', name)
  }
  const ref = /^([`"[]?\w+[`"\]]?)(?:\.([`"[]?\w+[`"\]]?))?$/.exec(expr)
  if (ref !== null) {
    const alias = ref[2] === undefined ? '' : unquote(ref[1]!).toLowerCase()
    const col = unquote(ref[2] ?? ref[1]!)
    const table = parsed.tables.get(alias)
    const source = table === undefined ? undefined : app.findCollection(table)
    if (source !== undefined) {
      if (col === 'id') {
        return simpleField('relation', name, { collectionId: source.id, maxSelect: 1 })
      }
      const f = source.getField(col)
      if (f !== undefined) {
        const json = f.toJSON()
        return fieldFromJSON({
          ...json,
          id: `_clone_${randomString(4, ALNUM)}`,
          name,
        })
      }
    }
  }
  return simpleField('json', name, { maxSize: 1 })
}

/**
 * Checks a view query and infers its fields (PocketBase §7.5): one SELECT statement, no `*`
 * columns, an `id` column; the query is run through a temporary view to get its columns.
 * Fields of `previous` with the same name and type keep their ids. Throws ViewQueryError with
 * PocketBase's raw message otherwise.
 */
export async function inferViewFields(
  app: App,
  query: string,
  previous: readonly Field[] = [],
): Promise<Field[]> {
  const sql = query.trim().replace(/;\s*$/, '')
  if (hasMultipleStatements(sql)) throw new ViewQueryError('multiple statements are not supported')
  const parsed = parseSelect(sql)
  if (parsed.columns.some((c) => c.expr === '*' || c.expr.endsWith('.*'))) {
    throw new ViewQueryError(
      'wildcard columns (*) are not supported - manually type the collection field names you want the view query to have',
    )
  }
  const columns = await withTempView(app, sql, async (tx, name) =>
    (await tx.db.dialect.tableColumns(tx.db, name)).map((column) => ({ name: column })),
  )
  const byName = new Map(parsed.columns.map((c) => [c.name.toLowerCase(), c]))
  const fields = columns.map((col) => {
    if (col.name === 'id') return viewIdField()
    const parsedCol = byName.get(col.name.toLowerCase()) ?? { expr: '', name: col.name }
    const f = inferField(app, parsed, { expr: parsedCol.expr, name: col.name })
    const prev = previous.find((p) => p.name === f.name && p.type === f.type)
    if (prev !== undefined) f.id = prev.id
    return f
  })
  if (!columns.some((c) => c.name === 'id')) {
    throw new ViewQueryError(
      "missing required id column (you can use `(ROW_NUMBER() OVER()) as id` if you don't have one)",
      { fields },
    )
  }
  for (const [i, f] of fields.entries()) {
    // e.g. a column renamed `id:1` by SQLite, or an alias that is no valid field name
    const err = checkFieldName({ type: 'view' }, f)
    if (err !== undefined) {
      throw new ViewQueryError(`invalid field "${f.name}" (${i}): ${goErrorsText({ name: err })}`, {
        fields,
      })
    }
  }
  await checkViewIds(app, sql, fields)
  return fields
}

/**
 * Checks the ids of the first rows of a view query like PocketBase: each must be non-empty and
 * unique. Throws ViewQueryError (with the inferred fields).
 */
async function checkViewIds(app: App, sql: string, fields: Field[]): Promise<void> {
  const q = app.db.dialect.quoteIdent
  let rows: { id: unknown }[]
  try {
    rows = await app.db.all<{ id: unknown }>(
      `SELECT ${q('id')} AS ${q('id')} FROM ${app.db.dialect.subquery(sql)} LIMIT ${ID_SAMPLE}`,
    )
  } catch (err) {
    throw new ViewQueryError(sqliteErrorText(err), { cause: err, fields })
  }
  const seen = new Set<string>()
  for (const { id } of rows) {
    const key = id === null || id === undefined ? '' : String(id)
    if (key === '') {
      throw new ViewQueryError('the query could return records with empty or invalid ids', {
        fields,
      })
    }
    if (seen.has(key)) {
      throw new ViewQueryError('the query could return records with non-unique ids', { fields })
    }
    seen.add(key)
  }
}

async function withTempView<T>(
  app: App,
  sql: string,
  fn: (tx: App, name: string) => Promise<T>,
): Promise<T> {
  return app.runInTransaction(async (tx) => {
    const name = `_temp_${randomString(10, 'abcdefghijklmnopqrstuvwxyz0123456789')}`
    const q = tx.db.dialect.quoteIdent
    try {
      await tx.db.exec(`CREATE VIEW ${q(name)} AS SELECT * FROM ${tx.db.dialect.subquery(sql)}`)
      return await fn(tx, name)
    } catch (err) {
      throw new ViewQueryError(sqliteErrorText(err), { cause: err })
    } finally {
      await tx.db.exec(`DROP VIEW IF EXISTS ${q(name)}`)
    }
  })
}

/** The CREATE VIEW statement of a view collection (PocketBase: `SELECT * FROM (query)`; see `Dialect.subquery`). */
export function createViewSql(d: Dialect, name: string, query: string): string {
  const sql = query.trim().replace(/;\s*$/, '')
  return `CREATE VIEW ${d.quoteIdent(name)} AS SELECT * FROM ${d.subquery(sql)}`
}

/** Drops (if present) and creates the SQL view of a view collection. */
export async function saveView(app: App, name: string, query: string): Promise<void> {
  await app.db.exec(`DROP VIEW IF EXISTS ${app.db.dialect.quoteIdent(name)}`)
  await app.db.exec(createViewSql(app.db.dialect, name, query))
}

/**
 * `POST /api/collections/meta/dry-run-view`: the inferred fields and up to 10 sample records
 * of the query, exported as records of a temporary view collection `temp_view_<random>`.
 * Nothing is stored. Throws ViewQueryError.
 */
export async function dryRunView(
  app: App,
  query: string,
): Promise<{ fields: Field[]; sample: { [key: string]: unknown }[] }> {
  const fields = await inferViewFields(app, query)
  const c = new Collection()
  c.type = 'view'
  c.name = `temp_view_${randomString(5, 'abcdefghijklmnopqrstuvwxyz0123456789')}`
  c.id = defaultCollectionId('view', c.name)
  c.viewQuery = query
  c.setFields(fields)
  const sql = query.trim().replace(/;\s*$/, '')
  const rows = await app.db.all(`SELECT * FROM ${app.db.dialect.subquery(sql)} LIMIT 10`)
  const sample = rows.map((row) => exportRecord(Record.fromRow(c, row), { withHidden: true }))
  return { fields, sample }
}
