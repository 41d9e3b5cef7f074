import type { Context, Hono } from 'hono'
import { skipSuccessActivityLogMiddleware } from './activity-logger.ts'
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
 * Binds `GET|POST /api/oauth2-redirect` (PocketBase §6.8): the provider's redirect target in
 * the SDK's one-call OAuth2 flow. Reads `state`, `code`, `error` from the query (GET) or the
 * form body (POST, Apple's `form_post`), sends them as an `@oauth2` message to the realtime
 * client whose id is `state`, and redirects the browser (307 for GET, 303 for POST) to the
 * dashboard's success or failure page.
 */
export function bindOAuth2RedirectApi(api: Hono<Env>): void {
  api.get('/oauth2-redirect', skipSuccessActivityLogMiddleware(), oauth2Redirect)
  api.post('/oauth2-redirect', skipSuccessActivityLogMiddleware(), oauth2Redirect)
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

  // NOTE: the client must exist, not be discarded, be subscribed to `@oauth2` and connect from
  // the same IP; it is unsubscribed after the send. The hub relays to the worker holding it.
  const delivered = await c
    .get('app')
    .realtime.sendClientMessage(
      { clientId: message.state, subscription: OAUTH2_TOPIC, ip: realIP(c), unsubscribe: true },
      { name: OAUTH2_TOPIC, data: JSON.stringify(message) },
    )
    .catch(() => false)
  if (!delivered || error !== '' || message.code === '') return c.redirect(FAILURE_PATH, status)
  return c.redirect(SUCCESS_PATH, status)
}
