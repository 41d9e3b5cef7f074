import type { Context, Hono } from 'hono'
import { reportError } from '../core/app-report.ts'
import { RecordEmailChangeRequestEvent } from '../core/record-auth-request-events.ts'
import { sendRecordChangeEmail } from '../mails/record-mails.ts'
import { badRequestError } from '../tools/router/api-error.ts'
import { validationError } from '../tools/validation/validation-errors.ts'
import type { Env } from './middlewares.ts'
import { collectionRateLimit } from './rate-limit.ts'
import {
  emailError,
  findAuthRecordByEmail,
  readStringForm,
  requireSameCollectionAuth,
  throwIfInvalid,
} from './record-auth-forms.ts'
import { authCollection } from './record-auth-helpers.ts'
import { buildRequestInfo } from './record-helpers.ts'

/** Binds `POST /api/collections/{collection}/request-email-change` (PocketBase §6.9). */
export function bindRecordAuthEmailChangeRequestApi(api: Hono<Env>): void {
  api.post(
    '/collections/:collection/request-email-change',
    collectionRateLimit('requestEmailChange'),
    requestEmailChange,
  )
}

/**
 * Sends an `emailChange` token to `newEmail` for the authenticated record of this collection
 * (204). `newEmail`: required, ≤ 255, email format, not the current email
 * (`validation_not_in_invalid`), not used by another record (`validation_invalid_new_email`).
 * The requester is signed in, so a delivery failure is answered (400 `Failed to request email
 * change.`, like PocketBase) and logged. `_superusers` → 400.
 */
async function requestEmailChange(c: Context<Env>): Promise<Response> {
  const collection = authCollection(c)
  const record = requireSameCollectionAuth(c, collection)
  if (collection.name === '_superusers') {
    throw badRequestError('All superusers can change their emails directly.')
  }
  const app = c.get('app')
  const form = await readStringForm(c, ['newEmail'])
  let err = emailError(form.newEmail)
  if (err === undefined && form.newEmail === record.getString('email')) {
    err = validationError('validation_not_in_invalid', 'Must not be in list.')
  }
  if (err === undefined) {
    const other = await findAuthRecordByEmail(app, collection, form.newEmail)
    if (other !== undefined && other.id !== record.id) {
      err = validationError('validation_invalid_new_email', 'Invalid new email address.')
    }
  }
  throwIfInvalid({ newEmail: err })
  const event = new RecordEmailChangeRequestEvent(
    app,
    record,
    buildRequestInfo(c, form),
    form.newEmail,
  )
  await app.onRecordRequestEmailChangeRequest.trigger(event, async (e) => {
    try {
      await sendRecordChangeEmail(e.app, e.record, e.newEmail)
    } catch (cause) {
      await reportError(e.app, 'Failed to send email change email', cause, {
        collectionId: collection.id,
        recordId: e.record.id,
      })
      throw badRequestError('Failed to request email change.', undefined, { cause })
    }
    e.response = c.body(null, 204)
  })
  return event.response ?? c.body(null, 204)
}
