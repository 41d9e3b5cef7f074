import type { Context, Hono } from 'hono'
import type { App } from '../core/app.ts'
import type { Collection } from '../core/collection-model.ts'
import { FileField } from '../core/field-file.ts'
import { toStringArray } from '../core/field-values.ts'
import { deleteRecord } from '../core/record-delete.ts'
import { exportRecord } from '../core/record-export.ts'
import { Record } from '../core/record-model.ts'
import { replaceModifiers } from '../core/record-modifiers.ts'
import { RecordRequestEvent } from '../core/record-request-events.ts'
import {
  canAccessRecord,
  checkUnsavedRecordRule,
  findRecordWithRule,
} from '../core/record-rules.ts'
import { RecordUpsert } from '../core/record-upsert.ts'
import { isSuperuser, type RequestInfo } from '../core/request-info.ts'
import { NoRowsError } from '../tools/db/db.ts'
import {
  ApiError,
  badRequestError,
  forbiddenError,
  notFoundError,
} from '../tools/router/api-error.ts'
import { badRequestFrom } from './api-error.ts'
import { limitBody } from './body-limit.ts'
import type { Env } from './middlewares.ts'
import { collectionRateLimit } from './rate-limit.ts'
import { MISSING_COLLECTION } from './record-auth-helpers.ts'
import { buildRequestInfo, enrichRecords, jsonResponse } from './record-helpers.ts'
import { listRecords } from './record-list.ts'
import { type RequestBody, readRequestBody } from './request-body.ts'

const SUPERUSERS_ONLY = 'Only superusers can perform this action.'
const CREATE_FAILED = 'Failed to create record.'
const UPDATE_FAILED = 'Failed to update record.'
const DELETE_FAILED =
  'Failed to delete record. Make sure that the record is not part of a required relation reference.'

/**
 * Binds the records CRUD routes (PocketBase `apis/record_crud.go`, §3.3):
 * `GET/POST /api/collections/{collection}/records` and
 * `GET/PATCH/DELETE /api/collections/{collection}/records/{id}`.
 */
export function bindRecordCrudApi(api: Hono<Env>): void {
  api.get('/collections/:collection/records', collectionRateLimit('list'), (c) =>
    listRecords(c, findCollection(c)),
  )
  api.get('/collections/:collection/records/:id', collectionRateLimit('view'), recordView)
  api.post(
    '/collections/:collection/records',
    collectionRateLimit('create'),
    recordBodyLimit,
    recordCreate,
  )
  api.patch(
    '/collections/:collection/records/:id',
    collectionRateLimit('update'),
    recordBodyLimit,
    recordUpdate,
  )
  api.delete('/collections/:collection/records/:id', collectionRateLimit('delete'), recordDelete)
}

/** The default body limit (32 MiB, as the router's); see `recordBodyLimitFor`. */
const DEFAULT_BODY_LIMIT = 32 << 20

const RECORD_WRITE_PATH = /^\/api\/collections\/[^/]+\/records(\/[^/]+)?$/

/**
 * True for record create/update requests, whose body limit is set per collection by this
 * module (the router skips its default 32 MiB limit for them).
 */
export function isRecordWriteRequest(c: Context): boolean {
  const m = c.req.method
  return (m === 'POST' || m === 'PATCH') && RECORD_WRITE_PATH.test(c.req.path)
}

/**
 * The body limit of a record create/update (PocketBase §2.1): 32 MiB plus each field's
 * `bodyAllowance()` (files: maxSize × maxSelect, maxSize 0 → 5 MiB; json maxSize, 0 → 1 MiB;
 * editor maxSize, 0 → 5 MiB).
 */
export function recordBodyLimitFor(collection: Collection): number {
  let limit = DEFAULT_BODY_LIMIT
  for (const f of collection.fields) limit += f.bodyAllowance()
  return limit
}

const recordBodyLimit = limitBody((c) => {
  const collection = (c as Context<Env>).get('app').findCollection(c.req.param('collection') ?? '')
  return collection === undefined ? DEFAULT_BODY_LIMIT : recordBodyLimitFor(collection)
})

/**
 * The collection of the path, or 404 with `message` (PocketBase: `Missing collection context.`
 * for list/view/delete, `Missing or invalid collection context.` for create/update).
 */
export function findCollection(
  c: Context<Env>,
  message = 'Missing collection context.',
): Collection {
  const collection = c.get('app').findCollection(c.req.param('collection') ?? '')
  if (collection === undefined) {
    throw notFoundError(message, undefined, { cause: new NoRowsError() })
  }
  return collection
}

function writableCollection(c: Context<Env>, message?: string): Collection {
  const collection = findCollection(c, message)
  if (collection.isView) throw badRequestError('Unsupported collection type.')
  return collection
}

/**
 * Reads the body; malformed input is PocketBase's generic 400 (the unsupported content type and
 * 413 keep their messages).
 */
async function readBody(c: Context<Env>): Promise<RequestBody> {
  try {
    return await readRequestBody(c)
  } catch (err) {
    if (
      err instanceof ApiError &&
      (err.status !== 400 || err.message === 'Unsupported Content-Type.')
    )
      throw err
    throw badRequestError('', undefined, { cause: err })
  }
}

/**
 * The submitted data as rules (`@request.body`) and the form see it (§4.2 steps 2–3): modifiers
 * resolved against `record`, and for non-superusers the keys of hidden fields removed (except
 * the password of auth collections).
 */
function submittedData(
  record: Record,
  body: RequestBody,
  superuser: boolean,
): { [key: string]: unknown } {
  const data = replaceModifiers(record, withUploads(record.collection, body))
  if (superuser) return data
  const c = record.collection
  for (const f of c.fields) {
    if (f.hidden && f.name in data && !(c.isAuth && f.name === 'password')) delete data[f.name]
  }
  return data
}

/**
 * The body values with the uploaded files merged in (§4.2 step 4): parts named `field`,
 * `+field` or `field+` of a file field; under a plain `field` key the submitted names (files to
 * keep) come first, then the uploads. Other file parts are ignored.
 */
function withUploads(collection: Collection, body: RequestBody): { [key: string]: unknown } {
  if (body.files.size === 0) return body.data
  const data = { ...body.data }
  for (const [key, files] of body.files) {
    const name = key.startsWith('+') ? key.slice(1) : key.endsWith('+') ? key.slice(0, -1) : key
    if (!(collection.getField(name) instanceof FileField)) continue
    const prev = data[key]
    data[key] = prev === undefined ? files : [...toStringArray(prev), ...files]
  }
  return data
}

/** A submit failure as PocketBase reports it: API errors as is, anything else as `fallback`. */
function submitError(err: unknown, fallback: string): ApiError {
  return err instanceof ApiError ? err : badRequestFrom(fallback, err)
}

/** Exports an enriched record for the response. */
async function respondRecord(
  c: Context<Env>,
  app: App,
  record: Record,
  info: RequestInfo,
): Promise<Response> {
  await enrichRecords(app, [record], info)
  return jsonResponse(c, exportRecord(record))
}

async function recordView(c: Context<Env>): Promise<Response> {
  const app = c.get('app')
  const collection = findCollection(c)
  const info = buildRequestInfo(c)
  if (!isSuperuser(info) && collection.viewRule === null) throw forbiddenError(SUPERUSERS_ONLY)
  const row = await findWithRule(
    app,
    collection,
    c.req.param('id') ?? '',
    info,
    collection.viewRule,
  )
  const event = new RecordRequestEvent(app, collection, Record.fromRow(collection, row), info)
  await app.onRecordViewRequest.trigger(event, async (e) => {
    e.response = await respondRecord(c, e.app, e.record, info)
  })
  return event.response ?? c.body(null, 200)
}

/** A record row accessible under `rule`, or 404 (also for a broken rule, like PocketBase). */
async function findWithRule(
  app: App,
  collection: Collection,
  id: string,
  info: RequestInfo,
  rule: string | null,
): Promise<{ [key: string]: unknown }> {
  let row: { [key: string]: unknown } | undefined
  try {
    row = await findRecordWithRule(app, collection, id, info, rule)
  } catch (err) {
    throw notFoundError('', undefined, { cause: err })
  }
  if (row === undefined) throw notFoundError()
  return row
}

async function recordCreate(c: Context<Env>): Promise<Response> {
  const app = c.get('app')
  const collection = writableCollection(c, MISSING_COLLECTION)
  const body = await readBody(c)
  const info = buildRequestInfo(c, body.data)
  const su = isSuperuser(info)
  if (!su && collection.createRule === null) throw forbiddenError(SUPERUSERS_ONLY)

  const record = new Record(collection)
  const data = submittedData(record, body, su)
  info.body = data
  const form = new RecordUpsert(record)
  if (su) form.grantSuperuserAccess()
  form.load(data)

  if (!su) {
    const submittedId = record.id
    if (submittedId === '') record.id = '__pb_temp_id__'
    let allowed: boolean
    try {
      allowed = await checkUnsavedRecordRule(app, record, info, collection.createRule)
    } catch (err) {
      throw badRequestError(CREATE_FAILED, undefined, { cause: err })
    } finally {
      record.id = submittedId
    }
    if (!allowed) throw badRequestError(CREATE_FAILED)
    if (collection.isAuth && (await canManageNew(app, record, info, collection))) {
      form.grantManagerAccess()
    }
  }

  const event = new RecordRequestEvent(app, collection, record, info)
  await app.onRecordCreateRequest.trigger(event, async (e) => {
    try {
      await form.submit(e.app, e.record)
    } catch (err) {
      throw submitError(err, CREATE_FAILED)
    }
    e.response = await respondRecord(c, e.app, e.record, info)
  })
  return event.response ?? c.body(null, 200)
}

/** The manageRule check of a record being created (against the submitted data). */
async function canManageNew(
  app: App,
  record: Record,
  info: RequestInfo,
  collection: Collection,
): Promise<boolean> {
  const rule = collection.auth?.manageRule ?? null
  if (rule === null || rule === '') return false
  const id = record.id
  if (id === '') record.id = '__pb_temp_id__'
  try {
    return await checkUnsavedRecordRule(app, record, info, rule)
  } catch {
    return false
  } finally {
    record.id = id
  }
}

async function recordUpdate(c: Context<Env>): Promise<Response> {
  const app = c.get('app')
  const collection = writableCollection(c, MISSING_COLLECTION)
  const id = c.req.param('id') ?? ''
  const body = await readBody(c)
  const info = buildRequestInfo(c, body.data)
  const su = isSuperuser(info)
  if (!su && collection.updateRule === null) throw forbiddenError(SUPERUSERS_ONLY)

  // Load without the rule first so that modifiers resolve against the stored values, then
  // re-check with the rule (which sees the resolved `@request.body`).
  const current = await findWithRule(app, collection, id, { ...info, auth: null }, '')
  const data = submittedData(Record.fromRow(collection, current), body, su)
  info.body = data
  const record = Record.fromRow(
    collection,
    await findWithRule(app, collection, id, info, collection.updateRule),
  )
  const form = new RecordUpsert(record)
  if (su) form.grantSuperuserAccess()
  else if (collection.isAuth) {
    const rule = collection.auth?.manageRule ?? null
    if (rule !== null && rule !== '') {
      const manager = await canAccessRecord(app, record, info, rule).catch(() => false)
      if (manager) form.grantManagerAccess()
    }
  }
  form.load(data)

  const event = new RecordRequestEvent(app, collection, record, info)
  await app.onRecordUpdateRequest.trigger(event, async (e) => {
    try {
      await form.submit(e.app, e.record)
    } catch (err) {
      throw submitError(err, UPDATE_FAILED)
    }
    e.response = await respondRecord(c, e.app, e.record, info)
  })
  return event.response ?? c.body(null, 200)
}

async function recordDelete(c: Context<Env>): Promise<Response> {
  const app = c.get('app')
  const collection = writableCollection(c)
  const info = buildRequestInfo(c)
  if (!isSuperuser(info) && collection.deleteRule === null) throw forbiddenError(SUPERUSERS_ONLY)
  const row = await findWithRule(
    app,
    collection,
    c.req.param('id') ?? '',
    info,
    collection.deleteRule,
  )
  const event = new RecordRequestEvent(app, collection, Record.fromRow(collection, row), info)
  await app.onRecordDeleteRequest.trigger(event, async (e) => {
    try {
      await deleteRecord(e.app, e.record)
    } catch (err) {
      // NOTE: like PocketBase, any non-API failure (e.g. RequiredReferenceError) is this 400.
      if (err instanceof ApiError) throw err
      throw badRequestError(DELETE_FAILED, undefined, { cause: err })
    }
    e.response = c.body(null, 204)
  })
  return event.response ?? c.body(null, 200)
}
