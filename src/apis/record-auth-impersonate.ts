import type { Context, Hono } from 'hono'
import { findRecordById } from '../core/record-query.ts'
import { newStaticAuthToken } from '../core/record-tokens.ts'
import { badRequestError } from '../tools/router/api-error.ts'
import { validationError } from '../tools/validation/validation-errors.ts'
import { type Env, requireSuperuserAuth } from './middlewares.ts'
import {
  authCollection,
  MISSING_AUTH_COLLECTION,
  recordAuthResponse,
} from './record-auth-helpers.ts'
import { loadDataError, readBodyData } from './request-body.ts'

/** Binds `POST /api/collections/{collection}/impersonate/{id}` (PocketBase §6.10, superusers only). */
export function bindRecordAuthImpersonateApi(api: Hono<Env>): void {
  api.post('/collections/:collection/impersonate/:id', impersonate)
}

/**
 * Issues a non-refreshable auth token for any record of the auth collection. Body `duration`
 * (integer seconds ≥ 0; 0 → the collection's authToken duration). 401/403 for non-superusers,
 * 404 for a missing collection or record.
 */
async function impersonate(c: Context<Env>): Promise<Response> {
  requireSuperuserAuth(c)
  const collection = authCollection(c, MISSING_AUTH_COLLECTION)
  const data = await readBodyData(c)
  const duration = data.duration ?? 0
  if (typeof duration !== 'number' || !Number.isSafeInteger(duration)) throw loadDataError()
  if (duration < 0) {
    throw badRequestError('An error occurred while validating the submitted data.', {
      duration: validationError(
        'validation_min_greater_equal_than_required',
        'Must be no less than 0.',
        { threshold: 0 },
      ),
    })
  }
  const record = await findRecordById(c.get('app'), collection, c.req.param('id') ?? '')
  const token = await newStaticAuthToken(record, duration)
  return recordAuthResponse(c, record, { authMethod: '', token })
}
