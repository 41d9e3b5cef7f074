import type { Context, Hono } from 'hono'
import { fireAndForget } from '../core/app-report.ts'
import { acquireGuard, releaseGuard } from '../core/auth-guards.ts'
import { RecordAuthFlowRequestEvent } from '../core/record-auth-request-events.ts'
import type { Record } from '../core/record-model.ts'
import { sendRecordPasswordReset } from '../mails/record-mails.ts'
import { badRequestError } from '../tools/router/api-error.ts'
import type { Env } from './middlewares.ts'
import { collectionRateLimit } from './rate-limit.ts'
import {
  emailError,
  findAuthRecordByEmail,
  readStringForm,
  throwIfInvalid,
} from './record-auth-forms.ts'
import { authCollection } from './record-auth-helpers.ts'
import { RESEND_GUARD_SECONDS } from './record-auth-verification-request.ts'
import { buildRequestInfo } from './record-helpers.ts'

/** The resend guard key of a record's password reset email. */
export function passwordResetGuardKey(record: Record): string {
  return `passwordReset:${record.collection.id}:${record.id}`
}

/** Binds `POST /api/collections/{collection}/request-password-reset` (PocketBase §6.9). */
export function bindRecordAuthPasswordResetRequestApi(api: Hono<Env>): void {
  api.post(
    '/collections/:collection/request-password-reset',
    collectionRateLimit('requestPasswordReset'),
    requestPasswordReset,
  )
}

/**
 * Always 204 for a valid email (anti-enumeration): the email with a `passwordReset` token is
 * sent in the background behind a 2-minute per-record resend guard shared by all workers; a
 * failed delivery releases the guard and is logged. 400 `The collection is not configured to
 * allow password authentication.` when password auth is off.
 */
async function requestPasswordReset(c: Context<Env>): Promise<Response> {
  const collection = authCollection(c)
  if (!collection.auth!.passwordAuth.enabled) {
    throw badRequestError('The collection is not configured to allow password authentication.')
  }
  const form = await readStringForm(c, ['email'])
  throwIfInvalid({ email: emailError(form.email) })
  const app = c.get('app')
  const found = await findAuthRecordByEmail(app, collection, form.email)
  if (found === undefined) return c.body(null, 204)
  const event = new RecordAuthFlowRequestEvent(app, collection, found, buildRequestInfo(c, form))
  await app.onRecordRequestPasswordResetRequest.trigger(event, (e) => {
    const record = e.record ?? found
    fireAndForget(
      app,
      'Failed to send password reset email',
      async () => {
        const key = passwordResetGuardKey(record)
        if (!(await acquireGuard(app, key, RESEND_GUARD_SECONDS))) return
        try {
          await sendRecordPasswordReset(app, record)
        } catch (err) {
          await releaseGuard(app, key)
          throw err
        }
      },
      { collectionId: collection.id, recordId: record.id },
    )
    e.response = c.body(null, 204)
  })
  return event.response ?? c.body(null, 204)
}
