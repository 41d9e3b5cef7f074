import type { Context, Hono } from 'hono'
import { fireAndForget } from '../core/app-report.ts'
import { acquireGuard } from '../core/auth-guards.ts'
import { RecordAuthFlowRequestEvent } from '../core/record-auth-request-events.ts'
import type { Record } from '../core/record-model.ts'
import { sendRecordVerification } from '../mails/record-mails.ts'
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
import { buildRequestInfo } from './record-helpers.ts'

/** Seconds between two verification emails of one record (PocketBase: 2 minutes). */
export const RESEND_GUARD_SECONDS = 120

/** The resend guard key of a record's verification email. */
export function verificationGuardKey(record: Record): string {
  return `verification:${record.collection.id}:${record.id}`
}

/** Binds `POST /api/collections/{collection}/request-verification` (PocketBase §6.9). */
export function bindRecordAuthVerificationRequestApi(api: Hono<Env>): void {
  api.post(
    '/collections/:collection/request-verification',
    collectionRateLimit('requestVerification'),
    requestVerification,
  )
}

/**
 * Always 204 for a valid email, whether or not an account has it (anti-enumeration): the lookup
 * is the only work done in the request; the resend guard (2 min per record, shared by all
 * workers) and the email happen in the background, and a delivery failure is only logged.
 * Verified records get no email. `_superusers` → 400 `All superusers are verified by default.`
 */
async function requestVerification(c: Context<Env>): Promise<Response> {
  const collection = authCollection(c)
  if (collection.name === '_superusers') {
    throw badRequestError('All superusers are verified by default.')
  }
  const form = await readStringForm(c, ['email'])
  throwIfInvalid({ email: emailError(form.email) })
  const app = c.get('app')
  const found = await findAuthRecordByEmail(app, collection, form.email)
  if (found === undefined || found.getBool('verified')) return c.body(null, 204)
  const event = new RecordAuthFlowRequestEvent(app, collection, found, buildRequestInfo(c, form))
  await app.onRecordRequestVerificationRequest.trigger(event, (e) => {
    const record = e.record ?? found
    fireAndForget(
      app,
      'Failed to send verification email',
      async () => {
        if (!(await acquireGuard(app, verificationGuardKey(record), RESEND_GUARD_SECONDS))) return
        await sendRecordVerification(app, record)
      },
      { collectionId: collection.id, recordId: record.id },
    )
    e.response = c.body(null, 204)
  })
  return event.response ?? c.body(null, 204)
}
