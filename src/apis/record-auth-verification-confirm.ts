import type { Context, Hono } from 'hono'
import type { App } from '../core/app.ts'
import { releaseGuard } from '../core/auth-guards.ts'
import type { Collection } from '../core/collection-model.ts'
import { RecordAuthFlowRequestEvent } from '../core/record-auth-request-events.ts'
import { saveRecord } from '../core/record-save.ts'
import { findAuthRecordByToken } from '../core/record-tokens.ts'
import { badRequestError } from '../tools/router/api-error.ts'
import { parseUnverifiedJwt } from '../tools/security/jwt.ts'
import { randomString } from '../tools/security/random.ts'
import {
  required,
  type ValidationError,
  validationError,
} from '../tools/validation/validation-errors.ts'
import { badRequestFrom } from './api-error.ts'
import type { Env } from './middlewares.ts'
import { collectionRateLimit } from './rate-limit.ts'
import { readStringForm, throwIfInvalid } from './record-auth-forms.ts'
import { authCollection } from './record-auth-helpers.ts'
import { verificationGuardKey } from './record-auth-verification-request.ts'
import { buildRequestInfo } from './record-helpers.ts'

/** Binds `POST /api/collections/{collection}/confirm-verification` (PocketBase §6.9). */
export function bindRecordAuthVerificationConfirmApi(api: Hono<Env>): void {
  api.post(
    '/collections/:collection/confirm-verification',
    collectionRateLimit('confirmVerification'),
    confirmVerification,
  )
}

/**
 * Marks the token's record verified (204). The token must be a valid `verification` token of
 * this collection whose `email` claim is the record's current email (errors under
 * `data.token`). When password auth is disabled, verifying also sets a random password (a
 * pre-hijacking guard). Confirming an already verified record again changes nothing (204).
 */
async function confirmVerification(c: Context<Env>): Promise<Response> {
  const collection = authCollection(c)
  if (collection.name === '_superusers') {
    throw badRequestError('All superusers are verified by default.')
  }
  const app = c.get('app')
  const form = await readStringForm(c, ['token'])
  throwIfInvalid({
    token: form.token === '' ? required() : await checkToken(app, collection, form.token),
  })
  const found = await findAuthRecordByToken(app, form.token, ['verificationToken'])
  if (found === undefined) throw badRequestError('Invalid or expired verification token.')
  const event = new RecordAuthFlowRequestEvent(
    app,
    collection,
    found.record,
    buildRequestInfo(c, form),
  )
  await app.onRecordConfirmVerificationRequest.trigger(event, async (e) => {
    const record = e.record ?? found.record
    if (!record.getBool('verified')) {
      record.set('verified', true)
      if (!collection.auth!.passwordAuth.enabled) record.set('password', randomString(30))
      try {
        await saveRecord(e.app, record)
      } catch (err) {
        throw badRequestFrom('An error occurred while saving the verified state.', err)
      }
    }
    await releaseGuard(e.app, verificationGuardKey(record))
    e.response = c.body(null, 204)
  })
  return event.response ?? c.body(null, 204)
}

async function checkToken(
  app: App,
  collection: Collection,
  token: string,
): Promise<ValidationError | undefined> {
  let email: unknown
  try {
    email = parseUnverifiedJwt(token).email
  } catch {
    email = undefined
  }
  if (typeof email !== 'string' || email === '') {
    return validationError('validation_invalid_token_claims', 'Missing email token claim.')
  }
  const found = await findAuthRecordByToken(app, token, ['verificationToken'])
  if (found === undefined) {
    return validationError('validation_invalid_token', 'Invalid or expired token.')
  }
  if (found.record.collection.id !== collection.id) {
    return validationError(
      'validation_token_collection_mismatch',
      'The provided token is for different auth collection.',
    )
  }
  if (found.record.getString('email') !== email) {
    return validationError(
      'validation_token_email_mismatch',
      "The record email doesn't match with the requested token claims.",
    )
  }
  return undefined
}
