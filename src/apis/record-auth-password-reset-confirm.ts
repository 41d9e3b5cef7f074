import type { Context, Hono } from 'hono'
import type { App } from '../core/app.ts'
import { releaseGuard } from '../core/auth-guards.ts'
import type { Collection } from '../core/collection-model.ts'
import { PasswordField } from '../core/field-password.ts'
import { RecordAuthFlowRequestEvent } from '../core/record-auth-request-events.ts'
import { saveRecord } from '../core/record-save.ts'
import { findAuthRecordByToken } from '../core/record-tokens.ts'
import { badRequestError } from '../tools/router/api-error.ts'
import {
  required,
  type ValidationError,
  validationError,
} from '../tools/validation/validation-errors.ts'
import { badRequestFrom } from './api-error.ts'
import type { Env } from './middlewares.ts'
import { collectionRateLimit } from './rate-limit.ts'
import { lengthError, readStringForm, throwIfInvalid } from './record-auth-forms.ts'
import { authCollection } from './record-auth-helpers.ts'
import { passwordResetGuardKey } from './record-auth-password-reset-request.ts'
import { buildRequestInfo } from './record-helpers.ts'

/** Binds `POST /api/collections/{collection}/confirm-password-reset` (PocketBase §6.9). */
export function bindRecordAuthPasswordResetConfirmApi(api: Hono<Env>): void {
  api.post(
    '/collections/:collection/confirm-password-reset',
    collectionRateLimit('confirmPasswordReset'),
    confirmPasswordReset,
  )
}

/**
 * Sets a new password from a `passwordReset` token (204). Saving it rotates the record's
 * `tokenKey`, so every earlier auth token and the reset token itself stop working, and removes
 * the record's `_authOrigins`, `_mfas` and `_otps`. The record becomes verified when the token's
 * `email` claim is still its email. Errors: `data.token` (`validation_invalid_token`,
 * `validation_token_collection_mismatch`), `data.password` (length ≥ the field's min, ≤ 255),
 * `data.passwordConfirm` (`validation_values_mismatch`).
 */
async function confirmPasswordReset(c: Context<Env>): Promise<Response> {
  const collection = authCollection(c)
  const app = c.get('app')
  const form = await readStringForm(c, ['token', 'password', 'passwordConfirm'])
  const field = collection.getField('password')
  const min = field instanceof PasswordField && field.min > 0 ? field.min : 1
  throwIfInvalid({
    token: form.token === '' ? required() : await checkToken(app, collection, form.token),
    password: form.password === '' ? required() : lengthError(form.password, min, 255),
    passwordConfirm:
      form.passwordConfirm === ''
        ? required()
        : form.passwordConfirm !== form.password
          ? validationError('validation_values_mismatch', "Values don't match.")
          : undefined,
  })
  const found = await findAuthRecordByToken(app, form.token, ['passwordResetToken'])
  if (found === undefined) throw badRequestError('Invalid or expired password reset token.')
  const event = new RecordAuthFlowRequestEvent(
    app,
    collection,
    found.record,
    buildRequestInfo(c, form),
  )
  await app.onRecordConfirmPasswordResetRequest.trigger(event, async (e) => {
    const record = e.record ?? found.record
    record.set('password', form.password)
    if (!record.getBool('verified') && found.claims.email === record.getString('email')) {
      record.set('verified', true)
    }
    try {
      await saveRecord(e.app, record)
    } catch (err) {
      throw badRequestFrom('Failed to set new password.', err)
    }
    await releaseGuard(e.app, passwordResetGuardKey(record))
    e.response = c.body(null, 204)
  })
  return event.response ?? c.body(null, 204)
}

async function checkToken(
  app: App,
  collection: Collection,
  token: string,
): Promise<ValidationError | undefined> {
  const found = await findAuthRecordByToken(app, token, ['passwordResetToken'])
  if (found === undefined) {
    return validationError('validation_invalid_token', 'Invalid or expired token.')
  }
  if (found.record.collection.id !== collection.id) {
    return validationError(
      'validation_token_collection_mismatch',
      'The provided token is for different auth collection.',
    )
  }
  return undefined
}
