import type { Context, Hono } from 'hono'
import { fireAndForget, reportError } from '../core/app-report.ts'
import {
  authRefExpired,
  deleteAuthRef,
  findAuthRefsByRecord,
  newAuthRef,
  purgeExpiredAuthRefs,
  saveAuthRef,
} from '../core/auth-system-records.ts'
import type { Collection } from '../core/collection-model.ts'
import { RecordCreateOTPRequestEvent } from '../core/record-auth-request-events.ts'
import type { Record } from '../core/record-model.ts'
import { sendRecordOTP } from '../mails/record-mails.ts'
import { forbiddenError } from '../tools/router/api-error.ts'
import { hashPassword } from '../tools/security/password.ts'
import { randomString } from '../tools/security/random.ts'
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

/** Above this many unexpired OTPs of one record, the newest is reused (no new email). */
const MAX_ACTIVE_OTPS = 9

/** bcrypt cost of `_otps.password` (PocketBase). */
const OTP_COST = 8

/** Binds `POST /api/collections/{collection}/request-otp` (PocketBase §6.7). */
export function bindRecordAuthOTPRequestApi(api: Hono<Env>): void {
  api.post('/collections/:collection/request-otp', collectionRateLimit('requestOTP'), requestOTP)
}

/**
 * Creates an `_otps` row with a random numeric code of `otp.length` digits (bcrypt cost 8) and
 * emails it in the background; answers `{otpId}`. An unknown email gets a random `otpId` after
 * the same bcrypt work (anti-enumeration, also by timing). Outside dev mode, with more than 9
 * unexpired OTPs the newest one is answered again and nothing is sent. A failed delivery deletes
 * the OTP and is logged. 403 when OTP auth is disabled.
 */
async function requestOTP(c: Context<Env>): Promise<Response> {
  const collection = authCollection(c)
  const options = collection.auth!
  if (!options.otp.enabled) {
    throw forbiddenError('The collection is not configured to allow OTP authentication.')
  }
  const form = await readStringForm(c, ['email'])
  throwIfInvalid({ email: emailError(form.email) })
  const app = c.get('app')
  const code = randomString(options.otp.length, '1234567890')
  const event = new RecordCreateOTPRequestEvent(
    app,
    collection,
    (await findAuthRecordByEmail(app, collection, form.email)) ?? null,
    buildRequestInfo(c, form),
    code,
  )
  await app.onRecordRequestOTPRequest.trigger(event, async (e) => {
    e.response = await issueOTP(c, collection, e.record, e.password)
  })
  return event.response ?? c.body(null, 200)
}

/** Stores an OTP for `record` and sends it (a made-up id, after as much work, when null). */
async function issueOTP(
  c: Context<Env>,
  collection: Collection,
  record: Record | null,
  code: string,
): Promise<Response> {
  const app = c.get('app')
  const options = collection.auth!
  if (record === null) {
    await hashPassword(code, OTP_COST)
    return c.json({ otpId: randomString(15) })
  }
  await purgeExpiredAuthRefs(app, '_otps', collection.id, options.otp.duration)
  let otp: Record | undefined
  if (!app.config.dev) {
    const otps = await findAuthRefsByRecord(app, '_otps', record)
    const active = otps.filter((o) => !authRefExpired(o, options.otp.duration))
    if (active.length > MAX_ACTIVE_OTPS) {
      otp = otps[0]
      await reportError(
        app,
        'Too many OTP requests - reusing the last issued',
        undefined,
        {
          recordId: record.id,
          otpId: otp?.id,
        },
        4,
      )
    }
  }
  if (otp === undefined) {
    const row = newAuthRef(app, '_otps', record)
    row.set('password', code)
    await saveAuthRef(app, row)
    otp = row
    fireAndForget(
      app,
      'Failed to send OTP email',
      async () => {
        try {
          await sendRecordOTP(app, record, row.id, code)
        } catch (err) {
          await deleteAuthRef(app, row).catch(() => undefined)
          throw err
        }
        row.set('sentTo', record.getString('email'))
        await saveAuthRef(app, row)
      },
      { collectionId: collection.id, recordId: record.id, otpId: row.id },
    )
  }
  return c.json({ otpId: otp.id })
}
