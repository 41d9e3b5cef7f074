import type { Hono } from 'hono'
import { type Env, isSuperuserRequest } from './middlewares.ts'

/** Binds `GET /api/health` (PocketBase §3.1; note the `code` key instead of `status`). */
export function bindHealthApi(api: Hono<Env>): void {
  api.get('/health', (c) => {
    const data: { [key: string]: unknown } = {}
    if (isSuperuserRequest(c)) {
      data.canBackup = true
      data.realIP = remoteIp(c.req.raw, c.env) ?? ''
      data.possibleProxyHeader = ''
    }
    return c.json({ message: 'API is healthy.', code: 200, data })
  })
}

function remoteIp(_req: Request, env: unknown): string | undefined {
  const incoming = (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)
    ?.incoming
  return incoming?.socket?.remoteAddress
}
