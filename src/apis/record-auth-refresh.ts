import type { Context, Hono } from 'hono'
import { RecordAuthFlowRequestEvent } from '../core/record-auth-request-events.ts'
import { forbiddenError, notFoundError, unauthorizedError } from '../tools/router/api-error.ts'
import { parseUnverifiedJwt } from '../tools/security/jwt.ts'
import type { Env } from './middlewares.ts'
import { collectionRateLimit } from './rate-limit.ts'
import {
  MISSING_AUTH_COLLECTION,
  pathCollection,
  recordAuthResponse,
  requestAuthToken,
} from './record-auth-helpers.ts'
import { buildRequestInfo } from './record-helpers.ts'

/** Binds `POST /api/collections/{collection}/auth-refresh` (PocketBase §6.10). */
export function bindRecordAuthRefreshApi(api: Hono<Env>): void {
  api.post('/collections/:collection/auth-refresh', collectionRateLimit('authRefresh'), authRefresh)
}

/**
 * Requires an auth token of the path's collection (404 when the collection is missing, 401 for
 * guests, 403 `The request requires auth record from <auth's collection> collection.` for another
 * collection's token). A refreshable token gets a new one; a static one is echoed back.
 */
async function authRefresh(c: Context<Env>): Promise<Response> {
  const collection = pathCollection(c)
  const auth = c.get('auth')
  if (auth === null)
    throw unauthorizedError('The request requires valid record authorization token.')
  if (auth.collection.id !== collection.id) {
    throw forbiddenError(
      `The request requires auth record from ${auth.collection.name} collection.`,
    )
  }
  if (!collection.isAuth) throw notFoundError(MISSING_AUTH_COLLECTION)
  const current = requestAuthToken(c)
  let refreshable = false
  try {
    refreshable = parseUnverifiedJwt(current).refreshable === true
  } catch {
    refreshable = false
  }
  const app = c.get('app')
  const event = new RecordAuthFlowRequestEvent(app, collection, auth, buildRequestInfo(c))
  await app.onRecordAuthRefreshRequest.trigger(event, async (e) => {
    e.response = await recordAuthResponse(c, e.record ?? auth, {
      authMethod: '',
      ...(refreshable || current === '' ? {} : { token: current }),
    })
  })
  return event.response ?? c.body(null, 200)
}
