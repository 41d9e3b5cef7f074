import type { Dialect } from '../tools/db/db.ts'
import { goErrorsText } from '../tools/validation/go-text.ts'
import { ValidationErrors } from '../tools/validation/validation-errors.ts'
import type { App } from './app.ts'

/**
 * A system migration, recorded in `_migrations` under `file`. Satchel records PocketBase's own
 * system migration names so that either server sees the other's data dir as up to date (§14.3).
 */
export interface Migration {
  readonly file: string
  up(app: App): Promise<void>
}

/**
 * The up and down functions of an app migration (a `pb_migrations` file). Both receive an app
 * bound to the migration transaction; `down` is optional (reverting then only drops the
 * `_migrations` row, as PocketBase does for a migration without one).
 */
export interface MigrationFunctions {
  up(app: App): Promise<void> | void
  down?(app: App): Promise<void> | void
}

/**
 * An app migration known by its file name (what `_migrations.file` records), whose functions
 * are loaded only when it is applied or reverted.
 */
export interface MigrationSource {
  readonly file: string
  /** Loads the file's functions; throws when the file cannot be evaluated. */
  load(): Promise<MigrationFunctions>
}

const systemMigrations: Migration[] = []

/** Adds a system migration (called by `src/migrations/*` at import). */
export function registerSystemMigration(migration: Migration): void {
  if (!systemMigrations.some((m) => m.file === migration.file)) systemMigrations.push(migration)
}

/** The file names of every registered system migration, sorted. */
export function systemMigrationFiles(): string[] {
  return systemMigrations.map((m) => m.file).sort()
}

const byFile = (a: { file: string }, b: { file: string }) =>
  a.file < b.file ? -1 : a.file > b.file ? 1 : 0

/** The CREATE TABLE statement of `_migrations` (PocketBase's columns). */
export function migrationsTableSql(dialect: Dialect, ifNotExists: boolean): string {
  return dialect.createTable(
    '_migrations',
    ['file VARCHAR(255) PRIMARY KEY NOT NULL', 'applied INTEGER NOT NULL'],
    { ifNotExists },
  )
}

/** Creates `_migrations` when missing. */
async function ensureMigrationsTable(app: App): Promise<void> {
  await app.db.exec(migrationsTableSql(app.db.dialect, true))
}

async function appliedFiles(app: App): Promise<Set<string>> {
  const table = app.db.dialect.quoteIdent('_migrations')
  const rows = await app.db.all<{ file: string }>(`SELECT file FROM ${table}`)
  return new Set(rows.map((r) => r.file))
}

/**
 * Records `file` as applied now in `_migrations`, `applied` in Unix microseconds like
 * PocketBase. Throws the constraint error when the file is already recorded.
 */
export async function recordAppliedMigration(app: App, file: string): Promise<void> {
  const table = app.db.dialect.quoteIdent('_migrations')
  const micros = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000))
  await app.db.run(`INSERT INTO ${table} (file, applied) VALUES (?, ?)`, [file, micros])
}

/**
 * Applies pending system migrations in file-name order, each in its own transaction, recording
 * `applied` in Unix microseconds like PocketBase. Throws when none are registered (the launcher
 * must import `src/migrations/index.ts`).
 */
export async function runSystemMigrations(app: App): Promise<void> {
  if (systemMigrations.length === 0) {
    throw new Error('No system migrations registered: import src/migrations/index.ts first.')
  }
  await ensureMigrationsTable(app)
  const applied = await appliedFiles(app)
  if (app.config.databaseUrl !== undefined) refuseNewerSchema(applied)
  const pending = [...systemMigrations].sort(byFile).filter((m) => !applied.has(m.file))
  for (const m of pending) {
    await app.runInTransaction(async (txApp) => {
      await m.up(txApp)
      await recordAppliedMigration(txApp, m.file)
    })
  }
}

/** The Unix-seconds prefix of a migration file name (`1640988000_init.go` → 1640988000). */
const stampOf = (file: string) => Number(/^(\d+)_/.exec(file)?.[1] ?? 0)

/**
 * Throws when `applied` holds a system migration (PocketBase's `.go` names; app migrations are
 * `.js`) newer than every one this build knows: a newer Satchel upgraded the shared PostgreSQL
 * database, and this node's code would misread its schema. Caught up the other way round: a
 * node newer than the database applies the missing system migrations at bootstrap.
 */
function refuseNewerSchema(applied: ReadonlySet<string>): void {
  const known = new Set(systemMigrations.map((m) => m.file))
  const latest = Math.max(...systemMigrations.map((m) => stampOf(m.file)))
  const newer = [...applied]
    .filter((f) => f.endsWith('.go') && !known.has(f) && stampOf(f) > latest)
    .sort()
  if (newer.length === 0) return
  throw new Error(
    `The database schema is newer than this Satchel: system migration ${newer.at(-1)} was applied ` +
      `by a newer version (this one knows system migrations up to ${systemMigrationFiles().at(-1)}). ` +
      'Upgrade this node to the version the other nodes run.',
  )
}

/**
 * A migration that could not be loaded, applied or reverted. The message is PocketBase's:
 * `failed to apply migration FILE: CAUSE` (`failed to run migration` when the file itself cannot
 * be evaluated, `failed to revert migration` for `down`).
 */
export class MigrationError extends Error {
  /** The migration's file name. */
  readonly file: string
  constructor(verb: 'run' | 'apply' | 'revert', file: string, cause: unknown) {
    super(`failed to ${verb} migration ${file}: ${describeError(cause)}`, { cause })
    this.name = 'MigrationError'
    this.file = file
  }
}

/**
 * An error as PocketBase prints it: validation errors in go-ozzo's text form, others as its JS
 * runtime does: `Name: message`, plus ` at PATH:LINE:COL` of the first stack frame outside
 * Satchel's own sources (the migration file, or a module it imports).
 */
function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err)
  if (err instanceof MigrationError) return err.message
  // PocketBase prints a validation failure as go-ozzo's text: `name: must be in a valid format.`
  if (err instanceof ValidationErrors) return goErrorsText(err.errors)
  const head = `${err.name}: ${err.message}`
  for (const m of (err.stack ?? '').matchAll(
    /\((?:file:\/\/)?(\/[^\s()]+:\d+:\d+)\)|at (?:file:\/\/)?(\/[^\s()]+:\d+:\d+)$/gm,
  )) {
    const where = m[1] ?? m[2]!
    if (!where.startsWith(SATCHEL_SRC) && !where.includes('/node_modules/'))
      return `${head} at ${where}`
  }
  return head
}

/** The folder of Satchel's own sources (`src/` or `dist/`), left out of error locations. */
const SATCHEL_SRC = new URL('..', import.meta.url).pathname

/** The files of `sources` not yet recorded in `_migrations`, by name. */
export async function pendingMigrations(
  app: App,
  sources: readonly MigrationSource[],
): Promise<string[]> {
  await ensureMigrationsTable(app)
  const applied = await appliedFiles(app)
  return sources
    .map((s) => s.file)
    .filter((f) => !applied.has(f))
    .sort()
}

/**
 * Applies the app migrations of `sources` not yet recorded in `_migrations`, in file-name order,
 * all in one transaction (PocketBase's `MigrationsRunner.Up`): each file is recorded under its
 * name with `applied` in Unix microseconds. The pending files are loaded first; if one cannot be
 * loaded or one's `up` throws, nothing is applied and a MigrationError naming the file is thrown.
 * Returns the applied file names.
 */
export async function applyMigrations(
  app: App,
  sources: readonly MigrationSource[],
): Promise<string[]> {
  await ensureMigrationsTable(app)
  const applied = await appliedFiles(app)
  const pending = [...sources].sort(byFile).filter((s) => !applied.has(s.file))
  const loaded: { file: string; fns: MigrationFunctions }[] = []
  for (const s of pending) {
    try {
      loaded.push({ file: s.file, fns: await s.load() })
    } catch (err) {
      throw new MigrationError('run', s.file, err)
    }
  }
  if (loaded.length === 0) return []
  await app.runInTransaction(async (tx) => {
    for (const { file, fns } of loaded) {
      try {
        await fns.up(tx)
      } catch (err) {
        throw new MigrationError('apply', file, err)
      }
      await recordAppliedMigration(tx, file)
    }
  })
  return loaded.map((m) => m.file)
}

/**
 * The last `count` applied migrations among `files`, newest first (PocketBase orders
 * `_migrations` by `applied DESC, file DESC`). Rows of other files (system migrations, deleted
 * files) are passed over.
 */
export async function lastAppliedMigrations(
  app: App,
  files: readonly string[],
  count: number,
): Promise<string[]> {
  if (count <= 0) return []
  await ensureMigrationsTable(app)
  const q = app.db.dialect.quoteIdent
  const known = new Set(files)
  const rows = await app.db.all<{ file: string }>(
    `SELECT file FROM ${q('_migrations')} ORDER BY applied DESC, file DESC`,
  )
  return rows
    .map((r) => r.file)
    .filter((f) => known.has(f))
    .slice(0, count)
}

/**
 * Reverts the last `count` applied migrations of `sources` (see {@link lastAppliedMigrations}),
 * newest first, in one transaction (PocketBase's `MigrationsRunner.Down`): each one's `down`
 * runs and its `_migrations` row is deleted. A `down` that throws rolls everything back
 * (MigrationError `failed to revert migration FILE: …`). Returns the reverted file names.
 */
export async function revertMigrations(
  app: App,
  sources: readonly MigrationSource[],
  count: number,
): Promise<string[]> {
  const files = await lastAppliedMigrations(
    app,
    sources.map((s) => s.file),
    count,
  )
  const byName = new Map(sources.map((s) => [s.file, s]))
  const loaded: { file: string; fns: MigrationFunctions }[] = []
  for (const file of files) {
    try {
      loaded.push({ file, fns: await byName.get(file)!.load() })
    } catch (err) {
      throw new MigrationError('run', file, err)
    }
  }
  if (loaded.length === 0) return []
  const q = app.db.dialect.quoteIdent
  await app.runInTransaction(async (tx) => {
    for (const { file, fns } of loaded) {
      try {
        await fns.down?.(tx)
      } catch (err) {
        throw new MigrationError('revert', file, err)
      }
      await tx.db.run(`DELETE FROM ${q('_migrations')} WHERE file = ?`, [file])
    }
  })
  return files
}

/**
 * Deletes the `_migrations` rows whose file is neither a system migration nor one of `files`
 * (PocketBase's `migrate history-sync`, after migration files were removed). Returns how many.
 */
export async function removeMissingAppliedMigrations(
  app: App,
  files: readonly string[],
): Promise<number> {
  await ensureMigrationsTable(app)
  const keep = [...new Set([...systemMigrationFiles(), ...files])]
  const q = app.db.dialect.quoteIdent
  const res = await app.db.run(
    `DELETE FROM ${q('_migrations')} WHERE file NOT IN (${keep.map(() => '?').join(', ')})`,
    keep,
  )
  return res.changes
}
