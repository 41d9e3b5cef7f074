import type { Context, MiddlewareHandler } from 'hono'
import type { App } from '../core/app.ts'
import { NoRowsError } from '../tools/db/db.ts'
import type { ApiError } from '../tools/router/api-error.ts'
import {
  isValidationError,
  type ValidationErrorMap,
  ValidationErrors,
} from '../tools/validation/validation-errors.ts'
import { realIP, remoteAddress } from './health.ts'
import { type Env, isSubRequest } from './middlewares.ts'

// NOTE: keyed by the request's context, which lives exactly as long as the request.
const requestErrors = new WeakMap<Context, ApiError>()
const skipSuccess = new WeakSet<Context>()

/**
 * Remembers the error a request is answered with, for its log entry (called by
 * `errorResponse`, the one place that writes error responses).
 */
export function noteRequestError(c: Context, err: ApiError): void {
  requestErrors.set(c, err)
}

/**
 * Marks the current request so that it is logged only when it fails (PocketBase
 * `SkipSuccessActivityLog`): realtime connects, the logs API, the OAuth2 redirect, static files.
 */
export function skipSuccessActivityLog(c: Context): void {
  skipSuccess.add(c)
}

/** Route middleware form of {@link skipSuccessActivityLog}. */
export function skipSuccessActivityLogMiddleware(): MiddlewareHandler {
  return (c, next) => {
    skipSuccess.add(c)
    return next()
  }
}

/**
 * The activity logger (PocketBase `activityLogger`, §13.1): after each request, one entry on
 * `app.logger()` — message `"<METHOD> <unescaped request URI>"`, level INFO, or ERROR when the
 * request ended in an error response, with `data` = `{type:"request", auth, authId?, details?,
 * error?, execTime (ms), method, referer, remoteIP?, status, url, userAgent, userIP?}`
 * (`authId` with `settings.logs.logAuthId`, IPs with `settings.logs.logIP`). Nothing is built
 * while `settings.logs.maxDays` is 0; batch sub-requests are not logged (their batch is);
 * successes of routes marked with {@link skipSuccessActivityLog} are not logged. The entry is
 * only buffered: the request never waits for the database.
 */
export function activityLogger(rootApp: App): MiddlewareHandler<Env> {
  return async (c, next) => {
    // NOTE: checked first: the body limit may replace `c.req.raw`, which identifies sub-requests.
    if (isSubRequest(c)) return next()
    const started = performance.now()
    await next()
    const logs = rootApp.settings().logs
    if (logs.maxDays === 0) return
    const err = requestErrors.get(c)
    if (err === undefined && skipSuccess.has(c)) return
    logRequest(rootApp, c, err, performance.now() - started, logs.logAuthId, logs.logIP)
  }
}

function logRequest(
  app: App,
  c: Context<Env>,
  err: ApiError | undefined,
  execTime: number,
  logAuthId: boolean,
  logIP: boolean,
): void {
  // NOTE: unset when a middleware before the auth loader answered (e.g. the body limit).
  if ((c.get('app') as App | undefined) === undefined) c.set('app', app)
  const auth = (c.get('auth') as Env['Variables']['auth'] | undefined) ?? null
  const method = cut(c.req.method.toUpperCase(), 50)
  // NOTE: Node's parsed request, when served over HTTP: plain property reads, no Headers object.
  const incoming = (c.env as { incoming?: Incoming } | undefined)?.incoming
  const url = cut(requestURI(c, incoming), 3000)
  // NOTE: keys in Go's (sorted) order, so the stored JSON needs no re-sorting.
  const data: { [key: string]: unknown } = { auth: auth === null ? '' : auth.collection.name }
  if (auth !== null && logAuthId) data.authId = auth.id
  if (err !== undefined) {
    data.details = errorDetails(err)
    data.error = err.message
  }
  data.execTime = Math.round(execTime * 1e6) / 1e6
  data.method = method
  data.referer = cut(header(c, incoming, 'referer'), 2000)
  if (logIP) data.remoteIP = remoteAddress(c)
  data.status = c.res.status
  data.type = 'request'
  data.url = url
  data.userAgent = cut(header(c, incoming, 'user-agent'), 2000)
  if (logIP) data.userIP = realIP(c)
  // NOTE: straight to the handler: `data` is ours, so it needs no defensive copy.
  app.logger().handler.add({
    time: Date.now(),
    level: err === undefined ? 0 : 8,
    message: `${method} ${unescapePath(url)}`,
    data,
  })
}

/**
 * What PocketBase logs as `details`: the raw error data — a validation error map as
 * `field → message` (Go's `validation.Errors` text: lower-case, no final period), other data as
 * sent, else the cause's message (Go's text for "no rows"), else null.
 */
function errorDetails(err: ApiError): unknown {
  const cause = err.cause
  if (cause instanceof ValidationErrors) return plainValidationErrors(cause.errors)
  if (Object.keys(err.data).length > 0) return err.data
  // NOTE: Go's `sql.ErrNoRows` text, which PocketBase logs for every "not found".
  if (cause instanceof NoRowsError) return 'sql: no rows in result set'
  if (cause instanceof Error) return cause.message
  if (cause !== undefined && cause !== null) return String(cause)
  return null
}

function plainValidationErrors(map: ValidationErrorMap): { [key: string]: unknown } {
  const out: { [key: string]: unknown } = {}
  for (const [key, v] of Object.entries(map)) {
    if (!isValidationError(v)) {
      out[key] = plainValidationErrors(v)
      continue
    }
    const m = v.message.endsWith('.') ? v.message.slice(0, -1) : v.message
    out[key] = m.length > 0 ? m[0]!.toLowerCase() + m.slice(1) : m
  }
  return out
}

interface Incoming {
  readonly url?: string
  readonly headers?: { readonly [name: string]: string | string[] | undefined }
}

/** A request header (`name` lower-case), "" when absent. */
function header(c: Context<Env>, incoming: Incoming | undefined, name: string): string {
  const v = incoming?.headers?.[name]
  if (typeof v === 'string') return v
  return c.req.header(name) ?? ''
}

/** The raw request target (path and query as sent). */
function requestURI(c: Context<Env>, incoming: Incoming | undefined): string {
  const raw = incoming?.url
  if (raw?.startsWith('/')) return raw
  const u = new URL(c.req.url)
  return u.pathname + u.search
}

/** Go's `url.PathUnescape`: `%XX` decoded (not `+`); the raw text when it does not decode. */
function unescapePath(s: string): string {
  if (!s.includes('%')) return s
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

function cut(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}...` : s
}
