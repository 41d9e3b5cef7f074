import { createHash } from 'node:crypto'
import type { Db, SqlValue } from '../tools/db/db.ts'
import { Collection, type CollectionRow } from './collection-model.ts'
import { createViewSql } from './collection-view.ts'
import { createCollectionTable } from './db-table.ts'
import { migrationsTableSql } from './migrations-runner.ts'
import './fields.ts'

/** The two databases of an app: `data` (collections, records, params, migrations) and `aux` (`_logs`). */
export interface AppDatabases {
  readonly data: Db
  readonly aux: Db
}

/** Options of {@link copyAppDatabases}. */
export interface CopyOptions {
  /** Copy the `_logs` rows too (the table is always created, empty otherwise). */
  readonly logs: boolean
  /** Rows read per batch (default 500): what is held in memory at once. */
  readonly batchSize?: number
}

/** What was copied of one table, and how it checks out on both sides. */
export interface TableReport {
  readonly table: string
  /** Rows read from the source. */
  readonly rows: number
  /** Rows found in the target after the copy. */
  readonly targetRows: number
  /** {@link tableDigest} of the source rows. */
  readonly checksum: string
  /** {@link tableDigest} of the target rows. */
  readonly targetChecksum: string
}

/** A copy whose verification failed: some table's count or checksum differs. */
export class CopyMismatchError extends Error {
  readonly reports: TableReport[]
  constructor(reports: TableReport[]) {
    const bad = reports.filter((r) => !tableMatches(r)).map((r) => r.table)
    super(`verification failed: rows or checksums differ in ${bad.join(', ')}`)
    this.name = 'CopyMismatchError'
    this.reports = reports
  }
}

/** True when a table's target count and checksum equal the source's. */
export function tableMatches(r: TableReport): boolean {
  return r.rows === r.targetRows && r.checksum === r.targetChecksum
}

/** The most parameters one INSERT of a batch binds (below SQLite's and PostgreSQL's limits). */
const MAX_PARAMS = 4000

/** The names whose presence makes a target non-empty: the app's system tables. */
const SYSTEM_TABLES = ['_collections', '_params', '_migrations', '_logs'] as const

/**
 * The tables and views of `names` (plus the system tables) that already exist in `target`
 * (compared ignoring ASCII case); empty when the target may receive a copy.
 */
export async function existingTables(
  target: AppDatabases,
  names: readonly string[],
): Promise<string[]> {
  const found: string[] = []
  for (const name of [...SYSTEM_TABLES, ...names]) {
    const db = name === '_logs' ? target.aux : target.data
    if (await db.dialect.hasTable(db, name)) found.push(name)
  }
  return found
}

/** The `_collections` rows of `db` in creation (row id) order, parsed. */
export async function readCollections(db: Db): Promise<Collection[]> {
  const q = db.dialect.quoteIdent
  const rows = await db.all<CollectionRow>(
    `SELECT * FROM ${q('_collections')} ORDER BY ${db.dialect.rowid('_collections')}`,
  )
  return rows.map((r) => Collection.fromRow(r))
}

/**
 * Copies a whole app from `source` into the empty `target` (both inside their transactions
 * where the engine reads through a cursor, the target always; the caller commits or rolls back): the system tables (`_params`,
 * `_collections`, `_migrations`, `_logs` through each dialect's own DDL), every base/auth
 * collection's table with its indexes in the target's column types (the system collections
 * `_superusers`, `_mfas`, `_otps`, `_externalAuths`, `_authOrigins` included) and every view
 * collection's SQL view (its query must be valid on the target engine). Rows are read in
 * batches by row id and written in the same order, so list order without a sort is kept.
 *
 * Then verifies: every copied table's row count and {@link tableDigest} are computed on the
 * target and compared with the source's; throws CopyMismatchError when any differs (and the
 * first database error as is when a statement fails), so the caller rolls back. Returns the
 * per-table reports in copy order.
 */
export async function copyAppDatabases(
  source: AppDatabases,
  target: AppDatabases,
  options: CopyOptions,
): Promise<TableReport[]> {
  const batch = options.batchSize ?? 500
  const collections = await readCollections(source.data)
  await target.data.exec(target.data.dialect.systemTablesSql('data'))
  await target.data.exec(migrationsTableSql(target.data.dialect, false))
  await target.aux.exec(target.aux.dialect.systemTablesSql('auxiliary'))
  const copied: { from: Db; to: Db; table: string; rows: number; checksum: string }[] = []
  const copy = async (from: Db, to: Db, table: string) => {
    const { rows, checksum } = await copyTable(from, to, table, batch)
    copied.push({ from, to, table, rows, checksum })
  }
  for (const table of ['_params', '_collections', '_migrations']) {
    await copy(source.data, target.data, table)
  }
  for (const c of collections) {
    if (c.type === 'view') continue
    await createCollectionTable(target.data, c)
    await copy(source.data, target.data, c.name)
  }
  for (const c of collections) {
    if (c.type !== 'view') continue
    try {
      await target.data.exec(createViewSql(target.data.dialect, c.name, c.viewQuery))
    } catch (err) {
      throw new Error(
        `cannot create the view of collection "${c.name}" on ${target.data.dialect.name} (its query must be valid there): ${(err as Error).message}`,
        { cause: err },
      )
    }
  }
  if (options.logs) await copy(source.aux, target.aux, '_logs')
  const reports: TableReport[] = []
  for (const t of copied) {
    const columns = await sourceColumns(t.from, t.to, t.table)
    const digest = await tableDigest(t.to, t.table, columns, batch)
    const report: TableReport = {
      table: t.table,
      rows: t.rows,
      targetRows: digest.rows,
      checksum: t.checksum,
      targetChecksum: digest.checksum,
    }
    reports.push(report)
  }
  if (!reports.every(tableMatches)) throw new CopyMismatchError(reports)
  return reports
}

/**
 * The columns to copy of `table`: the source's, which must all exist in the target (a column
 * the target table lacks would be lost). Throws naming the missing ones.
 */
async function sourceColumns(from: Db, to: Db, table: string): Promise<string[]> {
  const columns = await from.dialect.tableColumns(from, table)
  const have = new Set(await to.dialect.tableColumns(to, table))
  const missing = columns.filter((c) => !have.has(c))
  if (missing.length > 0) {
    throw new Error(
      `table "${table}": the source has columns that are not fields of its collection (${missing.join(', ')})`,
    )
  }
  return columns
}

/** Copies every row of `table` in row id order, `batch` rows at a time; returns the source's digest. */
async function copyTable(
  from: Db,
  to: Db,
  table: string,
  batch: number,
): Promise<{ rows: number; checksum: string }> {
  const columns = await sourceColumns(from, to, table)
  const q = to.dialect.quoteIdent
  const perInsert = Math.max(1, Math.floor(MAX_PARAMS / columns.length))
  const head = `INSERT INTO ${q(table)} (${columns.map(q).join(', ')}) VALUES `
  const tuple = `(${columns.map(() => '?').join(', ')})`
  // NOTE: PocketBase writes some JSON (`_params.value`) as a BLOB; every PostgreSQL column here
  // is text, so bytes are written as their UTF-8 text there (invalid UTF-8 fails the copy).
  const toText = to.dialect.name === 'postgres'
  return scanTable(from, table, columns, batch, async (rows) => {
    for (let i = 0; i < rows.length; i += perInsert) {
      const chunk = toText
        ? rows.slice(i, i + perInsert).map(bytesAsText)
        : rows.slice(i, i + perInsert)
      await to.run(head + chunk.map(() => tuple).join(', '), chunk.flat())
    }
  })
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** A row with its byte values decoded as UTF-8 text; throws TypeError on invalid UTF-8. */
function bytesAsText(row: SqlValue[]): SqlValue[] {
  return row.map((v) => (v instanceof Uint8Array ? utf8.decode(v) : v))
}

/**
 * The row count and checksum of `table` over `columns`, read in row id order: SHA-256 over one
 * canonical JSON line per row (see {@link canonicalValue}), the first 16 hex digits. Computed
 * the same way on either engine, so a copy verifies when both sides agree.
 */
export function tableDigest(
  db: Db,
  table: string,
  columns: readonly string[],
  batch: number,
): Promise<{ rows: number; checksum: string }> {
  return scanTable(db, table, columns, batch, async () => undefined)
}

/**
 * Reads `table` in row id order in batches of `batch` rows (memory stays bounded), hands each
 * batch's values (in `columns` order) to `onBatch` and returns the count and digest of
 * everything read. Where the dialect has a server-side cursor (PostgreSQL) the rows come
 * through one and `db` must be a transaction handle; elsewhere by keyset pagination on the row id.
 */
async function scanTable(
  db: Db,
  table: string,
  columns: readonly string[],
  batch: number,
  onBatch: (rows: SqlValue[][]) => Promise<void>,
): Promise<{ rows: number; checksum: string }> {
  const d = db.dialect
  const q = d.quoteIdent
  const rowid = d.rowid('t')
  const select =
    `SELECT ${rowid} AS ${q('__rowid')}, ${columns.map((c) => `${q('t')}.${q(c)}`).join(', ')} ` +
    `FROM ${q(table)} AS ${q('t')}`
  const cursor = d.cursor('satchel_copy', `${select} ORDER BY ${rowid}`, batch)
  const keyset = `${select} WHERE ${rowid} > ? ORDER BY ${rowid} LIMIT ${batch}`
  const hash = createHash('sha256')
  let after: number | bigint = -1
  let count = 0
  if (cursor !== undefined) await db.run(cursor.open)
  for (;;) {
    const rows = cursor === undefined ? await db.all(keyset, [after]) : await db.all(cursor.fetch)
    if (rows.length === 0) break
    const values = rows.map((r) => columns.map((c) => r[c] as SqlValue))
    for (const v of values) hash.update(`${JSON.stringify(v.map(canonicalValue))}\n`)
    await onBatch(values)
    count += rows.length
    after = rows[rows.length - 1]!.__rowid as number | bigint
    if (rows.length < batch) break
  }
  // NOTE: after a failure the transaction's end closes the cursor.
  if (cursor !== undefined) await db.run(cursor.close)
  return { rows: count, checksum: hash.digest('hex').slice(0, 16) }
}

/**
 * A cell in the form both engines agree on: numbers (SQLite integers and reals, PostgreSQL
 * doubles, bigints, and booleans, which both drivers give as 1/0) as JavaScript's shortest
 * decimal text, text as is (JSON and dates are text on both), bytes as their UTF-8 text (else
 * `x'hex'`), NULL as null. A number and its decimal text compare equal on purpose (SQLite's
 * NUMERIC-affinity `JSON` columns store the JSON text `5` as the integer 5, PostgreSQL keeps the
 * text), and so do bytes and their text (PocketBase writes `_params.value` as a BLOB).
 */
export function canonicalValue(v: unknown): string | null {
  if (v === null || v === undefined) return null
  if (typeof v === 'number' || typeof v === 'bigint') return String(Number(v))
  if (typeof v === 'boolean') return v ? '1' : '0'
  if (v instanceof Uint8Array) {
    try {
      return utf8.decode(v)
    } catch {
      return `x'${Buffer.from(v).toString('hex')}'`
    }
  }
  return String(v)
}
