import type { Context, Hono, MiddlewareHandler } from 'hono'
import { RequestEvent } from '../core/request-event.ts'
import { Hook } from '../tools/hook/hook.ts'
import { badRequestError, forbiddenError, unauthorizedError } from '../tools/router/api-error.ts'
import type { Middleware, RouteEntry, Router } from '../tools/router/router.ts'
import { limitBody } from './body-limit.ts'
import type { Env } from './middlewares.ts'
import { buildRequestInfo } from './record-helpers.ts'
import { cleanupUploads, readRequestBody } from './request-body.ts'

// Custom routes and middlewares added by `onServe` handlers (`e.router`), mounted on the Hono
// app built by `createRouter`: they run after CORS, the activity log, auth loading and the rate
// limiter, like PocketBase's, and their errors get PocketBase's error shape.

/** The id PocketBase gives its body limit middlewares; a route's own limit replaces a group's. */
const BODY_LIMIT_ID = 'pbBodyLimit'

/** The byte limit a `bodyLimit()` middleware stands for (the mount turns it into a stream limit). */
const LIMIT = Symbol('bodyLimit')

type LimitMiddleware = Middleware<RequestEvent> & { readonly [LIMIT]: number }

/**
 * Requires an auth record, optionally of one of `collections` (names): 401 for guests, 403 for
 * other collections (PocketBase `apis.RequireAuth`).
 *
 * @example
 * e.router.get('/api/me/orders', listOrders).bind(requireAuth('users'))
 */
export function requireAuth(...collections: string[]): Middleware<RequestEvent> {
  return {
    id: 'pbRequireAuth',
    func: (e) => {
      if (e.auth === null) {
        throw unauthorizedError('The request requires valid record authorization token.')
      }
      if (collections.length > 0 && !collections.includes(e.auth.collection.name)) {
        throw forbiddenError('The authorized record is not allowed to perform this action.')
      }
      return e.next()
    },
  }
}

/** Requires a superuser: 401 for guests, 403 for other auth records (PocketBase `RequireSuperuserAuth`). */
export function requireSuperuserAuth(): Middleware<RequestEvent> {
  return {
    id: 'pbRequireSuperuserAuth',
    func: (e) => {
      if (e.auth === null) {
        throw unauthorizedError('The request requires valid record authorization token.')
      }
      if (!e.hasSuperuserAuth()) {
        throw forbiddenError('The authorized record is not allowed to perform this action.')
      }
      return e.next()
    },
  }
}

/** Allows guests only: 400 for authenticated requests, as PocketBase's `RequireGuestOnly`. */
export function requireGuestOnly(): Middleware<RequestEvent> {
  return {
    id: 'pbRequireGuestOnly',
    func: (e) => {
      if (e.auth !== null) throw badRequestError('The request can be accessed only by guests.')
      return e.next()
    },
  }
}

/**
 * Limits the request body to `maxBytes` (PocketBase `apis.BodyLimit`): larger bodies get 413
 * `Request entity too large.`. Replaces the default 32 MiB limit for the route or group it is
 * bound to, so it can raise it as well as lower it.
 *
 * @example
 * e.router.post('/api/upload', upload).bind(bodyLimit(100 << 20))
 */
export function bodyLimit(maxBytes: number): Middleware<RequestEvent> {
  const m: LimitMiddleware = { id: BODY_LIMIT_ID, func: (e) => e.next(), [LIMIT]: maxBytes }
  return m
}

/** The own body limit of a route, if a `bodyLimit()` applies to it. */
function ownLimit(route: RouteEntry<RequestEvent>): number | undefined {
  const m = route.middlewares.find((x) => LIMIT in x) as LimitMiddleware | undefined
  return m?.[LIMIT]
}

/**
 * Translates PocketBase's path syntax to Hono's: `{name}` → `:name`, a trailing `{name...}` →
 * `:name{.+}`, `{$}` (exact match) → nothing.
 */
export function honoPath(path: string): string {
  return path
    .replaceAll('{$}', '')
    .replace(/\{(\w+)\.\.\.\}/g, ':$1{.+}')
    .replace(/\{(\w+)\}/g, ':$1')
}

/** The request event of `c`, created once per request and shared by global and route middlewares. */
function requestEventOf(c: Context<Env>): RequestEvent {
  const existing = c.get('requestEvent' as never) as RequestEvent | undefined
  if (existing !== undefined) {
    // NOTE: a global middleware created it before routing; the route knows its parameters.
    existing.request = c.req.raw
    existing.setPathParams(c.req.param() as { [name: string]: string })
    return existing
  }
  const e = new RequestEvent({
    app: c.get('app'),
    request: c.req.raw,
    auth: c.get('auth'),
    params: c.req.param() as { [name: string]: string },
    requestInfo: async () => buildRequestInfo(c, (await readRequestBody(c)).data),
  })
  c.set('requestEvent' as never, e as never)
  return e
}

/** A hook holding `middlewares` in priority order (registration order among equals). */
function chainOf(middlewares: readonly Middleware<RequestEvent>[]): Hook<RequestEvent> {
  const hook = new Hook<RequestEvent>()
  for (const m of middlewares) hook.bind(m.func, { priority: m.priority })
  return hook
}

/**
 * Marks the requests of custom routes with their own `bodyLimit()`, so the default limit in
 * front of `/api/*` lets them through (mount before that default; see `hasOwnBodyLimit`).
 */
export function bindCustomBodyLimitMarks(hono: Hono<Env>, router: Router<RequestEvent>): void {
  for (const route of router.routes()) {
    if (ownLimit(route) === undefined) continue
    hono.on(
      route.method === '*' ? ALL_METHODS : [route.method],
      honoPath(route.path),
      (c, next) => {
        c.set('ownBodyLimit' as never, true as never)
        return next()
      },
    )
  }
}

/** True when a custom route with its own `bodyLimit()` handles the request. */
export function hasOwnBodyLimit(c: Context): boolean {
  return c.get('ownBodyLimit' as never) === true
}

const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']

/**
 * The middlewares bound on the root router (`e.router.bind(…)`) as one Hono middleware wrapping
 * every request; undefined when there are none. A middleware that does not call `e.next()`
 * answers with what it wrote (200 and no body when nothing); one that changes `e.auth` before
 * `e.next()` changes it for the rest of the request.
 */
export function customGlobalMiddleware(
  router: Router<RequestEvent>,
): MiddlewareHandler<Env> | undefined {
  if (router.middlewares.length === 0) return undefined
  const chain = chainOf(router.middlewares)
  return async (c, next) => {
    const e = requestEventOf(c)
    let passed = false
    await chain.trigger(e, async (ev) => {
      passed = true
      c.set('auth', ev.auth)
      await next()
      ev.response = c.res
    })
    if (!passed) return e.response ?? new Response(null, { status: 200 })
    if (e.response !== undefined && e.response !== c.res) c.res = e.response
    return undefined
  }
}

/**
 * Mounts every custom route of `router` on `hono` (after the built-in API, before the static
 * catch-all). Each route runs its group and route middlewares by priority, then its action;
 * routes outside `/api` get the default body limit (or their own) and the upload cleanup that
 * `/api/*` has globally.
 */
export function bindCustomRoutes(
  hono: Hono<Env>,
  router: Router<RequestEvent>,
  defaultBodyLimit: number,
): void {
  for (const route of router.routes()) {
    const chain = chainOf(route.middlewares)
    const action = route.action
    const handlers: MiddlewareHandler<Env>[] = []
    const limit = ownLimit(route)
    const underApi = route.path === '/api' || route.path.startsWith('/api/')
    if (limit !== undefined || !underApi) {
      handlers.push(limitBody(limit ?? defaultBodyLimit) as MiddlewareHandler<Env>)
    }
    if (!underApi) handlers.push(cleanupUploads as MiddlewareHandler<Env>)
    const methods = route.method === '*' ? ALL_METHODS : [route.method]
    handlers.push(async (c) => {
      const e = requestEventOf(c)
      await chain.trigger(e, action)
      const res = e.response
      // NOTE: through the context, so the headers set by earlier middlewares (security headers,
      // CORS) join the response.
      if (res === undefined) return c.newResponse(null, 200, Object.fromEntries(e.responseHeaders))
      return c.newResponse(res.body, res)
    })
    hono.on(methods, honoPath(route.path), ...(handlers as [MiddlewareHandler<Env>]))
  }
}
