import type { Context } from 'hono'
import type { App } from '../core/app.ts'
import type { Collection } from '../core/collection-model.ts'
import { isEmailFormat } from '../core/field-email.ts'
import { findAuthRecordByIdentity } from '../core/record-find-by-identity.ts'
import type { Record } from '../core/record-model.ts'
import { NoRowsError } from '../tools/db/db.ts'
import { badRequestError, forbiddenError, unauthorizedError } from '../tools/router/api-error.ts'
import {
  required,
  type ValidationError,
  type ValidationErrorMap,
  validationError,
} from '../tools/validation/validation-errors.ts'
import type { Env } from './middlewares.ts'
import { loadDataError, readBodyData } from './request-body.ts'

/**
 * Reads the named string keys of an auth action body (PocketBase's `BindBody` into a form):
 * missing/null → "", a non-string value → 400 `An error occurred while loading the submitted
 * data.` Other keys are ignored.
 */
export async function readStringForm<K extends string>(
  c: Context<Env>,
  keys: readonly K[],
): Promise<{ [P in K]: string }> {
  const data = await readBodyData(c)
  const out = {} as { [P in K]: string }
  for (const k of keys) {
    const v = data[k]
    if (v === undefined || v === null) out[k] = ''
    else if (typeof v === 'string') out[k] = v
    else throw loadDataError()
  }
  return out
}

/** ozzo's `Length(min, max)` on runes; "" passes (Required checks emptiness). */
export function lengthError(v: string, min: number, max: number): ValidationError | undefined {
  const n = [...v].length
  if (v === '' || (n >= min && n <= max)) return undefined
  return validationError(
    'validation_length_out_of_range',
    `The length must be between ${min} and ${max}.`,
    { max, min },
  )
}

/** `Required, Length(1, 255), is.EmailFormat` (the `email` of the request-* forms). */
export function emailError(v: string): ValidationError | undefined {
  if (v === '') return required()
  const len = lengthError(v, 1, 255)
  if (len) return len
  if (!isEmailFormat(v)) {
    return validationError('validation_is_email', 'Must be a valid email address.')
  }
  return undefined
}

/** Collects the errors of a form; throws 400 `An error occurred while validating the submitted data.` */
export function throwIfInvalid(errors: { [key: string]: ValidationError | undefined }): void {
  const map: ValidationErrorMap = {}
  for (const [k, v] of Object.entries(errors)) if (v !== undefined) map[k] = v
  if (Object.keys(map).length > 0) {
    throw badRequestError('An error occurred while validating the submitted data.', map)
  }
}

/**
 * The auth record of `collection` with that email (PocketBase `FindAuthRecordByEmail`;
 * case-insensitive when the email's unique index is `COLLATE NOCASE`), or undefined.
 */
export async function findAuthRecordByEmail(
  app: App,
  collection: Collection,
  email: string,
): Promise<Record | undefined> {
  try {
    return await findAuthRecordByIdentity(app, collection, 'email', email)
  } catch (err) {
    if (err instanceof NoRowsError) return undefined
    throw err
  }
}

/**
 * Requires an auth token of the path's auth collection (PocketBase
 * `RequireSameCollectionContextAuth`): 401 for guests, 403 `The request requires auth record
 * from <collection> collection.` for another collection's record.
 */
export function requireSameCollectionAuth(c: Context<Env>, collection: Collection): Record {
  const auth = c.get('auth')
  if (auth === null)
    throw unauthorizedError('The request requires valid record authorization token.')
  if (auth.collection.id !== collection.id) {
    throw forbiddenError(
      `The request requires auth record from ${auth.collection.name} collection.`,
    )
  }
  return auth
}
