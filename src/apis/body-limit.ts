import type { Context, MiddlewareHandler, Next } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { tooLargeError } from '../tools/router/api-error.ts'
import { errorResponse } from './api-error.ts'
import { isBodilessHttp1 } from './request-body.ts'

/**
 * A body size limit (PocketBase's 413 `Request entity too large.`). A declared `Content-Length`
 * is checked directly — HTTP/1.1 never delivers more than it declares — so only bodies without
 * one (chunked uploads, in-process requests) pay for Hono's streaming counter. `maxSize` is in bytes, or a function
 * of the request for per-route limits.
 */
export function limitBody(maxSize: number | ((c: Context) => number)): MiddlewareHandler {
  const streaming = new Map<number, MiddlewareHandler>()
  return (c: Context, next: Next) => {
    const max = typeof maxSize === 'number' ? maxSize : maxSize(c)
    const declared = c.req.header('content-length')
    if (declared !== undefined) {
      return Number(declared) > max ? Promise.resolve(errorResponse(c, tooLargeError())) : next()
    }
    if (isBodilessHttp1(c)) return next()
    let limiter = streaming.get(max)
    if (limiter === undefined) {
      limiter = bodyLimit({ maxSize: max, onError: (ctx) => errorResponse(ctx, tooLargeError()) })
      streaming.set(max, limiter)
    }
    return limiter(c, next)
  }
}
