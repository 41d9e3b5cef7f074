import type { Context, Hono } from 'hono'
import type { App } from '../core/app.ts'
import { BatchRequestEvent } from '../core/batch-request-event.ts'
import { findRecordById } from '../core/record-query.ts'
import { NoRowsError } from '../tools/db/db.ts'
import type { UploadedFile } from '../tools/filesystem/uploaded-file.ts'
import { pickFields } from '../tools/picker/pick.ts'
import { ApiError, badRequestError, forbiddenError } from '../tools/router/api-error.ts'
import {
  required,
  type ValidationErrorMap,
  validationError,
} from '../tools/validation/validation-errors.ts'
import { limitBody } from './body-limit.ts'
import { type Env, registerSubRequest } from './middlewares.ts'
import { buildRequestInfo } from './record-helpers.ts'
import { readRequestBody } from './request-body.ts'

/** Batch body limit when `settings.batch.maxBodySize` is 0: 128 MiB (PocketBase §2.1). */
export const DEFAULT_BATCH_BODY_LIMIT = 128 << 20

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']
const MAX_URL_LENGTH = 2000

/** The router a batch dispatches its sub-requests through (the root Hono app). */
export interface SubRequestDispatcher {
  fetch(request: Request, env?: unknown): Response | Promise<Response>
}

/**
 * Binds `POST /api/batch` (PocketBase §9). `dispatcher` is the root router: every sub-request
 * goes through it (global middlewares and the record handlers) with the app bound to the batch
 * transaction and the caller's auth.
 */
export function bindBatchApi(api: Hono<Env>, dispatcher: SubRequestDispatcher): void {
  api.post(
    '/batch',
    limitBody((c) => {
      const max = (c as Context<Env>).get('app').settings().batch.maxBodySize
      return max > 0 ? max : DEFAULT_BATCH_BODY_LIMIT
    }),
    (c) => batchTransaction(c, dispatcher),
  )
}

/** One validated sub-request of a batch. */
interface BatchItem {
  method: string
  url: string
  headers: { [key: string]: string }
  body: { [key: string]: unknown }
  files: [string, UploadedFile][]
}

/** The result of one sub-request: its status and parsed JSON body (null when empty). */
interface BatchResult {
  status: number
  body: unknown
}

class BatchItemFailure extends Error {
  readonly index: number
  readonly result: BatchResult
  constructor(index: number, result: BatchResult) {
    super('Batch request failed.')
    this.index = index
    this.result = result
  }
}

class BatchTimeout extends Error {}

async function batchTransaction(
  c: Context<Env>,
  dispatcher: SubRequestDispatcher,
): Promise<Response> {
  const app = c.get('app')
  const settings = app.settings().batch
  if (!settings.enabled || settings.maxRequests <= 0) {
    throw forbiddenError('Batch requests are not allowed.')
  }
  const read = await readBatchItems(c, settings.maxRequests)
  const event = new BatchRequestEvent(
    app,
    read.map(({ files: _files, ...r }) => r),
    buildRequestInfo(c),
  )
  await app.onBatchRequest.trigger(event, async (e) => {
    // NOTE: an item keeps the files read at its position while its target stays the same
    const items = e.batch.map((r, i) => ({
      ...r,
      files: read[i]?.url === r.url && read[i]?.method === r.method ? read[i]!.files : [],
    }))
    e.response = await runBatch(c, dispatcher, items)
  })
  return event.response ?? c.body(null, 200)
}

/** Runs the items in one transaction (bounded by `settings.batch.timeout`) and answers. */
async function runBatch(
  c: Context<Env>,
  dispatcher: SubRequestDispatcher,
  items: BatchItem[],
): Promise<Response> {
  const app = c.get('app')
  const settings = app.settings().batch
  const auth = c.get('auth')
  let timedOut = false
  const run = app.runInTransaction(async (txApp) => {
    const results: BatchResult[] = []
    for (let i = 0; i < items.length; i++) {
      if (timedOut) throw new BatchTimeout()
      const result = await runItem(c, dispatcher, txApp, auth, items[i]!)
      if (timedOut) throw new BatchTimeout()
      if (result.status >= 400) throw new BatchItemFailure(i, result)
      results.push(result)
    }
    return results
  })
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true
      reject(new BatchTimeout())
    }, Math.max(1, settings.timeout) * 1000)
  })
  // NOTE: on timeout the response goes out at once; the transaction rolls back when the
  // running sub-request returns (it sees `timedOut`).
  run.catch(() => undefined)
  let results: BatchResult[]
  try {
    results = await Promise.race([run, timeout])
  } catch (err) {
    if (err instanceof BatchItemFailure) {
      const body = (err.result.body ?? {}) as { message?: unknown; data?: unknown }
      throw badRequestError('Batch transaction failed.', {
        requests: {
          [String(err.index)]: {
            code: 'batch_request_failed',
            message: 'Batch request failed.',
            response: {
              data: body.data ?? {},
              message: body.message ?? '',
              status: err.result.status,
            },
          },
        },
      })
    }
    if (err instanceof BatchTimeout) {
      throw badRequestError('Batch transaction failed.', undefined, { cause: err })
    }
    throw err
  } finally {
    clearTimeout(timer)
  }
  const fields = c.req.query('fields')
  return c.json(fields ? results.map((r) => pickFields(r, fields)) : results)
}

/** A batch body value of the wrong type: PocketBase's "loading" error. */
function loadError(cause?: unknown): ApiError {
  return badRequestError('Failed to read the submitted batch data.', undefined, {
    cause,
  })
}

async function readBatchItems(c: Context<Env>, maxRequests: number): Promise<BatchItem[]> {
  let data: { [key: string]: unknown }
  let files: Map<string, UploadedFile[]>
  try {
    ;({ data, files } = await readRequestBody(c))
  } catch (err) {
    if (err instanceof ApiError && err.status !== 400) throw err
    throw loadError(err)
  }
  const raw = data.requests ?? null
  if (raw !== null && !Array.isArray(raw)) throw loadError()
  const list = (raw ?? []) as unknown[]
  const invalid = (errors: ValidationErrorMap) =>
    badRequestError('Invalid batch request data.', errors)
  if (list.length === 0) throw invalid({ requests: required() })
  if (list.length > maxRequests) {
    throw invalid({
      requests: validationError(
        'validation_length_too_long',
        `The length must be no more than ${maxRequests}.`,
        { max: maxRequests, min: 0 },
      ),
    })
  }
  const items: BatchItem[] = []
  const errors: ValidationErrorMap = {}
  list.forEach((entry, i) => {
    if (entry !== null && (typeof entry !== 'object' || Array.isArray(entry))) throw loadError()
    const e = (entry ?? {}) as { [key: string]: unknown }
    const str = (v: unknown) => {
      if (v === undefined || v === null) return ''
      if (typeof v !== 'string') throw loadError()
      return v
    }
    const method = str(e.method)
    const url = str(e.url)
    const headers: { [key: string]: string } = {}
    if (e.headers !== undefined && e.headers !== null) {
      if (typeof e.headers !== 'object' || Array.isArray(e.headers)) throw loadError()
      for (const [k, v] of Object.entries(e.headers)) headers[k] = str(v)
    }
    let body: { [key: string]: unknown } = {}
    if (e.body !== undefined && e.body !== null) {
      if (typeof e.body !== 'object' || Array.isArray(e.body)) throw loadError()
      body = e.body as { [key: string]: unknown }
    }
    const itemErrors: ValidationErrorMap = {}
    if (method === '') itemErrors.method = required()
    else if (!METHODS.includes(method))
      itemErrors.method = validationError('validation_in_invalid', 'Must be a valid value.')
    if (url === '') itemErrors.url = required()
    else if ([...url].length > MAX_URL_LENGTH) {
      itemErrors.url = validationError(
        'validation_length_too_long',
        `The length must be no more than ${MAX_URL_LENGTH}.`,
        { max: MAX_URL_LENGTH, min: 0 },
      )
    }
    if (Object.keys(itemErrors).length > 0) errors[String(i)] = itemErrors
    items.push({ method, url, headers, body, files: filesOf(files, i) })
  })
  if (Object.keys(errors).length > 0) throw invalid({ requests: errors })
  return items
}

/** The uploaded parts of item `i`: `requests.<i>.<key>` or `requests[<i>].<key>` → `<key>`. */
function filesOf(files: Map<string, UploadedFile[]>, i: number): [string, UploadedFile][] {
  const out: [string, UploadedFile][] = []
  for (const [name, list] of files) {
    const m = /^requests(?:\.(\d+)|\[(\d+)\])\.(.+)$/.exec(name)
    if (m === null || Number(m[1] ?? m[2]) !== i) continue
    for (const f of list) out.push([m[3]!, f])
  }
  return out
}

/** The allowed batch actions (PocketBase §9): record create, update, delete and upsert. */
const ACTIONS: { method: string; pattern: RegExp }[] = [
  { method: 'POST', pattern: /^\/api\/collections\/([^/?]+)\/records(\?.*)?$/ },
  { method: 'PATCH', pattern: /^\/api\/collections\/([^/?]+)\/records\/([^/?]+)(\?.*)?$/ },
  { method: 'DELETE', pattern: /^\/api\/collections\/([^/?]+)\/records\/([^/?]+)(\?.*)?$/ },
  { method: 'PUT', pattern: /^\/api\/collections\/([^/?]+)\/records(\?.*)?$/ },
]

const HOP_HEADERS = new Set([
  'authorization',
  'content-type',
  'content-length',
  'transfer-encoding',
])

async function runItem(
  c: Context<Env>,
  dispatcher: SubRequestDispatcher,
  txApp: App,
  auth: Env['Variables']['auth'],
  item: BatchItem,
): Promise<BatchResult> {
  const action = ACTIONS.find((a) => a.method === item.method && a.pattern.test(item.url))
  if (action === undefined) {
    return { status: 400, body: badRequestError().toJSON() }
  }
  let method = item.method
  let url = item.url
  if (method === 'PUT') {
    // NOTE: upsert = update when body.id names an existing record of the collection, else create.
    const m = action.pattern.exec(url)!
    const query = m[2] ?? ''
    const collection = txApp.findCollection(safeDecode(m[1]!))
    const id = typeof item.body.id === 'string' ? item.body.id : ''
    let exists = false
    if (collection !== undefined && id !== '') {
      try {
        await findRecordById(txApp, collection, id)
        exists = true
      } catch (err) {
        if (!(err instanceof NoRowsError)) throw err
      }
    }
    method = exists ? 'PATCH' : 'POST'
    url = exists
      ? `/api/collections/${m[1]}/records/${encodeURIComponent(id)}${query}`
      : `/api/collections/${m[1]}/records${query}`
  }

  const headers = new Headers()
  c.req.raw.headers.forEach((v, k) => {
    if (!HOP_HEADERS.has(k)) headers.set(k, v)
  })
  for (const [k, v] of Object.entries(item.headers)) {
    if (!HOP_HEADERS.has(k.toLowerCase())) headers.set(k, v)
  }
  let body: FormData | string | undefined
  if (method !== 'DELETE') {
    if (item.files.length > 0) {
      const form = new FormData()
      form.append('@jsonPayload', JSON.stringify(item.body))
      // NOTE: file-backed blobs: the upload is streamed again, not read into memory.
      for (const [key, file] of item.files) form.append(key, await file.toBlob(), file.originalName)
      body = form
    } else {
      headers.set('content-type', 'application/json')
      body = JSON.stringify(item.body)
    }
  }
  const origin = new URL(c.req.url).origin
  const request = new Request(origin + url, { method, headers, body })
  registerSubRequest(request, { app: txApp, auth, context: 'batch' })
  const response = await dispatcher.fetch(request, c.env)
  const text = await response.text()
  let parsed: unknown = null
  if (text.trim() !== '') {
    try {
      parsed = JSON.parse(text)
    } catch {
      parsed = text
    }
  }
  return { status: response.status, body: parsed }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}
