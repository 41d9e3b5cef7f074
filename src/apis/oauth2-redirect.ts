import type { Context, Hono } from 'hono'
import type { App } from '../core/app.ts'
import { realIP } from './health.ts'
import type { Env } from './middlewares.ts'
import { readRequestBody } from './request-body.ts'

/** The realtime topic and message name of the all-in-one OAuth2 flow. */
export const OAUTH2_TOPIC = '@oauth2'

const SUCCESS_PATH = '../_/#/auth/oauth2-redirect-success'
const FAILURE_PATH = '../_/#/auth/oauth2-redirect-failure'

/** The `@oauth2` message data: `error` only when the provider sent one. */
export interface OAuth2RedirectMessage {
  state: string
  code: string
  error?: string
}

/**
 * Delivers the `@oauth2` message to the realtime client whose id is `clientId` (PocketBase:
 * the client must exist, not be discarded, be subscribed to `@oauth2` and — 0.40 — connect from
 * `ip`; it is then unsubscribed from `@oauth2`). Resolves true when delivered. Across worker
 * processes the realtime layer relays it to the worker holding the connection.
 */
export type OAuth2ClientNotifier = (
  app: App,
  clientId: string,
  ip: string,
  message: OAuth2RedirectMessage,
) => Promise<boolean>

let notifier: OAuth2ClientNotifier = async () => false

/**
 * Plugs in the realtime delivery of {@link OAuth2ClientNotifier}. NOTE: the seam to the realtime
 * broker (src/tools/subscriptions, src/apis/realtime.ts); until it is wired every redirect
 * counts as "no such client" and ends on the failure page.
 */
export function setOAuth2ClientNotifier(fn: OAuth2ClientNotifier): void {
  notifier = fn
}

/**
 * Binds `GET|POST /api/oauth2-redirect` (PocketBase §6.8): the provider's redirect target in
 * the SDK's one-call OAuth2 flow. Reads `state`, `code`, `error` from the query (GET) or the
 * form body (POST, Apple's `form_post`), sends them as an `@oauth2` message to the realtime
 * client whose id is `state`, and redirects the browser (307 for GET, 303 for POST) to the
 * dashboard's success or failure page.
 */
export function bindOAuth2RedirectApi(api: Hono<Env>): void {
  api.get('/oauth2-redirect', oauth2Redirect)
  api.post('/oauth2-redirect', oauth2Redirect)
}

async function oauth2Redirect(c: Context<Env>): Promise<Response> {
  const status = c.req.method === 'GET' ? 307 : 303
  let data: { [key: string]: unknown }
  if (c.req.method === 'POST') {
    try {
      data = (await readRequestBody(c)).data
    } catch {
      return c.redirect(FAILURE_PATH, status)
    }
  } else {
    data = { state: c.req.query('state'), code: c.req.query('code'), error: c.req.query('error') }
  }
  const text = (v: unknown) => (typeof v === 'string' ? v : '')
  const message: OAuth2RedirectMessage = { state: text(data.state), code: text(data.code) }
  const error = text(data.error)
  if (error !== '') message.error = error
  if (message.state === '') return c.redirect(FAILURE_PATH, status)

  const delivered = await notifier(c.get('app'), message.state, realIP(c), message).catch(
    () => false,
  )
  if (!delivered || error !== '' || message.code === '') return c.redirect(FAILURE_PATH, status)
  return c.redirect(SUCCESS_PATH, status)
}
