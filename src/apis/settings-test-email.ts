import type { Context } from 'hono'
import { reportError } from '../core/app-report.ts'
import { isEmailFormat } from '../core/field-email.ts'
import { Record } from '../core/record-model.ts'
import {
  sendRecordAuthAlert,
  sendRecordChangeEmail,
  sendRecordOTP,
  sendRecordPasswordReset,
  sendRecordVerification,
} from '../mails/record-mails.ts'
import { badRequestError } from '../tools/router/api-error.ts'
import { formatDate } from '../tools/types/datetime.ts'
import {
  required,
  type ValidationErrorMap,
  validationError,
} from '../tools/validation/validation-errors.ts'
import { type Env, requireSuperuserAuth } from './middlewares.ts'
import { readBodyData } from './request-body.ts'

/** The `template` values of `POST /api/settings/test/email`. */
export const TEST_EMAIL_TEMPLATES = [
  'verification',
  'password-reset',
  'email-change',
  'otp',
  'login-alert',
] as const

/**
 * `POST /api/settings/test/email` (superusers; PocketBase §3.8): sends one system email of
 * `collection` (default `_superusers`) to `email` through the configured mailer, for a stand-in
 * record with id `__pb_test_id__`. 204, or 400 `Failed to send the test email.` with field
 * errors (`email`, `template`, `collection`), or `… Raw error: \n<mailer error>` when delivery
 * fails (also logged; without SMTP and without a `sendmail` binary that is
 * `failed to locate a sendmail executable path`).
 */
export async function settingsTestEmail(c: Context<Env>): Promise<Response> {
  requireSuperuserAuth(c)
  const app = c.get('app')
  const body = await readBodyData(c)
  const str = (v: unknown) => (typeof v === 'string' ? v : '')
  const email = str(body.email)
  const template = str(body.template)
  const collectionName = str(body.collection) || '_superusers'
  const errors: ValidationErrorMap = {}
  if (email === '') errors.email = required()
  else if (!isEmailFormat(email))
    errors.email = validationError('validation_is_email', 'Must be a valid email address.')
  if (template === '') errors.template = required()
  else if (!(TEST_EMAIL_TEMPLATES as readonly string[]).includes(template))
    errors.template = validationError('validation_in_invalid', 'Must be a valid value.')
  const collection = app.findCollection(collectionName)
  if (collection === undefined || !collection.isAuth) {
    errors.collection = validationError(
      'validation_invalid_auth_collection',
      'Must be a valid auth collection id or name.',
    )
  }
  if (Object.keys(errors).length > 0 || collection === undefined) {
    throw badRequestError('Failed to send the test email.', errors)
  }
  const record = new Record(collection)
  record.id = '__pb_test_id__'
  record.set('email', email)
  try {
    switch (template) {
      case 'verification':
        await sendRecordVerification(app, record)
        break
      case 'password-reset':
        await sendRecordPasswordReset(app, record)
        break
      case 'email-change':
        await sendRecordChangeEmail(app, record, email)
        break
      case 'otp':
        await sendRecordOTP(app, record, '__pb_test_id__', '123456')
        break
      default:
        await sendRecordAuthAlert(
          app,
          record,
          `${formatDate(new Date())} - TEST_IP TEST_USER_AGENT`,
        )
    }
  } catch (err) {
    await reportError(app, 'Failed to send the test email', err, { template })
    // NOTE: PocketBase puts the mailer's error text into the message (data stays empty)
    const raw = err instanceof Error ? err.message : String(err)
    throw badRequestError(`Failed to send the test email. Raw error: \n${raw}`, undefined, {
      cause: err,
    })
  }
  return c.body(null, 204)
}
