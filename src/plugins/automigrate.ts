import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { App } from '../core/app.ts'
import type { Collection } from '../core/collection-model.ts'
import type { CollectionRequestEvent } from '../core/collection-request-event.ts'
import { recordAppliedMigration } from '../core/migrations-runner.ts'
import { changeTemplate, templateLang } from './migrations-templates.ts'
import { typegen } from './typegen.ts'

/**
 * Automigrate (PocketBase's `--automigrate`, on by default): after every collection create,
 * update or delete made through the collections API (hence the dashboard), writes a migration
 * file into `app.config.migrationsDir` that replays the change — `{unix}_created_{name}`,
 * `{unix}_updated_{old name}` or `{unix}_deleted_{name}` (`.js` like PocketBase, `.ts` with
 * `--migrationsLang=ts`) — and records it in `_migrations` as applied, in one transaction, so
 * this data dir does not apply it again while a fresh one does. Collection changes made by
 * migrations, imports or hooks code write nothing, as in PocketBase. With `--dev` it also
 * rewrites `pb_types.ts` beside the data dir (`satchel typegen`'s types of every collection).
 */
export function registerAutomigrate(app: App): void {
  const handler = (e: CollectionRequestEvent) => automigrate(app, e)
  app.onCollectionCreateRequest.bind(handler, { id: '__satchelAutomigrate__' })
  app.onCollectionUpdateRequest.bind(handler, { id: '__satchelAutomigrate__' })
  app.onCollectionDeleteRequest.bind(handler, { id: '__satchelAutomigrate__' })
}

async function automigrate(app: App, e: CollectionRequestEvent): Promise<void> {
  const id = e.collection.id
  // NOTE: the cache holds the stored state until the save replaces it (the event holds a copy)
  const before = e.collection.created === '' ? undefined : e.app.findCollection(id)
  await e.next()
  const after = e.app.findCollection(e.collection.id)
  const dir = app.config.migrationsDir
  if (dir === undefined) return
  const lang = templateLang(app.config)
  const text = changeTemplate(lang, after, before)
  if (text === undefined) return
  const action =
    after === undefined
      ? `deleted_${fileSafeName(before!)}`
      : before === undefined
        ? `created_${fileSafeName(after)}`
        : `updated_${fileSafeName(before)}`
  try {
    await app.runInTransaction(async (tx) => {
      const file = await freeName(tx, dir, `${action}.${lang}`)
      await recordAppliedMigration(tx, file)
      await mkdir(dir, { recursive: true })
      await writeFile(join(dir, file), text)
    })
    if (app.config.dev) await writeFile(typesFile(app), typegen(app.collections()))
  } catch (err) {
    // NOTE: like PocketBase, the change itself stands (its response is written) when the
    // migration file cannot be
    app.logger().error('Failed to write the automigrate file', 'action', action, 'error', err)
  }
}

/**
 * `{unix}_{suffix}` for now, or for the next second free in `_migrations` and the folder: two
 * changes of one collection within a second keep both files (PocketBase's second change gets
 * the same name, fails to record and is lost). Checked inside the write transaction, so two
 * processes of `serve --workers` never pick the same name.
 */
async function freeName(app: App, dir: string, suffix: string): Promise<string> {
  const q = app.db.dialect.quoteIdent
  for (let unix = Math.floor(Date.now() / 1000); ; unix++) {
    const file = `${unix}_${suffix}`
    const row = await app.db.get(`SELECT 1 AS x FROM ${q('_migrations')} WHERE file = ?`, [file])
    if (row === undefined && !existsSync(join(dir, file))) return file
  }
}

/** Where `--dev` automigrate keeps the `satchel typegen` output: `pb_types.ts` beside the data dir. */
export function typesFile(app: App): string {
  return join(dirname(app.dataDir.root), 'pb_types.ts')
}

/** The name in the file name; `…test` gets a `_` so it never ends in `_test.js` (PocketBase). */
function fileSafeName(c: Collection): string {
  return c.name.toLowerCase().endsWith('test') ? `${c.name}_` : c.name
}
