import type { Context, Hono } from 'hono'
import type { Collection } from '../core/collection-model.ts'
import { isEmailFormat } from '../core/field-email.ts'
import { toPasswordValue } from '../core/field-password.ts'
import { RecordAuthWithPasswordRequestEvent } from '../core/record-auth-request-events.ts'
import { findAuthRecordByIdentity } from '../core/record-find-by-identity.ts'
import type { Record } from '../core/record-model.ts'
import { NoRowsError } from '../tools/db/db.ts'
import { badRequestError, forbiddenError } from '../tools/router/api-error.ts'
import { comparePassword } from '../tools/security/password.ts'
import {
  required,
  type ValidationErrorMap,
  validationError,
} from '../tools/validation/validation-errors.ts'
import type { Env } from './middlewares.ts'
import { collectionRateLimit } from './rate-limit.ts'
import { authCollection, recordAuthResponse } from './record-auth-helpers.ts'
import { buildRequestInfo } from './record-helpers.ts'
import { loadDataError, readBodyData } from './request-body.ts'

/** A valid bcrypt hash compared against when the identity is unknown, so timing leaks nothing. */
const DUMMY_HASH = '$2a$10$urUY46tOmsWvxg2.l1GsqeeCebFEKSrgdJuHWjnTqdF4SqG.cNV1G'

/** Binds `POST /api/collections/{collection}/auth-with-password` (PocketBase §6.4). */
export function bindRecordAuthWithPasswordApi(api: Hono<Env>): void {
  api.post(
    '/collections/:collection/auth-with-password',
    collectionRateLimit('authWithPassword', 'auth'),
    authWithPassword,
  )
}

interface PasswordForm {
  identity: string
  password: string
  identityField: string
}

async function authWithPassword(c: Context<Env>): Promise<Response> {
  const collection = authCollection(c)
  const options = collection.auth!
  if (!options.passwordAuth.enabled) {
    throw forbiddenError('The collection is not configured to allow password authentication.')
  }
  const form = readForm(await readBodyData(c))
  validateForm(form, options.passwordAuth.identityFields)

  const app = c.get('app')
  const event = new RecordAuthWithPasswordRequestEvent(
    app,
    collection,
    (await findByIdentity(c, collection, form)) ?? null,
    buildRequestInfo(c, { ...form }),
    form,
  )
  await app.onRecordAuthWithPasswordRequest.trigger(event, async (e) => {
    const record = e.record
    const hash = record === null ? DUMMY_HASH : toPasswordValue(record.get('password')).hash
    const ok = await comparePassword(hash, e.password)
    if (record === null || !ok) {
      // NOTE: the cause is only logged (PocketBase's request log `details`).
      throw badRequestError('Failed to authenticate.', undefined, {
        cause: new Error('invalid login credentials'),
      })
    }
    // NOTE: the MFA seam (`mfaId` in the query or body) lives in recordAuthResponse.
    e.response = await recordAuthResponse(c, record, { authMethod: 'password' })
  })
  return event.response ?? c.body(null, 200)
}

function readForm(data: { [key: string]: unknown }): PasswordForm {
  const str = (v: unknown): string => {
    if (v === undefined || v === null) return ''
    if (typeof v !== 'string') throw loadDataError()
    return v
  }
  return {
    identity: str(data.identity),
    password: str(data.password),
    identityField: str(data.identityField),
  }
}

function validateForm(form: PasswordForm, identityFields: readonly string[]): void {
  const errors: ValidationErrorMap = {}
  const length = (v: string) =>
    [...v].length > 255
      ? validationError('validation_length_out_of_range', 'The length must be between 1 and 255.', {
          max: 255,
          min: 1,
        })
      : undefined
  if (form.identity === '') errors.identity = required()
  else {
    const e = length(form.identity)
    if (e) errors.identity = e
  }
  if (form.password === '') errors.password = required()
  else {
    const e = length(form.password)
    if (e) errors.password = e
  }
  if (form.identityField !== '' && !identityFields.includes(form.identityField)) {
    errors.identityField = validationError('validation_in_invalid', 'Must be a valid value.')
  }
  if (Object.keys(errors).length > 0) {
    throw badRequestError('An error occurred while validating the submitted data.', errors)
  }
}

/**
 * Looks the identity up in `identityField`, or in each identity field in order with `email`
 * first (skipped when the identity is not email-shaped). Undefined when nothing matches.
 */
async function findByIdentity(
  c: Context<Env>,
  collection: Collection,
  form: PasswordForm,
): Promise<Record | undefined> {
  const app = c.get('app')
  let fields: string[]
  if (form.identityField !== '') {
    fields = [form.identityField]
  } else {
    const configured = collection.auth!.passwordAuth.identityFields
    fields = configured.includes('email')
      ? ['email', ...configured.filter((f) => f !== 'email')]
      : [...configured]
  }
  for (const field of fields) {
    if (form.identityField === '' && field === 'email' && !isEmailFormat(form.identity)) continue
    try {
      return await findAuthRecordByIdentity(app, collection, field, form.identity)
    } catch (err) {
      if (!(err instanceof NoRowsError)) throw err
    }
  }
  return undefined
}
