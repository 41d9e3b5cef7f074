import { isIP } from 'node:net'
import type { Context, Hono } from 'hono'
import { activeBackup } from '../core/backup-state.ts'
import { type Env, isSuperuserRequest } from './middlewares.ts'

/** Proxy headers whose presence `GET /api/health` reports to superusers, in priority order. */
const KNOWN_PROXY_HEADERS = ['CF-Connecting-IP', 'Fly-Client-IP', 'X-Forwarded-For'] as const

/**
 * Binds `GET /api/health` (PocketBase §3.1; note the `code` key instead of `status`). Superusers
 * also get `canBackup` (false while a backup/restore runs in any process), `realIP` and
 * `possibleProxyHeader` (the first known proxy header the request carries, a hint for
 * configuring `trustedProxy`); while a backup/restore runs, Satchel adds `activeBackup`
 * (`{operation, name, progress, started}`, progress 0–100) for the dashboard to poll.
 */
export function bindHealthApi(api: Hono<Env>): void {
  api.get('/health', (c) => {
    const data: { [key: string]: unknown } = {}
    if (isSuperuserRequest(c)) {
      const active = activeBackup(c.get('app'))
      data.canBackup = active === undefined
      data.realIP = realIP(c)
      data.possibleProxyHeader =
        KNOWN_PROXY_HEADERS.find((h) => c.req.header(h) !== undefined) ?? ''
      if (active !== undefined) {
        const { operation, name, progress, started } = active
        data.activeBackup = { operation, name, progress, started }
      }
    }
    return c.json({ message: 'API is healthy.', code: 200, data })
  })
}

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/**
 * The client IP (PocketBase `RealIP`, §2.1): with `settings.trustedProxy.headers`, the first
 * listed header present is split on commas and the right-most (or left-most with
 * `useLeftmostIP`) parseable IP wins; otherwise the socket's remote address ("" when unknown,
 * e.g. in-process requests).
 */
export function realIP(c: Context<Env>): string {
  const proxy = c.get('app').settings().trustedProxy
  for (const name of proxy.headers) {
    // NOTE: the settings accept any text; a name that is no HTTP token (e.g. "a b") matches no
    // header, as in Go, instead of making every request fail
    if (!HEADER_NAME.test(name)) continue
    const value = c.req.header(name)
    if (value === undefined || value.trim() === '') continue
    const ips = value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => isIP(s) !== 0)
    if (ips.length === 0) continue
    return (proxy.useLeftmostIP ? ips[0] : ips[ips.length - 1]) ?? ''
  }
  return remoteAddress(c)
}

/** The socket's remote address (PocketBase `RemoteIP`); "" for in-process requests. */
export function remoteAddress(c: Context<Env>): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined
  const addr = env?.incoming?.socket?.remoteAddress ?? ''
  return addr.startsWith('::ffff:') ? addr.slice(7) : addr
}
