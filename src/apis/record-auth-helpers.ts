import type { Context } from 'hono'
import type { App } from '../core/app.ts'
import { LOG_LEVEL, reportError } from '../core/app-report.ts'
import type { Collection } from '../core/collection-model.ts'
import { RecordAuthRequestEvent } from '../core/record-auth-request-events.ts'
import { exportRecord } from '../core/record-export.ts'
import type { Record } from '../core/record-model.ts'
import { canAccessRecord } from '../core/record-rules.ts'
import { newAuthToken } from '../core/record-tokens.ts'
import { isSuperuser, type RequestInfo } from '../core/request-info.ts'
import { pickFields } from '../tools/picker/pick.ts'
import { forbiddenError, notFoundError } from '../tools/router/api-error.ts'
import { type Env, requestContext, superuserIPAllowed } from './middlewares.ts'
import { authAlert } from './record-auth-alert.ts'
import { checkMFA } from './record-auth-mfa.ts'
import { buildRequestInfo, enrichRecords } from './record-helpers.ts'
import { readRequestBody } from './request-body.ts'

/** 404 of a missing `{collection}` path param (PocketBase's collection-context middleware). */
export const MISSING_COLLECTION = 'Missing or invalid collection context.'
/** 404 of an auth route on a missing or non-auth collection. */
export const MISSING_AUTH_COLLECTION = 'Missing or invalid auth collection context.'

/**
 * Finds the `{collection}` path param (id or case-insensitive name). Throws 404 `Missing or
 * invalid collection context.` when it does not exist.
 */
export function pathCollection(c: Context<Env>): Collection {
  const collection = c.get('app').findCollection(c.req.param('collection') ?? '')
  if (collection === undefined) throw notFoundError(MISSING_COLLECTION)
  return collection
}

/**
 * Finds the `{collection}` path param and requires an auth collection. Throws 404 `Missing or
 * invalid collection context.` when missing (or `missingMessage`, e.g. impersonate's) and 404
 * `Missing or invalid auth collection context.` when it is not an auth collection.
 */
export function authCollection(c: Context<Env>, missingMessage = MISSING_COLLECTION): Collection {
  const collection = c.get('app').findCollection(c.req.param('collection') ?? '')
  if (collection === undefined) throw notFoundError(missingMessage)
  if (!collection.isAuth || collection.auth === undefined)
    throw notFoundError(MISSING_AUTH_COLLECTION)
  return collection
}

/** The raw auth token of the request (`Authorization`, optional `Bearer ` prefix), or "". */
export function requestAuthToken(c: Context<Env>): string {
  let token = c.req.header('authorization') ?? ''
  if (token.length > 7 && token.slice(0, 7).toLowerCase() === 'bearer ') token = token.slice(7)
  return token.trim()
}

/**
 * The request info that rules read (`@request.*`), with `context` overriding the request's own
 * (`password`, `oauth2`, `otp`…). Only the first value of each query param and header is kept.
 */
export async function authRequestInfo(c: Context<Env>, context: string): Promise<RequestInfo> {
  const query: { [key: string]: string } = {}
  for (const [k, v] of Object.entries(c.req.query())) query[k] = v
  let body: { [key: string]: unknown } = {}
  try {
    body = (await readRequestBody(c)).data
  } catch {
    // NOTE: the handler already read (and validated) the body; an unreadable one means {}.
  }
  // NOTE: the headers object is built on first read (a rule with `@request.headers`).
  let headers: { [key: string]: string } | undefined
  return {
    context: context === '' ? requestContext(c) : context,
    method: c.req.method.toUpperCase(),
    query,
    get headers() {
      if (headers === undefined) {
        const values: { [key: string]: string } = {}
        c.req.raw.headers.forEach((v, k) => {
          values[k.toLowerCase().replaceAll('-', '_')] = v
        })
        headers = values
      }
      return headers
    },
    set headers(value) {
      headers = value
    },
    body,
    auth: c.get('auth'),
  }
}

/**
 * Reports whether `info` satisfies the auth collection's `authRule` for `record` (PocketBase
 * `CanAccessRecord`): superusers always pass, `null` lets only superusers through, `""` lets
 * everyone through, a filter must match the record.
 */
export async function canAuthenticate(
  app: App,
  record: Record,
  info: RequestInfo,
): Promise<boolean> {
  if (isSuperuser(info)) return true
  const rule = record.collection.auth?.authRule ?? null
  if (rule === null) return false
  if (rule.trim() === '') return true
  try {
    return await canAccessRecord(app, record, info, rule)
  } catch {
    // An authRule that cannot be evaluated denies (PocketBase answers the same 403).
    return false
  }
}

/** Options of {@link recordAuthResponse}. */
export interface AuthResponseOptions {
  /** `password`, `oauth2`, `otp`… (`@request.context` of the rule checks); "" for refresh/impersonate. */
  readonly authMethod: string
  /** A token to send instead of a new refreshable one (auth-refresh echo, impersonate). */
  readonly token?: string
  /** Extra `meta` (OAuth2 sends the provider's user data). */
  readonly meta?: { [key: string]: unknown }
}

/**
 * Sends PocketBase's auth response `{token, record, meta?}` (`apis.RecordAuthResponse`): checks
 * the collection's `authRule` (403 `The request doesn't satisfy the collection requirements to
 * authenticate.`), issues a refreshable auth token unless `options.token` is given, and honours
 * `?fields=`. The record always shows its own `email`; superusers see hidden fields.
 */
export async function recordAuthResponse(
  c: Context<Env>,
  record: Record,
  options: AuthResponseOptions,
): Promise<Response> {
  const app = c.get('app')
  if (record.collection.name === '_superusers' && !superuserIPAllowed(c)) throw forbiddenError()
  const info = await authRequestInfo(c, options.authMethod)
  if (!(await canAuthenticate(app, record, info))) {
    throw forbiddenError("The request doesn't satisfy the collection requirements to authenticate.")
  }
  // MFA (§6.6): a first factor answers 401 {mfaId}; a second, different one completes.
  const mfaId = await checkMFA(c, record, options.authMethod, info)
  if (mfaId !== '') return c.json({ mfaId }, 401)
  const event = new RecordAuthRequestEvent(app, record, info, {
    token: options.token ?? (await newAuthToken(record)),
    meta: options.meta,
    authMethod: options.authMethod,
  })
  await app.onRecordAuthRequest.trigger(event, async (e) => {
    e.response = await authAnswer(c, e.record, options.authMethod, e.token, e.meta)
  })
  return event.response ?? c.body(null, 200)
}

/** The rest of a sign-in: the auth alert, then `{token, record, meta?}` (expand and fields). */
async function authAnswer(
  c: Context<Env>,
  record: Record,
  authMethod: string,
  token: string,
  meta: { [key: string]: unknown } | null,
): Promise<Response> {
  const app = c.get('app')
  // Auth alert (§6.11) after a credentialed sign-in; a failure is logged, never answered.
  if (authMethod !== '' && record.collection.auth?.authAlert.enabled) {
    try {
      await authAlert(c, record)
    } catch (err) {
      await reportError(
        app,
        '[recordAuthResponse] Failed to send login alert',
        err,
        {
          recordId: record.id,
        },
        LOG_LEVEL.warn,
      )
    }
  }
  const requester = c.get('auth')
  const expand = c.req.query('expand')
  if (expand) {
    // NOTE: like PocketBase, the expanded collections' view rules see the authenticated record.
    await enrichRecords(app, [record], { ...buildRequestInfo(c), auth: record }, expand)
  }
  const exported = exportRecord(record, {
    withHidden: isSuperuser({ auth: requester }) || record.collection.name === '_superusers',
    auth: record,
  })
  const result: { [key: string]: unknown } = {}
  if (meta !== null) result.meta = meta
  result.record = exported
  result.token = token
  const fields = c.req.query('fields')
  return c.json(fields ? pickFields(result, fields) : result)
}
