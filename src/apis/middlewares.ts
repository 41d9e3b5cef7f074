import type { Context, MiddlewareHandler } from 'hono'
import type { App } from '../core/app.ts'
import type { Record } from '../core/record-model.ts'
import { findAuthRecordByToken } from '../core/record-tokens.ts'
import { forbiddenError, unauthorizedError } from '../tools/router/api-error.ts'

/** The per-request values Satchel keeps on the Hono context. */
export interface Env {
  Variables: {
    app: App
    /** The authenticated record, or null for guests. */
    auth: Record | null
  }
}

/**
 * Reads `Authorization: [Bearer ]TOKEN` and, when it is a valid auth token, sets `auth`.
 * Invalid or expired tokens are ignored: the request continues as a guest (PocketBase §1.3).
 */
export function loadAuthToken(app: App): MiddlewareHandler<Env> {
  return async (c, next) => {
    c.set('app', app)
    c.set('auth', null)
    let token = c.req.header('authorization') ?? ''
    if (token.length > 7 && token.slice(0, 7).toLowerCase() === 'bearer ') token = token.slice(7)
    if (token !== '') {
      const found = await findAuthRecordByToken(app, token.trim())
      if (found !== undefined) c.set('auth', found.record)
    }
    await next()
  }
}

/** True when the request is authenticated as a superuser. */
export function isSuperuserRequest(c: Context<Env>): boolean {
  return c.get('auth')?.collection.name === '_superusers'
}

/** Throws 401 unless the request has an auth record (optionally of one of `collections`). */
export function requireAuth(c: Context<Env>, ...collections: string[]): Record {
  const auth = c.get('auth')
  if (auth === null)
    throw unauthorizedError('The request requires valid record authorization token.')
  if (collections.length > 0 && !collections.includes(auth.collection.name)) {
    throw forbiddenError('The authorized record is not allowed to perform this action.')
  }
  return auth
}

/** Throws 401 for guests and 403 for non-superusers (PocketBase `RequireSuperuserAuth`). */
export function requireSuperuserAuth(c: Context<Env>): Record {
  return requireAuth(c, '_superusers')
}
