import type { Context } from 'hono'
import type { App } from '../core/app.ts'
import type { Collection } from '../core/collection-model.ts'
import { expandRecords } from '../core/record-expand.ts'
import type { Record } from '../core/record-model.ts'
import { findRecordsByIds } from '../core/record-query.ts'
import { RecordEnrichEvent } from '../core/record-request-events.ts'
import { recordSelect } from '../core/record-rules.ts'
import { isSuperuser, type RequestInfo } from '../core/request-info.ts'
import { pickFields, pickListFields } from '../tools/picker/pick.ts'
import { badRequestError } from '../tools/router/api-error.ts'
import { type Env, requestContext } from './middlewares.ts'

/**
 * The request info of a records request (PocketBase `RequestInfo`, §5.8): context `default`,
 * the upper-case method, the first value of each query parameter, the first value of each header
 * keyed in lower snake_case (`X-Api-Key` → `x_api_key`), the given body (callers pass the
 * modifier-resolved body) and the auth record.
 */
export function buildRequestInfo(
  c: Context<Env>,
  body: { [key: string]: unknown } = {},
): RequestInfo {
  const query: { [key: string]: string } = {}
  const url = c.req.url
  const qs = url.indexOf('?')
  if (qs >= 0) {
    for (const [k, v] of new URLSearchParams(url.slice(qs + 1))) if (!(k in query)) query[k] = v
  }
  // NOTE: the headers object is built on first read (a rule or hook with `@request.headers`):
  // most requests never read it, and it cost ≈3% of a create.
  let headers: { [key: string]: string } | undefined
  return {
    context: requestContext(c),
    method: c.req.method,
    query,
    get headers() {
      headers ??= headerValues(c.req.raw.headers)
      return headers
    },
    set headers(value) {
      headers = value
    },
    body,
    auth: c.get('auth'),
  }
}

/** The first value of each header keyed in lower snake_case (`X-Api-Key` → `x_api_key`). */
function headerValues(raw: Headers): { [key: string]: string } {
  const headers: { [key: string]: string } = {}
  raw.forEach((value, key) => {
    const k = key.toLowerCase().replaceAll('-', '_')
    // NOTE: fetch joins repeated header lines with ", "; PocketBase would see the first line
    // only. A single value may itself contain commas, so the joined value is kept.
    if (!(k in headers)) headers[k] = value
  })
  return headers
}

/**
 * Marks records for export to this requester (PocketBase `autoResolveRecordsFlags`): superusers
 * see hidden fields and every email; an auth record sees its own email; records of an auth
 * collection whose manageRule matches for the requester show their email. All records must be of
 * one collection.
 */
export async function resolveRecordFlags(
  app: App,
  records: readonly Record[],
  info: RequestInfo,
): Promise<void> {
  const auth = info.auth
  if (auth === null || records.length === 0) return
  if (isSuperuser(info)) {
    for (const r of records) {
      r.withHidden = true
      r.ignoreEmailVisibility = true
    }
    return
  }
  const collection = records[0]!.collection
  if (!collection.isAuth) return
  for (const r of records) {
    if (r.id === auth.id && r.collection.id === auth.collection.id) r.ignoreEmailVisibility = true
  }
  const rule = collection.auth?.manageRule ?? null
  if (rule === null || rule === '') return
  const managed = await managedIds(
    app,
    collection,
    records.map((r) => r.id),
    info,
    rule,
  )
  for (const r of records) if (managed.has(r.id)) r.ignoreEmailVisibility = true
}

async function managedIds(
  app: App,
  collection: Collection,
  ids: readonly string[],
  info: RequestInfo,
  rule: string,
): Promise<Set<string>> {
  try {
    const found = await findRecordsByIds(
      app,
      collection,
      ids,
      recordSelect(app, collection, info, { rule }),
    )
    return new Set(found.map((r) => r.id))
  } catch {
    // NOTE: a broken manageRule only hides emails; it never fails the response.
    return new Set()
  }
}

/**
 * Prepares records for a response (PocketBase `EnrichRecords`): export flags for the requester,
 * then the `?expand=` relations, each related collection filtered by its own viewRule (context
 * `expand`; `null` → superusers only; failures are ignored), then `onRecordEnrich` for every
 * record, expanded ones included.
 */
export async function enrichRecords(
  app: App,
  records: readonly Record[],
  info: RequestInfo,
  expand?: string,
): Promise<void> {
  await resolveRecordFlags(app, records, info)
  const param = expand ?? info.query.expand ?? ''
  if (param !== '' && records.length > 0) await expandFor(app, records, info, param)
  if (app.onRecordEnrich.length > 0) {
    for (const r of records) await triggerEnrich(app, r, info)
  }
}

/** Fires `onRecordEnrich` for a record and, depth first, for its expanded records. */
async function triggerEnrich(app: App, record: Record, info: RequestInfo): Promise<void> {
  await app.onRecordEnrich.trigger(new RecordEnrichEvent(app, record, info), async () => {})
  for (const v of Object.values(record.expand ?? {})) {
    for (const r of Array.isArray(v) ? v : [v]) await triggerEnrich(app, r, info)
  }
}

/** Runs the `expand` of a response, each related collection filtered by its viewRule. */
async function expandFor(
  app: App,
  records: readonly Record[],
  info: RequestInfo,
  param: string,
): Promise<void> {
  const expandInfo: RequestInfo = { ...info, context: 'expand' }
  await expandRecords(app, records, [param], async (collection, ids) => {
    const su = isSuperuser(info)
    const rule = collection.viewRule
    if (!su && rule === null) {
      throw new Error(`Only superusers can view collection "${collection.name}" records.`)
    }
    const extra =
      su || rule === '' || rule === null
        ? undefined
        : recordSelect(app, collection, expandInfo, { rule })
    const found = await findRecordsByIds(app, collection, ids, extra)
    await resolveRecordFlags(app, found, info)
    return found
  })
}

/**
 * Sends a 2xx JSON response with the `?fields=` picker applied (PocketBase §2.3); for a list
 * response the picker applies to each item. An invalid `fields` value gives 400.
 */
export function jsonResponse(c: Context<Env>, data: unknown, list = false): Response {
  const fields = c.req.query('fields')
  if (fields !== undefined && fields !== '') {
    try {
      data = list ? pickListFields(data as { items: unknown[] }, fields) : pickFields(data, fields)
    } catch (err) {
      throw badRequestError('', undefined, { cause: err })
    }
  }
  return c.json(data as object, 200)
}
