import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
} from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import type { Command } from 'commander'
import { DataDir } from '../core/data-dir.ts'
import {
  type AppDatabases,
  CopyMismatchError,
  copyAppDatabases,
  existingTables,
  readCollections,
  type TableReport,
  tableMatches,
} from '../core/db-copy.ts'
import type { Db } from '../tools/db/db.ts'
import { openSqlite } from '../tools/db/sqlite.ts'
import { flag } from './flags.ts'

/** `--help` text after the flags. */
const HELP_AFTER = `
Copies a whole app between a pb_data folder (SQLite) and a PostgreSQL database, either way:
collections and their tables, indexes and views, records, and the system tables (_params,
_migrations, _superusers, _mfas, _otps, _externalAuths, _authOrigins; _logs with --logs).
The target must be empty; the copy is all-or-nothing (one PostgreSQL transaction, or a temp
folder renamed into place) and verified by row counts and checksums per table. Stop the
servers of the source first. Files are not moved: local storage stays in <pb_data>/storage.

Examples:
  satchel migrate-db --from=pb_data --to=postgres://user:pass@127.0.0.1:5432/app
  satchel migrate-db --from=postgres://user:pass@127.0.0.1:5432/app --to=pb_data_copy`

/** Options of the `migrate-db` command. */
interface MigrateDbFlags {
  from?: string
  to?: string
  logs?: boolean
  batchSize?: number
}

/** Where an app lives: a PostgreSQL URL or a pb_data folder. */
type Endpoint = { readonly url: string } | { readonly dir: string }

/**
 * `satchel migrate-db --from=SRC --to=DST [--logs] [--batchSize=N]` (Satchel's own): copies an
 * app between a pb_data folder and a PostgreSQL database (see `copyAppDatabases`), printing a
 * per-table report of row counts and checksums on both sides. Exits 1 with one log line when
 * the target is not empty, a database cannot be reached, a statement fails or the verification
 * finds a difference; the target is then left as it was.
 */
export function registerMigrateDbCommand(program: Command): void {
  program
    .command('migrate-db')
    .description(
      'Copies the whole app between a pb_data folder and PostgreSQL (either way), verified by counts and checksums',
    )
    .addOption(flag('from', 'string', 'the source: a pb_data folder or a postgres:// URL'))
    .addOption(
      flag('to', 'string', 'the target (must be empty): a new pb_data folder or a postgres:// URL'),
    )
    .addOption(flag('logs', 'bool', 'also copy the logs (_logs, auxiliary.db on SQLite)', false))
    .addOption(flag('batchSize', 'int', 'the rows read and written per batch', 500))
    .addHelpText('after', HELP_AFTER)
    .action(async (opts: MigrateDbFlags) => {
      if (!opts.from) throw new Error('missing --from (a pb_data folder or a postgres:// URL)')
      if (!opts.to) throw new Error('missing --to (a pb_data folder or a postgres:// URL)')
      const batchSize = opts.batchSize ?? 500
      if (!(batchSize >= 1)) throw new Error('--batchSize must be at least 1')
      await migrateDb(endpoint(opts.from), endpoint(opts.to), {
        logs: opts.logs ?? false,
        batchSize,
      })
    })
}

function endpoint(value: string): Endpoint {
  return /^postgres(ql)?:\/\//i.test(value) ? { url: value } : { dir: resolve(value) }
}

async function migrateDb(
  from: Endpoint,
  to: Endpoint,
  options: { logs: boolean; batchSize: number },
): Promise<void> {
  const out = (line: string) => process.stdout.write(`${line}\n`)
  const source = await openSource(from, options.logs)
  let reports: TableReport[]
  try {
    out(`Copying ${await describe(from)} to ${await describe(to)}…`)
    // NOTE: PostgreSQL reads through cursors, which live in a transaction
    const copy = (target: AppDatabases) =>
      'url' in from
        ? source.data.transaction((tx) => copyAppDatabases({ data: tx, aux: tx }, target, options))
        : copyAppDatabases(source, target, options)
    reports =
      'url' in to ? await copyToPostgres(source, to.url, copy) : await copyToDir(to.dir, copy)
  } catch (err) {
    if (err instanceof CopyMismatchError) printReports(out, err.reports)
    throw new Error(`migrate-db failed, the target was left as it was: ${(err as Error).message}`, {
      cause: err,
    })
  } finally {
    await closeAll(source)
  }
  printReports(out, reports)
  const rows = reports.reduce((n, r) => n + r.rows, 0)
  out(`Verified: ${reports.length} tables, ${rows} rows; counts and checksums match.`)
  out(filesNote(from, to))
}

/** What becomes of the uploaded files (they are never copied). */
function filesNote(from: Endpoint, to: Endpoint): string {
  if ('dir' in from) {
    const storage = new DataDir(from.dir).storage
    const where =
      'url' in to
        ? `serve with --dir=${from.dir}; several nodes need S3 storage`
        : `copy it to ${new DataDir(to.dir).storage}`
    return `Files were not copied: local storage stays in ${storage} (${where}).`
  }
  const dest = 'dir' in to ? new DataDir(to.dir).storage : 'the --dir of the new nodes'
  return `Files were not copied: copy the storage folder of the --dir the PostgreSQL nodes served to ${dest} (S3 storage needs nothing).`
}

async function describe(e: Endpoint): Promise<string> {
  if ('dir' in e) return e.dir
  const { redactUrl } = await import('../tools/db/postgres.ts')
  return redactUrl(e.url)
}

/** Opens the source: a pb_data folder read-only (it must hold `data.db`), or PostgreSQL. */
async function openSource(from: Endpoint, logs: boolean): Promise<AppDatabases> {
  if ('url' in from) {
    const db = await openPostgresDb(from.url)
    return { data: db, aux: db }
  }
  const dir = new DataDir(from.dir)
  if (!existsSync(dir.dataDb)) throw new Error(`no data.db in ${from.dir}: not a pb_data folder`)
  const data = openSqlite(dir.dataDb, { readonly: true })
  if (!existsSync(dir.auxiliaryDb)) {
    if (logs) {
      await data.close()
      throw new Error(`no auxiliary.db in ${from.dir}: there are no logs to copy`)
    }
    return { data, aux: data }
  }
  return { data, aux: openSqlite(dir.auxiliaryDb, { readonly: true }) }
}

async function openPostgresDb(url: string): Promise<Db> {
  const { openPostgres } = await import('../tools/db/postgres.ts')
  return openPostgres(url)
}

async function closeAll(dbs: AppDatabases): Promise<void> {
  await dbs.data.close()
  if (dbs.aux !== dbs.data) await dbs.aux.close()
}

/** Refuses a target that already holds an app's tables (or the source's collection names). */
async function refuseNonEmpty(source: AppDatabases, target: AppDatabases, shown: string) {
  const names = (await readCollections(source.data)).map((c) => c.name)
  const found = await existingTables(target, names)
  if (found.length > 0) {
    throw new Error(
      `the target ${shown} is not empty (it has ${found.slice(0, 5).join(', ')}${found.length > 5 ? ', …' : ''}): migrate-db copies into an empty database only`,
    )
  }
}

/** Copies into PostgreSQL in one transaction (rolled back on any failure). */
async function copyToPostgres(
  source: AppDatabases,
  url: string,
  copy: (target: AppDatabases) => Promise<TableReport[]>,
): Promise<TableReport[]> {
  const db = await openPostgresDb(url)
  try {
    return await db.transaction(async (tx) => {
      const target = { data: tx, aux: tx }
      await refuseNonEmpty(source, target, await describe({ url }))
      return copy(target)
    })
  } finally {
    await db.close()
  }
}

/**
 * Copies into a new pb_data folder: written in a temp folder beside it, which replaces `dir`
 * (missing or empty) only once the copy is verified and both files are closed.
 */
async function copyToDir(
  dir: string,
  copy: (target: AppDatabases) => Promise<TableReport[]>,
): Promise<TableReport[]> {
  if (existsSync(dir) && (!statSync(dir).isDirectory() || readdirSync(dir).length > 0)) {
    throw new Error(
      `the target ${dir} is not empty: migrate-db writes a new pb_data folder only (give a missing or empty folder)`,
    )
  }
  mkdirSync(dirname(dir), { recursive: true })
  const temp = mkdtempSync(join(dirname(dir), `.${basename(dir)}.migrate-db-`))
  const files = new DataDir(temp)
  const target = { data: openSqlite(files.dataDb), aux: openSqlite(files.auxiliaryDb) }
  try {
    const reports = await target.data.transaction((data) =>
      target.aux.transaction((aux) => copy({ data, aux })),
    )
    await closeAll(target)
    if (existsSync(dir)) rmdirSync(dir)
    renameSync(temp, dir)
    return reports
  } catch (err) {
    await closeAll(target).catch(() => undefined)
    rmSync(temp, { recursive: true, force: true })
    throw err
  }
}

function printReports(out: (line: string) => void, reports: readonly TableReport[]): void {
  const width = Math.max(5, ...reports.map((r) => r.table.length))
  out(`${'table'.padEnd(width)}  ${'rows'.padStart(8)}  checksum          target: rows  checksum`)
  for (const r of reports) {
    out(
      `${r.table.padEnd(width)}  ${String(r.rows).padStart(8)}  ${r.checksum}  ${String(r.targetRows).padStart(12)}  ${r.targetChecksum}${tableMatches(r) ? '' : '  MISMATCH'}`,
    )
  }
}
