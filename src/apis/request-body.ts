import type { Context } from 'hono'
import { ApiError, badRequestError } from '../tools/router/api-error.ts'

/** A parsed request body: plain values plus uploaded files by part name. */
export interface RequestBody {
  data: { [key: string]: unknown }
  files: Map<string, File[]>
}

/**
 * Infers a multipart/urlencoded string value like PocketBase (§2.2): "" stays a string,
 * "true"/"false" become booleans, a string of digits/`-`/`.` that round-trips as a number
 * becomes a number, anything else stays a string.
 */
export function inferValue(raw: string): unknown {
  if (raw === '') return raw
  if (raw === 'true') return true
  if (raw === 'false') return false
  if (/^[-.\d]+$/.test(raw)) {
    const n = Number(raw)
    if (Number.isFinite(n) && String(n) === raw) return n
  }
  return raw
}

/**
 * Reads the request body once (cached on the context): JSON, multipart/form-data (with
 * `@jsonPayload` parts merged over the values, repeated keys as arrays, files kept apart) or
 * urlencoded. An empty body gives `{}`. Throws 400 for malformed JSON or an unsupported type.
 */
export async function readRequestBody(c: Context): Promise<RequestBody> {
  const cached = c.get('body' as never) as RequestBody | undefined
  if (cached !== undefined) return cached
  const body = await parse(c)
  c.set('body' as never, body as never)
  return body
}

async function parse(c: Context): Promise<RequestBody> {
  const empty: RequestBody = { data: {}, files: new Map() }
  const length = c.req.header('content-length')
  // NOTE: HTTP/1.1 requests without Content-Length or Transfer-Encoding have no body; not
  // touching the body keeps the adapter from building a full Request object.
  if (length === '0' || isBodilessHttp1(c)) return empty
  const type = (c.req.header('content-type') ?? '').toLowerCase()
  if (type === '' || type.startsWith('application/json')) {
    const text = await c.req.text()
    if (text.trim() === '') return empty
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (err) {
      throw badRequestError('Failed to read the request body: invalid JSON.', undefined, {
        cause: err,
      })
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw badRequestError('Failed to read the request body: expected a JSON object.')
    }
    return { data: parsed as { [key: string]: unknown }, files: new Map() }
  }
  if (
    type.startsWith('multipart/form-data') ||
    type.startsWith('application/x-www-form-urlencoded')
  ) {
    let form: FormData
    try {
      form = await c.req.raw.formData()
    } catch (err) {
      if (err instanceof ApiError) throw err
      throw badRequestError('Failed to read the request body.', undefined, { cause: err })
    }
    const data: { [key: string]: unknown } = {}
    const files = new Map<string, File[]>()
    const payloads: string[] = []
    for (const [key, value] of form.entries()) {
      if (typeof value !== 'string') {
        const list = files.get(key) ?? []
        list.push(value)
        files.set(key, list)
        continue
      }
      if (key === '@jsonPayload') {
        payloads.push(value)
        continue
      }
      const v = inferValue(value)
      if (key in data) {
        const prev = data[key]
        data[key] = Array.isArray(prev) ? [...prev, v] : [prev, v]
      } else {
        data[key] = v
      }
    }
    for (const p of payloads) {
      let parsed: unknown
      try {
        parsed = JSON.parse(p)
      } catch (err) {
        throw badRequestError('Failed to read the @jsonPayload part: invalid JSON.', undefined, {
          cause: err,
        })
      }
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
        Object.assign(data, parsed)
    }
    return { data, files }
  }
  throw badRequestError('Unsupported Content-Type.')
}

/**
 * True when the request is the HTTP/1.1 message Node received (not an in-process request, such
 * as a batch sub-request, that shares its context env) and declares neither Content-Length nor
 * Transfer-Encoding, so by HTTP/1.1 it has no body.
 */
export function isBodilessHttp1(c: Context): boolean {
  if (
    c.req.header('content-length') !== undefined ||
    c.req.header('transfer-encoding') !== undefined
  ) {
    return false
  }
  const incoming = (
    c.env as { incoming?: { httpVersionMajor?: number; method?: string; url?: string } } | undefined
  )?.incoming
  return (
    incoming?.httpVersionMajor === 1 &&
    incoming.method === c.req.method &&
    incoming.url !== undefined &&
    c.req.url.endsWith(incoming.url)
  )
}
