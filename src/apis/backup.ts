import type { Context, Hono } from 'hono'
import { type BackupFileInfo, backupsFileSystem, listBackups } from '../core/backup-filesystem.ts'
import { RestoreError, restoreBackup } from '../core/backup-restore.ts'
import { activeBackup, BackupBusyError } from '../core/backup-state.ts'
import { findAuthRecordByToken } from '../core/record-tokens.ts'
import type { FileSystem } from '../tools/filesystem/filesystem.ts'
import { badRequestError, forbiddenError, notFoundError } from '../tools/router/api-error.ts'
import { formatDate } from '../tools/types/datetime.ts'
import { BACKUP_BUSY, backupCreate } from './backup-create.ts'
import { backupUpload } from './backup-upload.ts'
import { serveFile } from './file.ts'
import { type Env, requireSuperuserAuth } from './middlewares.ts'

/**
 * Binds the backups API (PocketBase `apis/backup.go`, §3.10): list, create, upload, download
 * (with a superuser file token), delete and restore. Superusers only, except the download,
 * which checks its `?token=`.
 */
export function bindBackupApi(api: Hono<Env>): void {
  api.get('/backups', backupsList)
  api.post('/backups', backupCreate)
  api.post('/backups/upload', backupUpload)
  api.get('/backups/:key', backupDownload)
  api.delete('/backups/:key', backupDelete)
  api.post('/backups/:key/restore', backupRestore)
}

async function backupsList(c: Context<Env>): Promise<Response> {
  requireSuperuserAuth(c)
  let items: BackupFileInfo[]
  try {
    items = await listBackups(c.get('app'))
  } catch (err) {
    throw badRequestError(
      `Failed to retrieve backup items. Raw error: \n${(err as Error).message}`,
      undefined,
      { cause: err },
    )
  }
  return c.json(items.map((b) => ({ modified: formatDate(b.modified), key: b.key, size: b.size })))
}

/** `GET /api/backups/{key}?token=`: 403 unless the token is a superuser's file token. */
async function backupDownload(c: Context<Env>): Promise<Response> {
  const app = c.get('app')
  const token = c.req.query('token') ?? ''
  const found = token === '' ? undefined : await findAuthRecordByToken(app, token, ['fileToken'])
  if (found === undefined || found.record.collection.name !== '_superusers') {
    throw forbiddenError('Insufficient permissions to access the resource.')
  }
  const key = c.req.param('key') ?? ''
  const fs = backupsFileSystem(app)
  let streaming = false
  try {
    // NOTE: keys the driver refuses (`../x`) are missing files too, as on PocketBase.
    if (!(await fs.exists(key).catch(() => false))) throw notFoundError()
    // The response streams after this returns: the file system closes when the body does.
    const closing: FileSystem = {
      put: (k, source, options) => fs.put(k, source, options),
      moveIn: (k, path, options) => fs.moveIn(k, path, options),
      get: async (k, range) => {
        const obj = await fs.get(k, range)
        streaming = true
        obj.body.once('close', () => void fs.close())
        return obj
      },
      attributes: (k) => fs.attributes(k),
      exists: (k) => fs.exists(k),
      delete: (k) => fs.delete(k),
      deletePrefix: (prefix) => fs.deletePrefix(prefix),
      list: (prefix) => fs.list(prefix),
      check: () => fs.check(),
      close: () => fs.close(),
    }
    return await serveFile(c, closing, key, key.slice(key.lastIndexOf('/') + 1))
  } finally {
    if (!streaming) await fs.close()
  }
}

async function backupDelete(c: Context<Env>): Promise<Response> {
  requireSuperuserAuth(c)
  const app = c.get('app')
  const key = c.req.param('key') ?? ''
  if (key !== '' && activeBackup(app)?.name === key) {
    throw badRequestError('The backup is currently being used and cannot be deleted.')
  }
  const fs = backupsFileSystem(app)
  try {
    if (!(await fs.exists(key).catch(() => false))) {
      throw badRequestError(
        `Invalid or already deleted backup file. Raw error: \n[key: ${key}] resource not found.`,
      )
    }
    await fs.delete(key)
  } finally {
    await fs.close()
  }
  return c.body(null, 204)
}

/**
 * `POST /api/backups/{key}/restore`: 204, then the app restarts on the restored data. Unlike
 * PocketBase (which answers first and only logs what went wrong), the archive is extracted and
 * verified before the answer, so a bad or hostile backup gets a 400 and changes nothing.
 */
async function backupRestore(c: Context<Env>): Promise<Response> {
  requireSuperuserAuth(c)
  const app = c.get('app')
  if (activeBackup(app) !== undefined) throw badRequestError(`${BACKUP_BUSY}.`)
  const key = c.req.param('key') ?? ''
  const fs = backupsFileSystem(app)
  try {
    if (!(await fs.exists(key).catch(() => false))) {
      throw badRequestError('Missing or invalid backup file.')
    }
  } finally {
    await fs.close()
  }
  try {
    await restoreBackup(app, key, { delayMs: 100 })
  } catch (err) {
    if (err instanceof BackupBusyError) throw badRequestError(`${BACKUP_BUSY}.`)
    if (err instanceof RestoreError) {
      throw badRequestError(`Failed to restore backup. ${err.message}`, undefined, { cause: err })
    }
    throw badRequestError('Failed to restore backup.', undefined, { cause: err })
  }
  return c.body(null, 204)
}
