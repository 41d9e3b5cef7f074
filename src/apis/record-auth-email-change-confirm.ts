import type { Context, Hono } from 'hono'
import type { App } from '../core/app.ts'
import type { Collection } from '../core/collection-model.ts'
import { toPasswordValue } from '../core/field-password.ts'
import { RecordEmailChangeRequestEvent } from '../core/record-auth-request-events.ts'
import type { Record } from '../core/record-model.ts'
import { saveRecord } from '../core/record-save.ts'
import { findAuthRecordByToken } from '../core/record-tokens.ts'
import { badRequestError } from '../tools/router/api-error.ts'
import { parseUnverifiedJwt } from '../tools/security/jwt.ts'
import { comparePassword } from '../tools/security/password.ts'
import {
  required,
  type ValidationError,
  validationError,
} from '../tools/validation/validation-errors.ts'
import { badRequestFrom } from './api-error.ts'
import type { Env } from './middlewares.ts'
import { collectionRateLimit } from './rate-limit.ts'
import {
  findAuthRecordByEmail,
  lengthError,
  readStringForm,
  throwIfInvalid,
} from './record-auth-forms.ts'
import { authCollection } from './record-auth-helpers.ts'
import { buildRequestInfo } from './record-helpers.ts'

/** Binds `POST /api/collections/{collection}/confirm-email-change` (PocketBase §6.9). */
export function bindRecordAuthEmailChangeConfirmApi(api: Hono<Env>): void {
  api.post(
    '/collections/:collection/confirm-email-change',
    collectionRateLimit('confirmEmailChange'),
    confirmEmailChange,
  )
}

/**
 * Applies the `newEmail` of an `emailChange` token (204) once the record's current `password`
 * is given; the record becomes verified and, because its email changed, its `tokenKey`
 * rotates (all its tokens, this one included, stop working). Errors under `data.token`
 * (`validation_invalid_token_payload`, `validation_invalid_token`,
 * `validation_token_collection_mismatch`, `validation_invalid_token_email`) and
 * `data.password` (`validation_invalid_password`). `_superusers` → 400.
 */
async function confirmEmailChange(c: Context<Env>): Promise<Response> {
  const collection = authCollection(c)
  if (collection.name === '_superusers') {
    throw badRequestError('All superusers can change their emails directly.')
  }
  const app = c.get('app')
  const form = await readStringForm(c, ['token', 'password'])
  const parsed = await parseToken(app, collection, form.token)
  let passwordErr: ValidationError | undefined
  if (form.password === '') passwordErr = required()
  else passwordErr = lengthError(form.password, 1, 100)
  if (passwordErr === undefined) {
    const record = 'record' in parsed ? parsed.record : undefined
    const hash = record ? toPasswordValue(record.get('password')).hash : ''
    if (record === undefined || !(await comparePassword(hash, form.password))) {
      passwordErr = validationError(
        'validation_invalid_password',
        'Missing or invalid auth record password.',
      )
    }
  }
  throwIfInvalid({
    token: form.token === '' ? required() : 'error' in parsed ? parsed.error : undefined,
    password: passwordErr,
  })
  if (!('record' in parsed)) throw badRequestError('Invalid or expired token.')
  const event = new RecordEmailChangeRequestEvent(
    app,
    parsed.record,
    buildRequestInfo(c, form),
    parsed.newEmail,
  )
  await app.onRecordConfirmEmailChangeRequest.trigger(event, async (e) => {
    e.record.set('email', e.newEmail)
    e.record.set('verified', true)
    try {
      await saveRecord(e.app, e.record)
    } catch (err) {
      throw badRequestFrom('Failed to confirm email change.', err)
    }
    e.response = c.body(null, 204)
  })
  return event.response ?? c.body(null, 204)
}

async function parseToken(
  app: App,
  collection: Collection,
  token: string,
): Promise<{ record: Record; newEmail: string } | { error: ValidationError }> {
  let newEmail: unknown
  try {
    newEmail = parseUnverifiedJwt(token).newEmail
  } catch {
    newEmail = undefined
  }
  if (typeof newEmail !== 'string' || newEmail === '') {
    return {
      error: validationError(
        'validation_invalid_token_payload',
        'Invalid token payload - newEmail must be set.',
      ),
    }
  }
  const found = await findAuthRecordByToken(app, token, ['emailChangeToken'])
  if (found === undefined) {
    return { error: validationError('validation_invalid_token', 'Invalid or expired token.') }
  }
  if (found.record.collection.id !== collection.id) {
    return {
      error: validationError(
        'validation_token_collection_mismatch',
        'The provided token is for different auth collection.',
      ),
    }
  }
  if ((await findAuthRecordByEmail(app, collection, newEmail)) !== undefined) {
    return {
      error: validationError('validation_invalid_token_email', 'The new email address is invalid.'),
    }
  }
  return { record: found.record, newEmail }
}
