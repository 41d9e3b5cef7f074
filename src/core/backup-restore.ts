import { createWriteStream, existsSync } from 'node:fs'
import { mkdir, readdir, rename, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { ExtractLimits } from '../tools/archive/extract.ts'
import type { Db } from '../tools/db/db.ts'
import { openSqlite } from '../tools/db/sqlite.ts'
import { checkSqliteFile } from '../tools/db/sqlite-file.ts'
import { decrypt } from '../tools/security/encrypt.ts'
import { randomString } from '../tools/security/random.ts'
import type { App } from './app.ts'
import { backupsFileSystem } from './backup-filesystem.ts'
import { BackupOperation, logBackup, POSTGRES_BACKUP_MESSAGE } from './backup-state.ts'
import type { DataDir } from './data-dir.ts'
import { BackupEvent } from './events.ts'
import { systemMigrationFiles } from './migrations-runner.ts'

/** A verified, extracted backup waiting to replace the content of `pb_data`. */
export interface PendingRestore {
  /** The backup file name. */
  readonly name: string
  /** The extracted archive (inside `pb_data/.pb_temp_to_delete`, so renames stay on one disk). */
  readonly extractedDir: string
  /** Root entries of `pb_data` left in place (`backups/`, temp dirs…). */
  readonly exclude: readonly string[]
}

/**
 * RestoreError says why a backup cannot be restored: a hostile or corrupt archive, a missing or
 * damaged `data.db`, or data from a newer PocketBase. `pb_data` is untouched when it is thrown.
 */
export class RestoreError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'RestoreError'
  }
}

/** Options of {@link restoreBackup}. */
export interface RestoreOptions {
  /** Archive limits (total size, entries, compression ratio). */
  readonly limits?: ExtractLimits
  /** Wait before the swap, so the response of the request that asked for it goes out (ms). */
  readonly delayMs?: number
}

/**
 * Restores the backup `name` (PocketBase `app.RestoreBackup`, §13.2) in two phases. First,
 * inside `onBackupRestore` (the last link) and before this resolves: download (S3) and extract
 * the archive beside `pb_data`, refusing hostile archives, then verify it (`data.db` present,
 * opens, passes `integrity_check`, has PocketBase ≥ 0.23 tables and no system migration newer
 * than this app knows). Any problem throws RestoreError (or BackupBusyError when another
 * backup/restore runs) and leaves `pb_data` as it was. Second, after `delayMs`, in the
 * background: the app restarts through `app.restarter`, which swaps the content by renames
 * (`swapDataDir`). The returned `restarted` settles when that is done (it never rejects; a
 * failed restart is logged and the old content restored).
 */
export async function restoreBackup(
  app: App,
  name: string,
  options: RestoreOptions = {},
): Promise<{ restarted: Promise<void> }> {
  if (app.config.databaseUrl !== undefined) throw new RestoreError(POSTGRES_BACKUP_MESSAGE)
  const op = BackupOperation.begin(app, 'restore', name)
  let pending: PendingRestore | undefined
  const event = new BackupEvent(app, name, app.dataDir.backupExclude)
  try {
    await app.onBackupRestore.trigger(event, async (e) => {
      pending = await prepareRestore(e, op, options.limits ?? {})
    })
  } catch (err) {
    op.end()
    if (pending !== undefined) await rm(pending.extractedDir, { recursive: true, force: true })
    logBackup(app, 'Restore failed', { name, error: String(err) }, 'error')
    throw err
  }
  const ready = pending
  if (ready === undefined) {
    op.end()
    return { restarted: Promise.resolve() }
  }
  const restarted = (async () => {
    await new Promise((r) => setTimeout(r, options.delayMs ?? 0))
    try {
      await (app.restarter ?? ((p: PendingRestore) => restartInPlace(app, p)))(ready)
      logBackup(app, 'Backup restored', { name })
    } catch (err) {
      logBackup(app, 'Restore failed', { name, error: String(err) }, 'error')
    } finally {
      op.end()
      await rm(ready.extractedDir, { recursive: true, force: true }).catch(() => undefined)
    }
  })()
  return { restarted }
}

async function prepareRestore(
  e: BackupEvent,
  op: BackupOperation,
  limits: ExtractLimits,
): Promise<PendingRestore> {
  const dir = e.app.dataDir
  await mkdir(dir.temp, { recursive: true })
  const extractedDir = join(dir.temp, `pb_restore_${randomString(8)}`)
  await mkdir(extractedDir)
  const fs = backupsFileSystem(e.app)
  let downloaded: string | undefined
  try {
    if (!(await fs.exists(e.name))) throw new RestoreError(`Missing backup file "${e.name}".`)
    logBackup(e.app, 'Restore started', { name: e.name })
    // NOTE: the key passed the driver's checks in exists() (no `..` segments)
    let zipPath = join(dir.backups, ...e.name.split('/'))
    if (e.app.settings().backups.s3.enabled) {
      downloaded = join(dir.temp, `pb_restore_zip_${randomString(8)}`)
      const obj = await fs.get(e.name)
      await pipeline(obj.body, createWriteStream(downloaded))
      zipPath = downloaded
    }
    op.progress(5)
    // the zip reader (yauzl) loads with the first restore
    const { ArchiveError, extractArchive } = await import('../tools/archive/extract.ts')
    try {
      await extractArchive(zipPath, extractedDir, limits, (done, total) =>
        op.progress(5 + (80 * done) / Math.max(1, total)),
      )
    } catch (err) {
      if (err instanceof ArchiveError) throw new RestoreError(err.message, { cause: err })
      throw err
    }
    await verifyExtracted(e.app, extractedDir)
    op.progress(95)
    return { name: e.name, extractedDir, exclude: [...e.exclude] }
  } catch (err) {
    await rm(extractedDir, { recursive: true, force: true })
    throw err
  } finally {
    await fs.close()
    if (downloaded !== undefined) await rm(downloaded, { force: true })
  }
}

/** Checks the databases of an extracted backup; throws RestoreError. */
async function verifyExtracted(app: App, extractedDir: string): Promise<void> {
  const dataDb = join(extractedDir, 'data.db')
  if (!existsSync(dataDb)) throw new RestoreError('The backup has no data.db file.')
  for (const file of ['data.db', 'auxiliary.db']) {
    const path = join(extractedDir, file)
    if (!existsSync(path)) continue
    try {
      checkSqliteFile(path)
    } catch (err) {
      throw new RestoreError(`${file}: ${(err as Error).message}`, { cause: err })
    }
  }
  const db = openSqlite(dataDb, { readonly: true })
  try {
    let files: string[]
    try {
      const q = db.dialect.quoteIdent
      await db.get(`SELECT ${q('fields')} FROM ${q('_collections')} LIMIT 1`)
      files = (await db.all<{ file: string }>(`SELECT ${q('file')} FROM ${q('_migrations')}`)).map(
        (r) => r.file,
      )
    } catch (err) {
      throw new RestoreError(
        'data.db is not a PocketBase 0.23+ database (missing _collections.fields or _migrations).',
        { cause: err },
      )
    }
    const known = systemMigrationFiles()
    const newest = known.reduce((max, f) => Math.max(max, migrationTime(f)), 0)
    const newer = files.filter(
      (f) => f.endsWith('.go') && !known.includes(f) && migrationTime(f) > newest,
    )
    if (newer.length > 0) {
      throw new RestoreError(
        `The backup comes from a newer PocketBase version than this server supports (unknown system migration ${newer.sort()[0]}).`,
      )
    }
    await verifySettings(app, db)
  } finally {
    await db.close()
  }
}

/**
 * Checks that this server can read the backup's settings: plain JSON, or encrypted (PocketBase's
 * `--encryptionEnv`) with the key this server was started with.
 */
async function verifySettings(app: App, db: Db): Promise<void> {
  const q = db.dialect.quoteIdent
  const row = await db
    .get<{ value: unknown }>(
      `SELECT ${q('value')} FROM ${q('_params')} WHERE ${q('id')} = 'settings'`,
    )
    .catch(() => undefined)
  if (row === undefined || row.value === null) return
  const raw = Buffer.isBuffer(row.value) ? row.value.toString('utf8') : String(row.value)
  try {
    JSON.parse(raw)
    return
  } catch {
    // encrypted (or broken): needs this server's key
  }
  const key = app.config.encryptionKey
  if (key === undefined) {
    throw new RestoreError(
      'The settings in the backup are encrypted: restart the server with the --encryptionEnv key they were saved with.',
    )
  }
  try {
    JSON.parse(decrypt(raw, key))
  } catch (err) {
    throw new RestoreError(
      "The settings in the backup cannot be read with this server's --encryptionEnv key.",
      { cause: err },
    )
  }
}

/** The Unix time prefix of a migration file name (0 when it has none). */
function migrationTime(file: string): number {
  const m = /^(\d+)_/.exec(file)
  return m === null ? 0 : Number(m[1])
}

/** The outcome of {@link swapDataDir}. */
export interface DataDirSwap {
  /** Puts the previous content back (the restored one returns to the extracted dir). */
  revert(): Promise<void>
  /** Deletes the previous content, once the restored data has started. */
  discard(): Promise<void>
}

/**
 * Replaces the content of `pb_data` with the extracted backup by renames (PocketBase
 * `osutils.MoveDirContent` twice): the current entries (but the excluded ones) move into
 * `.satchel/old_pb_data_*` (outside the temp dir, which the next bootstrap wipes before it knows
 * whether the restored data starts), then the extracted ones move in. Nothing may have the
 * databases open. On failure every rename is undone and the error rethrown.
 */
export async function swapDataDir(dataDir: DataDir, pending: PendingRestore): Promise<DataDirSwap> {
  const root = dataDir.root
  const oldDir = join(dataDir.satchel, `old_pb_data_${randomString(8)}`)
  await mkdir(oldDir, { recursive: true })
  const moved: [string, string][] = []
  const undo = async () => {
    for (const [from, to] of moved.reverse()) {
      // NOTE: a failed bootstrap may have wiped the temp dir holding the extracted backup.
      await mkdir(dirname(from), { recursive: true })
      await rename(to, from)
    }
    moved.length = 0
  }
  const skip = new Set(pending.exclude)
  try {
    for (const entry of await readdir(root)) {
      if (skip.has(entry)) continue
      const from = join(root, entry)
      await rename(from, join(oldDir, entry))
      moved.push([from, join(oldDir, entry)])
    }
    await mkdir(pending.extractedDir, { recursive: true })
    for (const entry of await readdir(pending.extractedDir)) {
      if (skip.has(entry)) continue
      const from = join(pending.extractedDir, entry)
      await rename(from, join(root, entry))
      moved.push([from, join(root, entry)])
    }
  } catch (err) {
    await undo()
    await rm(oldDir, { recursive: true, force: true })
    throw err
  }
  return {
    revert: async () => {
      // NOTE: entries the failed start created (e.g. a new auxiliary.db) make way first.
      for (const entry of await readdir(root)) {
        if (skip.has(entry) || moved.some(([, to]) => to === join(root, entry))) continue
        await rm(join(root, entry), { recursive: true, force: true })
      }
      await undo()
      await rm(oldDir, { recursive: true, force: true })
    },
    discard: () => rm(oldDir, { recursive: true, force: true }),
  }
}

/**
 * The default restart: closes the app, swaps `pb_data` and bootstraps the same app instance
 * again; when the restored data does not start, undoes the swap and bootstraps the old data
 * (then throws).
 */
export async function restartInPlace(app: App, pending: PendingRestore): Promise<void> {
  await app.close()
  const swap = await swapDataDir(app.dataDir, pending)
  try {
    await app.bootstrap()
  } catch (err) {
    await app.db?.close().catch(() => undefined)
    await app.auxDb?.close().catch(() => undefined)
    await swap.revert()
    await app.bootstrap()
    throw err
  }
  await swap.discard()
}
