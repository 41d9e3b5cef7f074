import type { Dialect, IndexDef } from '../tools/db/db.ts'
import { sqliteDialect } from '../tools/db/dialect-sqlite.ts'

export type { IndexColumn, IndexDef } from '../tools/db/db.ts'

const INDEX_RE =
  /^\s*create\s+(unique\s+)?\s*index\s*(if\s+not\s+exists\s+)?(\S*)\s+on\s+(\S*)\s*\(([\s\S]*)\)(?:\s*where\s+([\s\S]*?))?\s*$/i
const COLUMN_RE = /^([\s\S]+?)(?:\s+collate\s+(\w+))?(?:\s+(asc|desc))?$/i
const TRIM = '`"\'[]\r\n\t\f\v '

function trimChars(s: string): string {
  let a = 0
  let b = s.length
  while (a < b && TRIM.includes(s[a]!)) a++
  while (b > a && TRIM.includes(s[b - 1]!)) b--
  return s.slice(a, b)
}

/** Splits on `sep` outside quotes and parentheses. */
function splitTop(s: string, sep: string): string[] {
  const out: string[] = []
  let depth = 0
  let quote = ''
  let cur = ''
  for (const ch of s) {
    if (quote !== '') {
      if (ch === quote) quote = ''
    } else if (ch === '"' || ch === "'" || ch === '`') {
      quote = ch
    } else if (ch === '(') {
      depth++
    } else if (ch === ')') {
      depth--
    } else if (ch === sep && depth === 0) {
      out.push(cur)
      cur = ''
      continue
    }
    cur += ch
  }
  out.push(cur)
  return out.map((p) => p.trim()).filter((p) => p !== '')
}

/**
 * Parses a CREATE INDEX statement the way PocketBase's `dbutils.ParseIndex` does (a tolerant
 * regex, not a SQL parser). Never throws; check the result with `isValidIndex`.
 */
export function parseIndex(sql: string): IndexDef {
  const out: IndexDef = {
    unique: false,
    optional: false,
    schemaName: '',
    indexName: '',
    tableName: '',
    columns: [],
    where: '',
  }
  const m = INDEX_RE.exec(sql)
  if (m === null) return out
  out.unique = (m[1] ?? '').trim() !== ''
  out.optional = (m[2] ?? '').trim() !== ''
  const nameParts = splitTop(m[3] ?? '', '.')
  if (nameParts.length === 2) {
    out.schemaName = trimChars(nameParts[0]!)
    out.indexName = trimChars(nameParts[1]!)
  } else {
    out.indexName = trimChars(nameParts[0] ?? '')
  }
  out.tableName = trimChars(m[4] ?? '')
  for (const raw of splitTop(m[5] ?? '', ',')) {
    const cm = COLUMN_RE.exec(raw)
    if (cm === null) continue
    const name = trimChars(cm[1] ?? '')
    if (name === '') continue
    out.columns.push({ name, collate: (cm[2] ?? '').trim(), sort: (cm[3] ?? '').toUpperCase() })
  }
  out.where = (m[6] ?? '').trim()
  return out
}

/** True when the index has a name, a table and at least one column. */
export function isValidIndex(idx: IndexDef): boolean {
  return idx.indexName !== '' && idx.tableName !== '' && idx.columns.length > 0
}

/**
 * Quotes a name inside a stored index definition (its WHERE part, say): stored definitions are
 * PocketBase's SQLite syntax whatever database runs them.
 */
export const quoteStoredIdent: (name: string) => string = sqliteDialect.quoteIdent

/**
 * The normalised statement as PocketBase stores it in `_collections.indexes` and sends it on the
 * wire (`Index.Build`: backtick-quoted names, one column per line when there are several,
 * expressions kept as written); "" when invalid. This text is SQLite SQL whatever database
 * Satchel runs on, so it is built by the SQLite dialect; what runs is {@link indexForTable}.
 */
export function buildIndex(idx: IndexDef): string {
  return isValidIndex(idx) ? storedIndexText(idx) : ''
}

/** {@link buildIndex} without the validity check (scaffolds have an empty table name). */
export function storedIndexText(idx: IndexDef): string {
  return sqliteDialect.createIndex(idx)
}

/**
 * The executable statement of a stored index re-targeted at `table`, in `dialect`'s SQL ("" when
 * invalid). On SQLite it equals the normalised stored text, as PocketBase executes it.
 */
export function indexForTable(sql: string, table: string, dialect: Dialect): string {
  const idx = parseIndex(sql)
  if (!isValidIndex(idx)) return ''
  idx.tableName = table
  return dialect.createIndex(idx)
}

/**
 * The form stored in `indexes`: the statement as given when it already targets `table`
 * exactly, else the normalised statement for `table` (PocketBase keeps user formatting when it
 * can).
 */
export function normalizeStoredIndex(sql: string, table: string): string {
  const idx = parseIndex(sql)
  if (!isValidIndex(idx) || idx.tableName === table) return sql
  idx.tableName = table
  return buildIndex(idx)
}
