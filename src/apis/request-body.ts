import { join } from 'node:path'
import { Readable } from 'node:stream'
import type { Context, MiddlewareHandler } from 'hono'
import type { App } from '../core/app.ts'
import type { UploadedFile } from '../tools/filesystem/uploaded-file.ts'
import { ApiError, badRequestError, tooLargeError } from '../tools/router/api-error.ts'
import { type ParsedForm, parseForm } from '../tools/router/multipart.ts'

/**
 * A parsed request body: plain values plus uploaded files by part name (streamed to temporary
 * files, removed by `cleanup` — the `cleanupUploads` middleware calls it after the handler).
 */
export interface RequestBody {
  data: { [key: string]: unknown }
  files: Map<string, UploadedFile[]>
  cleanup?: () => Promise<void>
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

/** PocketBase's message for a request body that cannot be loaded into an endpoint's form. */
export const LOAD_DATA_MESSAGE = 'An error occurred while loading the submitted data.'

/**
 * A 400 with PocketBase's load message, or the endpoint's own `message` (collections use
 * theirs): a malformed body, or a value of the wrong type for the form (Go's decode failure).
 */
export function loadDataError(cause?: unknown, message = LOAD_DATA_MESSAGE): ApiError {
  return badRequestError(message, undefined, cause === undefined ? undefined : { cause })
}

/**
 * The values of the request body (`readRequestBody(c).data`). A body that cannot be read becomes
 * {@link loadDataError} with `message`; other API errors (413 too large) pass through unchanged.
 */
export async function readBodyData(
  c: Context,
  message = LOAD_DATA_MESSAGE,
): Promise<{ [key: string]: unknown }> {
  try {
    return (await readRequestBody(c)).data
  } catch (err) {
    if (err instanceof ApiError && err.status !== 400) throw err
    throw loadDataError(err, message)
  }
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
    const raw = c.req.raw.body
    if (raw === null) return empty
    let form: ParsedForm
    try {
      const headers: { [key: string]: string } = { 'content-type': c.req.header('content-type')! }
      form = await parseForm(Readable.fromWeb(raw as never), headers, uploadsDir(c))
    } catch (err) {
      if (err instanceof ApiError) throw err
      const cause = (err as { cause?: unknown }).cause
      if (cause instanceof ApiError) throw cause
      if ((cause as Error | undefined)?.name === 'BodyLimitError') throw tooLargeError()
      throw badRequestError('Failed to read the request body.', undefined, { cause: err })
    }
    const data: { [key: string]: unknown } = {}
    const payloads: string[] = []
    for (const [key, value] of form.values) {
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
    const result: RequestBody = { data, files: form.files, cleanup: form.cleanup }
    // NOTE: cached before the payloads are decoded so a malformed payload still cleans up.
    c.set('body' as never, result as never)
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
    return result
  }
  throw badRequestError('Unsupported Content-Type.')
}

/** Where multipart uploads are streamed: `<dataDir>/.pb_temp_to_delete/uploads`. */
function uploadsDir(c: Context): string {
  const app = c.get('app' as never) as App | undefined
  return join(app?.dataDir.temp ?? join(process.cwd(), '.pb_temp_to_delete'), 'uploads')
}

/**
 * Removes the temporary files of a multipart body after the handler (uploads are stored by
 * then, or dropped with a failed request).
 */
export const cleanupUploads: MiddlewareHandler = async (c, next) => {
  try {
    await next()
  } finally {
    const body = c.get('body' as never) as RequestBody | undefined
    if (body?.cleanup !== undefined) await body.cleanup()
  }
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
