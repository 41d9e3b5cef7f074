import type { Context, Hono } from 'hono'
import { reportError } from '../core/app-report.ts'
import { consumeAttempt } from '../core/auth-guards.ts'
import { authRefExpired, claimAuthRef, findAuthRefById } from '../core/auth-system-records.ts'
import { toPasswordValue } from '../core/field-password.ts'
import { RecordAuthWithOTPRequestEvent } from '../core/record-auth-request-events.ts'
import { findRecordById } from '../core/record-query.ts'
import { saveRecord } from '../core/record-save.ts'
import { badRequestError, forbiddenError, tooManyRequestsError } from '../tools/router/api-error.ts'
import { comparePassword } from '../tools/security/password.ts'
import { required } from '../tools/validation/validation-errors.ts'
import { realIP } from './health.ts'
import type { Env } from './middlewares.ts'
import { collectionRateLimit } from './rate-limit.ts'
import { lengthError, readStringForm, throwIfInvalid } from './record-auth-forms.ts'
import { authCollection, recordAuthResponse } from './record-auth-helpers.ts'
import { buildRequestInfo } from './record-helpers.ts'

/** Attempts per OTP owner and client IP within {@link OTP_ATTEMPT_WINDOW} seconds (PocketBase). */
export const OTP_MAX_ATTEMPTS = 5
/** The OTP attempt limiter window in seconds. */
export const OTP_ATTEMPT_WINDOW = 180

/** Binds `POST /api/collections/{collection}/auth-with-otp` (PocketBase §6.7). */
export function bindRecordAuthWithOTPApi(api: Hono<Env>): void {
  api.post(
    '/collections/:collection/auth-with-otp',
    collectionRateLimit('authWithOTP', 'auth'),
    authWithOTP,
  )
}

/**
 * Signs in with `{otpId, password}`. Every failure (unknown id, other collection, expired,
 * missing record, wrong code) is the same 400 `Invalid or expired OTP.`; after 5 attempts per
 * record and client IP in 180 s → 429 `Too many attempts, please try again later with a new
 * OTP.` (kept in SQLite so every worker counts). On success the OTP is deleted (single use), an
 * unverified record whose email the code was sent to becomes verified, and the normal auth
 * response follows (`@request.context` = `otp`, MFA and auth alerts apply).
 */
async function authWithOTP(c: Context<Env>): Promise<Response> {
  const collection = authCollection(c)
  const options = collection.auth!
  if (!options.otp.enabled) {
    throw forbiddenError('The collection is not configured to allow OTP authentication.')
  }
  const form = await readStringForm(c, ['otpId', 'password'])
  throwIfInvalid({
    otpId: form.otpId === '' ? required() : lengthError(form.otpId, 1, 255),
    password: form.password === '' ? required() : lengthError(form.password, 1, 71),
  })
  const app = c.get('app')
  const invalid = () => badRequestError('Invalid or expired OTP.')
  const otp = await findAuthRefById(app, '_otps', form.otpId)
  if (otp === undefined || otp.getString('collectionRef') !== collection.id) throw invalid()
  if (authRefExpired(otp, options.otp.duration)) throw invalid()
  let record: Awaited<ReturnType<typeof findRecordById>>
  try {
    record = await findRecordById(app, collection, otp.getString('recordRef'))
  } catch {
    throw invalid()
  }
  const key = `otp:${collection.id}:${record.id}:${realIP(c)}`
  if (!(await consumeAttempt(app, key, OTP_MAX_ATTEMPTS, OTP_ATTEMPT_WINDOW))) {
    throw tooManyRequestsError('Too many attempts, please try again later with a new OTP.')
  }
  if (!(await comparePassword(toPasswordValue(otp.get('password')).hash, form.password))) {
    throw invalid()
  }
  // Single use: the row is claimed with one DELETE, so of two concurrent requests with the same
  // code only the one that removed it signs in.
  if (!(await claimAuthRef(app, '_otps', otp.id))) throw invalid()
  const event = new RecordAuthWithOTPRequestEvent(app, record, buildRequestInfo(c, form), otp)
  await app.onRecordAuthWithOTPRequest.trigger(event, async (e) => {
    const record = e.record
    const sentTo = otp.getString('sentTo')
    if (!record.getBool('verified') && sentTo !== '' && record.getString('email') === sentTo) {
      record.set('verified', true)
      try {
        await saveRecord(e.app, record)
      } catch (err) {
        await reportError(
          e.app,
          'Failed to update record verified state after successful OTP validation',
          err,
          { otpId: otp.id, recordId: record.id },
        )
      }
    }
    e.response = await recordAuthResponse(c, record, { authMethod: 'otp' })
  })
  return event.response ?? c.body(null, 200)
}
