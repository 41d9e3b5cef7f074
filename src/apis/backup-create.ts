import type { Context } from 'hono'
import type { App } from '../core/app.ts'
import { createBackup } from '../core/backup-create.ts'
import { backupsFileSystem } from '../core/backup-filesystem.ts'
import { activeBackup, BackupBusyError, BackupUnsupportedError } from '../core/backup-state.ts'
import { ApiError, badRequestError } from '../tools/router/api-error.ts'
import { type ValidationError, validationError } from '../tools/validation/validation-errors.ts'
import { type Env, requireSuperuserAuth } from './middlewares.ts'
import { loadDataError, readRequestBody } from './request-body.ts'

/** PocketBase's answer while another backup or restore runs (note: no final period here). */
export const BACKUP_BUSY =
  'Try again later - another backup/restore process has already been started'

/** PocketBase's `backupNameRegex`. */
const BACKUP_NAME = /^[a-z0-9_-]+\.zip$/

/**
 * `POST /api/backups` (PocketBase `apis/backup_create.go`): body `{"name"?: string}`; the name
 * must be 1–150 characters, match `^[a-z0-9_-]+\.zip$` and be unused. Synchronous: 204 once the
 * backup is stored; 400 while another backup/restore runs.
 */
export async function backupCreate(c: Context<Env>): Promise<Response> {
  requireSuperuserAuth(c)
  const app = c.get('app')
  if (activeBackup(app) !== undefined) throw badRequestError(BACKUP_BUSY)
  let name: unknown
  try {
    name = (await readRequestBody(c)).data.name ?? ''
  } catch (err) {
    if (err instanceof ApiError && err.status !== 400) throw err
    throw loadDataError(err)
  }
  if (typeof name !== 'string') throw loadDataError()
  if (name !== '') {
    const invalid = await validateName(app, name)
    if (invalid !== undefined) {
      throw badRequestError('An error occurred while validating the submitted data.', {
        name: invalid,
      })
    }
  }
  try {
    await createBackup(app, name)
  } catch (err) {
    if (err instanceof BackupBusyError) throw badRequestError(BACKUP_BUSY)
    if (err instanceof BackupUnsupportedError) {
      throw badRequestError(`Failed to create backup. ${err.message}`, undefined, { cause: err })
    }
    throw badRequestError('Failed to create backup.', undefined, { cause: err })
  }
  return c.body(null, 204)
}

async function validateName(app: App, name: string): Promise<ValidationError | undefined> {
  if ([...name].length > 150) {
    return {
      ...validationError('validation_length_out_of_range', 'The length must be between 1 and 150.'),
      params: { max: 150, min: 1 },
    }
  }
  if (!BACKUP_NAME.test(name)) {
    return validationError('validation_match_invalid', 'Must be in a valid format.')
  }
  const fs = backupsFileSystem(app)
  try {
    if (await fs.exists(name).catch(() => true)) {
      return validationError(
        'validation_backup_name_exists',
        'The backup file name is invalid or already exists.',
      )
    }
  } finally {
    await fs.close()
  }
  return undefined
}
