import type { Context, MiddlewareHandler } from 'hono'
import type { App } from '../core/app.ts'
import type { Record } from '../core/record-model.ts'
import { findAuthRecordByToken } from '../core/record-tokens.ts'
import { forbiddenError, unauthorizedError } from '../tools/router/api-error.ts'
import { matchesIPList } from '../tools/security/ip-list.ts'
import { realIP } from './health.ts'

/** The per-request values Satchel keeps on the Hono context. */
export interface Env {
  Variables: {
    app: App
    /** The authenticated record, or null for guests. */
    auth: Record | null
  }
}

/**
 * What an in-process sub-request (a batch item) runs with instead of its own headers: the app
 * bound to the open transaction, the caller's auth and the `@request.context` value.
 */
export interface SubRequestOverride {
  readonly app: App
  readonly auth: Record | null
  /** `@request.context` of the sub-request (`batch`). */
  readonly context: string
}

const subRequests = new WeakMap<Request, SubRequestOverride>()

/**
 * Marks `request` as a sub-request: when it is dispatched through the router, `loadAuthToken`
 * takes `app` and `auth` from `override` and ignores its `Authorization` header.
 */
export function registerSubRequest(request: Request, override: SubRequestOverride): void {
  subRequests.set(request, override)
}

/** True for in-process sub-requests (batch items, OAuth2 sign-up's internal create). */
export function isSubRequest(c: Context<Env>): boolean {
  return subRequests.has(c.req.raw)
}

/** The `@request.context` of a request: `batch` for batch sub-requests, else `default`. */
export function requestContext(c: Context<Env>): string {
  return subRequests.get(c.req.raw)?.context ?? 'default'
}

/**
 * Reads `Authorization: [Bearer ]TOKEN` and, when it is a valid auth token, sets `auth`.
 * Invalid or expired tokens are ignored: the request continues as a guest (PocketBase §1.3).
 * Sub-requests registered with `registerSubRequest` use their override instead.
 */
export function loadAuthToken(app: App): MiddlewareHandler<Env> {
  return async (c, next) => {
    const override = subRequests.get(c.req.raw)
    if (override !== undefined) {
      c.set('app', override.app)
      c.set('auth', override.auth)
      await next()
      return
    }
    c.set('app', app)
    c.set('auth', null)
    let token = c.req.header('authorization') ?? ''
    if (token.length > 7 && token.slice(0, 7).toLowerCase() === 'bearer ') token = token.slice(7)
    if (token !== '') {
      const found = await findAuthRecordByToken(app, token.trim())
      if (found !== undefined) {
        c.set('auth', found.record)
        if (isSuperuserRequest(c) && !superuserIPAllowed(c)) throw forbiddenError()
      }
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

/**
 * True when superusers may act from the request's client IP: `settings.superuserIPs` is empty
 * or lists the IP or a CIDR range holding it (PocketBase 0.38+; requests carrying a superuser
 * token from elsewhere get 403, as does a superuser sign-in).
 */
export function superuserIPAllowed(c: Context<Env>): boolean {
  const allowed = c.get('app').settings().superuserIPs
  return allowed.length === 0 || matchesIPList(allowed, realIP(c))
}
