import type { Context } from 'hono'
import { backupsFileSystem } from '../core/backup-filesystem.ts'
import { mimeMatches } from '../tools/filesystem/mime.ts'
import type { UploadedFile } from '../tools/filesystem/uploaded-file.ts'
import { ApiError, badRequestError } from '../tools/router/api-error.ts'
import { required, validationError } from '../tools/validation/validation-errors.ts'
import { type Env, requireSuperuserAuth } from './middlewares.ts'
import { readRequestBody } from './request-body.ts'

const VALIDATION_FAILED = 'An error occurred while validating the submitted data.'

/**
 * `POST /api/backups/upload` (PocketBase `apis/backup_upload.go`): multipart field `file`, which
 * must sniff as `application/zip`; stored under its original base name, which must be unused.
 * No body size limit (like PocketBase's `BodyLimit(0)`); the upload streams to a temp file.
 */
export async function backupUpload(c: Context<Env>): Promise<Response> {
  requireSuperuserAuth(c)
  const app = c.get('app')
  let file: UploadedFile | undefined
  try {
    file = (await readRequestBody(c)).files.get('file')?.[0]
  } catch (err) {
    if (err instanceof ApiError && err.status !== 400) throw err
    file = undefined
  }
  if (file === undefined) throw badRequestError(VALIDATION_FAILED, { file: required() })
  if (!mimeMatches(file.detected.mime, ['application/zip'])) {
    throw badRequestError(VALIDATION_FAILED, {
      file: validationError(
        'validation_invalid_mime_type',
        `"${file.name}" mime type must be one of: application/zip.`,
      ),
    })
  }
  // NOTE: like Go's multipart file names, only the last path segment counts.
  const name = file.originalName.split(/[/\\]/).pop() ?? ''
  const fs = backupsFileSystem(app)
  try {
    if (await fs.exists(name).catch(() => true)) {
      throw badRequestError(VALIDATION_FAILED, {
        file: validationError(
          'validation_backup_name_exists',
          'Backup file with the specified name already exists.',
        ),
      })
    }
    try {
      await fs.put(name, file.open(), {
        contentType: 'application/zip',
        metadata: { 'original-filename': name },
        size: file.size,
      })
    } catch (err) {
      throw badRequestError('Failed to upload backup.', undefined, { cause: err })
    }
  } finally {
    await fs.close()
  }
  return c.body(null, 204)
}
