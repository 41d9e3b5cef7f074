import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { App } from '../core/app.ts'
import {
  applyMigrations,
  type MigrationFunctions,
  type MigrationSource,
  pendingMigrations,
} from '../core/migrations-runner.ts'
import { resolveSatchelToThisInstance } from './hooks-loader.ts'
import { isPocketBaseScript, loadJsMigration } from './jsvm/jsvm.ts'

/** The up function of a TypeScript migration: gets an app bound to the migration transaction. */
export type MigrationUp = (app: App) => Promise<void> | void

/**
 * Declares a TypeScript migration (`pb_migrations/*.ts`, an ES module whose default export is
 * this function's result). `up` runs once when the migration is applied (`serve` or `migrate
 * up`), `down` when it is reverted (`migrate down`); both get an app bound to the migration
 * transaction, so a throw rolls back everything the pending migrations did.
 *
 * @example
 * // pb_migrations/1735000000_create_posts.ts
 * import { migrate, importCollections, deleteCollection } from 'satchel'
 *
 * export default migrate(
 *   async (app) => {
 *     await importCollections(app, [{ name: 'posts', fields: [{ name: 'title', type: 'text' }] }], false)
 *   },
 *   async (app) => {
 *     await deleteCollection(app, app.findCollectionByNameOrId('posts'))
 *   },
 * )
 */
export function migrate(up: MigrationUp, down?: MigrationUp): MigrationFunctions {
  return down === undefined ? { up } : { up, down }
}

/**
 * The migration files of a folder, by file name (PocketBase's order): `*.js` (PocketBase's JS
 * migrations) and `*.ts` (Satchel's ES-module migrations), not in subfolders, without `*.d.ts`.
 * A missing folder has none.
 */
export function listMigrationFiles(dir: string): string[] {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw err
  }
  return names.filter((n) => /\.(js|ts)$/.test(n) && !n.endsWith('.d.ts')).sort()
}

/** Thrown when a migration file does not have the expected shape. */
export class MigrationFileError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'MigrationFileError'
  }
}

/**
 * Loads one migration file into its up/down functions: a `.ts` file with `import()` (Node's
 * type stripping; it may import npm packages and local modules; `satchel` resolves to the
 * running instance) and its default export made by {@link migrate}; a PocketBase JS migration
 * (`migrate((app) => {…}, …)` with globals, no `import`/`export`) runs on the JSVM
 * (`jsvm/jsvm.ts` `loadJsMigration`). Throws MigrationFileError for a module without that
 * export.
 */
export async function loadMigrationFile(path: string): Promise<MigrationFunctions> {
  if (path.endsWith('.js') && isPocketBaseScript(readFileSync(path, 'utf8'))) {
    return loadJsMigration(path)
  }
  resolveSatchelToThisInstance()
  const mod = (await import(pathToFileURL(path).href)) as { default?: unknown }
  const fns = mod.default as Partial<MigrationFunctions> | undefined
  if (
    typeof fns !== 'object' ||
    fns === null ||
    typeof fns.up !== 'function' ||
    (fns.down !== undefined && typeof fns.down !== 'function')
  ) {
    throw new MigrationFileError(
      "the file has no default export made by migrate(up, down) (import { migrate } from 'satchel')",
    )
  }
  return fns as MigrationFunctions
}

/** The migrations of `dir` as sources for the runner (loaded when applied or reverted). */
export function migrationSources(dir: string): MigrationSource[] {
  return listMigrationFiles(dir).map((file) => ({
    file,
    load: () => loadMigrationFile(join(dir, file)),
  }))
}

/** True when `app.config.migrationsDir` holds files not applied to the app's data dir yet. */
export async function hasPendingMigrations(app: App): Promise<boolean> {
  const dir = app.config.migrationsDir
  if (dir === undefined) return false
  return (await pendingMigrations(app, migrationSources(dir))).length > 0
}

/**
 * Applies the pending app migrations of `app.config.migrationsDir` (what `serve` does at start,
 * after the system migrations ran in `bootstrap()`, PocketBase's `RunAllMigrations`). Runs once
 * per data dir: with `serve --workers` the primary process calls it before any worker starts.
 * On failure the app is closed and the MigrationError (`failed to apply migration FILE: …`) is
 * rethrown, so the server refuses to start. Returns the applied file names.
 */
export async function runAppMigrations(app: App): Promise<string[]> {
  const dir = app.config.migrationsDir
  if (dir === undefined) return []
  try {
    const applied = await applyMigrations(app, migrationSources(dir))
    if (applied.length > 0) await app.reloadCaches()
    return applied
  } catch (err) {
    await app.close()
    throw err
  }
}
