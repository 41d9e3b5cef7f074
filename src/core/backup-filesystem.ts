import type { FileSystem } from '../tools/filesystem/filesystem.ts'
import { LocalFileSystem } from '../tools/filesystem/local.ts'
import { S3FileSystem } from '../tools/filesystem/s3.ts'
import type { App } from './app.ts'

/**
 * A new backups file system (PocketBase `app.NewBackupsFilesystem()`): the bucket of
 * `settings.backups.s3` when enabled, else `pb_data/backups`. Keys are backup file names. The
 * caller closes it.
 */
export function backupsFileSystem(app: App): FileSystem {
  const s3 = app.settings().backups.s3
  return s3.enabled ? new S3FileSystem(s3) : new LocalFileSystem(app.dataDir.backups)
}

/** One backup file (`GET /api/backups` item). */
export interface BackupFileInfo {
  readonly key: string
  /** Bytes. */
  readonly size: number
  readonly modified: Date
}

/** Every backup file, sorted by key (PocketBase lists them in key order). */
export async function listBackups(app: App, prefix = ''): Promise<BackupFileInfo[]> {
  const fs = backupsFileSystem(app)
  try {
    const keys = (await fs.list('')).filter((k) => !k.includes('/') && k.startsWith(prefix))
    const out: BackupFileInfo[] = []
    for (const key of keys) {
      const attrs = await fs.attributes(key).catch(() => undefined)
      if (attrs !== undefined) out.push({ key, size: attrs.size, modified: attrs.modTime })
    }
    return out
  } finally {
    await fs.close()
  }
}
