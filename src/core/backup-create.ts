import { mkdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { snapshotSqlite } from '../tools/db/sqlite-file.ts'
import { snakeCase } from '../tools/inflector/inflector.ts'
import { randomString } from '../tools/security/random.ts'
import type { App } from './app.ts'
import { backupsFileSystem } from './backup-filesystem.ts'
import { BackupOperation, BackupUnsupportedError, logBackup } from './backup-state.ts'
import { BackupEvent } from './events.ts'

/** The prefix of the names of backups made by `settings.backups.cron`. */
export const AUTO_BACKUP_PREFIX = '@auto_pb_backup_'

/**
 * A backup name like PocketBase's: `<prefix><snake(appName)[:50]>_<YYYYMMDDhhmmss UTC>.zip`.
 */
export function generateBackupName(app: App, prefix = 'pb_backup_', now = new Date()): string {
  const appName = snakeCase(app.settings().meta.appName).slice(0, 50)
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14)
  return `${prefix}${appName}_${stamp}.zip`
}

/**
 * Creates a backup of `pb_data` (PocketBase `app.CreateBackup`, §13.2) named `name` (generated
 * when empty; an existing file of that name is replaced) and stores it in the backups file
 * system. Unlike PocketBase, writes are not blocked meanwhile: `data.db` and `auxiliary.db` are
 * copied as consistent snapshots with SQLite's online backup API, then zipped with everything
 * else but the excluded dirs (`backups/`, temp and cache dirs). Fires `onBackupCreate` (the
 * real work is the last link). Throws BackupBusyError when another backup/restore runs, and
 * BackupUnsupportedError when the data is in PostgreSQL.
 * Resolves with the stored name.
 */
export async function createBackup(app: App, name = ''): Promise<string> {
  if (app.config.databaseUrl !== undefined) throw new BackupUnsupportedError()
  const op = BackupOperation.begin(app, 'backup', name)
  try {
    const event = new BackupEvent(app, name, app.dataDir.backupExclude)
    await app.onBackupCreate.trigger(event, async (e) => {
      if (e.name === '') e.name = generateBackupName(e.app)
      op.setName(e.name)
      await writeBackup(e, op)
    })
    return event.name
  } finally {
    op.end()
  }
}

async function writeBackup(e: BackupEvent, op: BackupOperation): Promise<void> {
  const started = Date.now()
  const dir = e.app.dataDir
  const work = join(dir.temp, `pb_backup_${randomString(8)}`)
  await mkdir(work, { recursive: true })
  try {
    logBackup(e.app, 'Backup started', { name: e.name })
    // Snapshots first (0–20%), the archive next (20–95%), the upload last.
    const dbs = [
      { name: 'data.db', src: dir.dataDb },
      { name: 'auxiliary.db', src: dir.auxiliaryDb },
    ]
    // NOTE: the main files' sizes only weigh the progress (recent pages may sit in the -wal).
    const sizes = await Promise.all(
      dbs.map((d) =>
        stat(d.src).then(
          (s) => s.size,
          () => -1,
        ),
      ),
    )
    const dbTotal = Math.max(
      1,
      sizes.reduce((a, b) => a + Math.max(0, b), 0),
    )
    const extra: { name: string; path: string }[] = []
    let before = 0
    for (const [i, db] of dbs.entries()) {
      const size = sizes[i] ?? -1
      if (size < 0) continue
      const path = join(work, db.name)
      await snapshotSqlite(db.src, path, (f) =>
        op.progress((20 * (before + f * Math.max(0, size))) / dbTotal),
      )
      before += Math.max(0, size)
      extra.push({ name: db.name, path })
    }
    const zipPath = join(work, 'backup.zip')
    // NOTE: the live databases' -wal/-shm files must never travel next to their snapshots.
    const dbFiles = dbs.flatMap((d) => ['', '-wal', '-shm', '-journal'].map((s) => d.name + s))
    // the zip writer (yazl) loads with the first backup
    const { createArchive } = await import('../tools/archive/create.ts')
    await createArchive(dir.root, zipPath, {
      exclude: [...e.exclude, ...dbFiles],
      extra,
      onProgress: (done, total) => op.progress(20 + (75 * done) / Math.max(1, total)),
    })
    const size = (await stat(zipPath)).size
    const fs = backupsFileSystem(e.app)
    try {
      await fs.moveIn(e.name, zipPath, {
        contentType: 'application/zip',
        metadata: { 'original-filename': e.name },
      })
    } finally {
      await fs.close()
    }
    op.progress(100)
    logBackup(e.app, 'Backup created', { name: e.name, size, ms: Date.now() - started })
  } catch (err) {
    logBackup(e.app, 'Backup failed', { name: e.name, error: String(err) }, 'error')
    throw err
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}
