import type { Context, Hono } from 'hono'
import { S3FileSystem } from '../tools/filesystem/s3.ts'
import { badRequestError } from '../tools/router/api-error.ts'
import { randomString } from '../tools/security/random.ts'
import { required, validationError } from '../tools/validation/validation-errors.ts'
import { type Env, requireSuperuserAuth } from './middlewares.ts'
import { readBodyData } from './request-body.ts'

const FAILED = 'Failed to test the S3 filesystem.'

/**
 * Binds `POST /api/settings/test/s3` (PocketBase §3.8, superusers only): body
 * `{"filesystem":"storage"|"backups"}`; uploads a small test file to the configured bucket and
 * deletes it again (list + delete). 204 on success; 400 `Failed to test the S3 filesystem.`
 * with field errors for a bad body, or with `Raw error: \n<cause>` when S3 is disabled or fails.
 */
export function bindSettingsTestS3Api(api: Hono<Env>): void {
  api.post('/settings/test/s3', settingsTestS3)
}

async function settingsTestS3(c: Context<Env>): Promise<Response> {
  requireSuperuserAuth(c)
  const data = await readBodyData(c)
  const target = data.filesystem
  if (target === undefined || target === null || target === '')
    throw badRequestError(FAILED, { filesystem: required() })
  if (target !== 'storage' && target !== 'backups') {
    throw badRequestError(FAILED, {
      filesystem: validationError('validation_in_invalid', 'Must be a valid value.'),
    })
  }
  const settings = c.get('app').settings()
  const config = target === 'storage' ? settings.s3 : settings.backups.s3
  const fail = (message: string, cause?: unknown) =>
    badRequestError(`${FAILED} Raw error: \n${message}`, undefined, { cause })
  if (!config.enabled) throw fail('S3 storage filesystem is not enabled.')
  const fs = new S3FileSystem(config)
  const prefix = `pb_settings_test_${randomString(5)}`
  try {
    try {
      await fs.put(`${prefix}/test.txt`, Buffer.from('test'), { contentType: 'text/plain' })
    } catch (err) {
      throw fail(`Failed to upload a test file. Raw error: \n${(err as Error).message}`, err)
    }
    try {
      await fs.deletePrefix(prefix)
    } catch (err) {
      throw fail(`Failed to delete a test file. Raw error: \n${(err as Error).message}`, err)
    }
  } finally {
    await fs.close()
  }
  return c.body(null, 204)
}
