import type { MiddlewareHandler } from 'hono'

const ALLOW_METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE'

/**
 * CORS as PocketBase's `serve` applies it (§2.1): `Vary: Origin` on every response; for a
 * request with an `Origin`, the allowed origin (`*`, or the request's origin when it matches an `--origins` entry, where `*` and `?`
 * are wildcards) in `Access-Control-Allow-Origin`; an OPTIONS request with an `Origin` is a
 * preflight answered 204 with the methods and the echoed requested headers (without one, a bare
 * 204).
 *
 * NOTE: headers are set on the context before the handler runs, so no response object is built
 * twice (Hono's `cors` reads `c.res` first, which costs a throwaway Response per request).
 */
export function cors(origins: readonly string[]): MiddlewareHandler {
  const any = origins.length === 0 || origins.includes('*')
  const patterns = any ? [] : origins.map(wildcardPattern)
  const allowed = (origin: string | undefined): string | undefined => {
    if (any) return '*'
    if (origin === undefined) return undefined
    return patterns.some((p) => p.test(origin)) ? origin : undefined
  }
  return async (c, next) => {
    const origin = c.req.header('origin')
    if (c.req.method === 'OPTIONS' && origin === undefined) {
      // a preflight-like request without Origin: PocketBase answers 204 with only `Vary`
      return new Response(null, { status: 204, headers: { Vary: 'Origin' } })
    }
    const allow = allowed(origin)
    if (c.req.method === 'OPTIONS' && origin !== undefined) {
      const headers = new Headers()
      if (allow !== undefined) headers.set('Access-Control-Allow-Origin', allow)
      headers.set('Access-Control-Allow-Methods', ALLOW_METHODS)
      const requested = c.req.header('access-control-request-headers')
      if (requested) headers.set('Access-Control-Allow-Headers', requested)
      headers.append('Vary', 'Origin')
      headers.append('Vary', 'Access-Control-Request-Method')
      headers.append('Vary', 'Access-Control-Request-Headers')
      return new Response(null, { status: 204, headers })
    }
    // a request without Origin is no CORS request: PocketBase only adds `Vary`
    if (allow !== undefined && origin !== undefined) c.header('Access-Control-Allow-Origin', allow)
    c.header('Vary', 'Origin')
    await next()
    return undefined
  }
}

function wildcardPattern(origin: string): RegExp {
  const escaped = origin.trim().replace(/[.+^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`^${escaped.replaceAll('*', '.*').replaceAll('?', '.')}$`)
}
