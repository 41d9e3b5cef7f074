import type { App } from './app.ts'
import type { Collection } from './collection-model.ts'
import { FileField, fileNames, pendingUploads } from './field-file.ts'
import { appFileSystem, recordFilesPath } from './filesystem.ts'
import { Record } from './record-model.ts'

/**
 * Stores the pending uploads of `record` under `<collectionId>/<recordId>/<name>` (with their
 * sniffed content type and `original-filename` metadata) and replaces them in the record by
 * their names. Runs inside the save transaction, after validation and before the SQL write (like
 * PocketBase's file field interceptor); everything stored is deleted again if the transaction
 * rolls back. Files dropped from the record's file fields are deleted (with their thumbs) after
 * the transaction commits.
 */
export async function storeRecordFiles(app: App, record: Record): Promise<void> {
  const fields = fileFields(record.collection)
  if (fields.length === 0) return
  const fs = appFileSystem(app)
  const base = recordFilesPath(record.collection.id, record.id)
  const stored: string[] = []
  const removeStored = async () => {
    for (const key of stored) await fs.delete(key).catch(() => undefined)
  }
  app.afterRollback(removeStored)
  try {
    for (const f of fields) {
      const value = record.get(f.name)
      const uploads = pendingUploads(value)
      for (const u of uploads) {
        const key = `${base}/${u.name}`
        await fs.put(key, u.open(), {
          contentType: u.detected.mime,
          metadata: { 'original-filename': u.originalName.slice(0, 255) },
          size: u.size,
        })
        stored.push(key)
      }
      if (uploads.length > 0) record.set(f.name, fileNames(value))
    }
  } catch (err) {
    await removeStored()
    throw err
  }
  if (record.isNew) return
  const removed: string[] = []
  for (const f of fields) {
    const now = new Set(fileNames(record.get(f.name)))
    for (const name of fileNames(record.original(f.name))) if (!now.has(name)) removed.push(name)
  }
  if (removed.length > 0) await app.afterCommit(() => deleteFiles(app, base, removed))
}

/** Deletes every stored file of a deleted record (after its delete commits). */
export async function scheduleRecordFilesDelete(app: App, record: Record): Promise<void> {
  if (fileFields(record.collection).length === 0) return
  const prefix = recordFilesPath(record.collection.id, record.id)
  await app.afterCommit(() => appFileSystem(app).deletePrefix(prefix))
}

/**
 * Deletes (after commit) the files held by `removed` file fields of `collection` — for a field
 * dropped from the collection's schema. Reads the names before the column goes.
 */
export async function scheduleFieldFilesDelete(
  app: App,
  collection: Collection,
  removed: readonly FileField[],
): Promise<void> {
  if (removed.length === 0 || collection.isView) return
  const q = app.db.dialect.quoteIdent
  const pending: [string, string[]][] = []
  const rows = await app.db.all<{ [key: string]: unknown }>(
    `SELECT ${q('id')}, ${removed.map((f) => q(f.name)).join(', ')} FROM ${q(collection.name)}`,
  )
  for (const row of rows) {
    const names = removed.flatMap((f) => fileNames(f.prepareValue(row[f.name])))
    if (names.length > 0) pending.push([String(row.id), names])
  }
  if (pending.length === 0) return
  await app.afterCommit(async () => {
    for (const [id, names] of pending)
      await deleteFiles(app, recordFilesPath(collection.id, id), names)
  })
}

/** Deletes every stored file of a deleted collection (after its delete commits). */
export async function scheduleCollectionFilesDelete(
  app: App,
  collection: Collection,
): Promise<void> {
  if (collection.isView) return
  await app.afterCommit(() => appFileSystem(app).deletePrefix(collection.id))
}

async function deleteFiles(app: App, base: string, names: readonly string[]): Promise<void> {
  const fs = appFileSystem(app)
  for (const name of names) {
    await fs.delete(`${base}/${name}`).catch(() => undefined)
    await fs.deletePrefix(`${base}/thumbs_${name}`).catch(() => undefined)
  }
}

function fileFields(c: Collection): FileField[] {
  return c.fields.filter((f): f is FileField => f instanceof FileField)
}

/**
 * The record of a non-view collection whose file field holds `filename` (view collections
 * expose their source's file names; stored names carry a random suffix, so they are unique).
 */
export async function findRecordByFileName(
  app: App,
  filename: string,
): Promise<Record | undefined> {
  const d = app.db.dialect
  const q = d.quoteIdent
  for (const c of app.collections()) {
    if (c.isView) continue
    for (const f of c.fields) {
      if (!(f instanceof FileField)) continue
      const col = `${q(c.name)}.${q(f.name)}`
      const where =
        f.maxSelect > 1
          ? `EXISTS (SELECT 1 FROM ${d.jsonEach(d.jsonArray(col, true))} __je__ WHERE __je__.value = ?)`
          : `${col} = ?`
      const row = await app.db.get<{ [key: string]: unknown }>(
        `SELECT ${q(c.name)}.* FROM ${q(c.name)} WHERE ${where} LIMIT 1`,
        [filename],
      )
      if (row !== undefined) return Record.fromRow(c, row)
    }
  }
  return undefined
}
