import type { FileSystem } from '../tools/filesystem/filesystem.ts'
import { LocalFileSystem } from '../tools/filesystem/local.ts'
import { S3FileSystem } from '../tools/filesystem/s3.ts'
import type { App } from './app.ts'

const cache = new Map<string, FileSystem>()

/**
 * The app's file storage (PocketBase `app.NewFilesystem()`): the S3 bucket of `settings.s3`
 * when enabled, else `pb_data/storage`. Instances are shared per configuration, so changing the
 * settings switches the backend on the next call.
 */
export function appFileSystem(app: App): FileSystem {
  const s3 = app.settings().s3
  const key = s3.enabled ? `s3:${JSON.stringify(s3)}` : `local:${app.dataDir.storage}`
  let fs = cache.get(key)
  if (fs === undefined) {
    fs = s3.enabled ? new S3FileSystem(s3) : new LocalFileSystem(app.dataDir.storage)
    if (cache.size > 16) {
      for (const old of cache.values()) void old.close()
      cache.clear()
    }
    cache.set(key, fs)
  }
  return fs
}

/** The storage folder of a record: `<collectionId>/<recordId>`. */
export function recordFilesPath(collectionId: string, recordId: string): string {
  return `${collectionId}/${recordId}`
}
