import type { Context, Hono } from 'hono'
import type { App } from '../core/app.ts'
import { applyCollectionInput, COLLECTION_TYPES } from '../core/collection-input.ts'
import { Collection, type CollectionRow, type CollectionType } from '../core/collection-model.ts'
import {
  CollectionRequestEvent,
  CollectionsListRequestEvent,
} from '../core/collection-request-event.ts'
import {
  CollectionReferencedError,
  deleteCollection,
  saveCollection,
  TruncateViewError,
  truncateCollection,
} from '../core/collection-save.ts'
import { collectionScaffolds, newCollection } from '../core/collection-scaffolds.ts'
import { dryRunView, ViewQueryError } from '../core/collection-view.ts'
import { FilterError } from '../tools/fexpr/filter-error.ts'
import { ApiError, badRequestError, notFoundError } from '../tools/router/api-error.ts'
import { buildFilterExpr, MAX_FILTER_LENGTH } from '../tools/search/filter.ts'
import { listPage } from '../tools/search/provider.ts'
import { SelectQuery } from '../tools/search/select-query.ts'
import { SimpleFieldResolver } from '../tools/search/simple-field-resolver.ts'
import { buildSortExpr } from '../tools/search/sort.ts'
import { required } from '../tools/validation/validation-errors.ts'
import { validationFailure } from './api-error.ts'
import { importHandler } from './collection-import.ts'
import { OAUTH2_PROVIDERS } from './collection-oauth2-providers.ts'
import { type Env, requireSuperuserAuth } from './middlewares.ts'
import { buildRequestInfo, jsonResponse } from './record-helpers.ts'
import { loadDataError, readBodyData } from './request-body.ts'

/** The `_collections` columns a `?filter=`/`?sort=` may use (PocketBase §3.2). */
const LIST_COLUMNS = ['id', 'created', 'updated', 'name', 'system', 'type']

/**
 * Binds the collections API (PocketBase `apis/collection.go`, §3.2), superusers only: list,
 * view, create, update, delete, truncate, import, scaffolds, OAuth2 providers and the view
 * query dry run. Literal routes are bound before `/collections/:collection`.
 */
export function bindCollectionApi(api: Hono<Env>): void {
  api.get('/collections', su(list))
  api.post('/collections', su(create))
  api.put('/collections/import', su(importHandler))
  api.get(
    '/collections/meta/scaffolds',
    su(async (c) => jsonResponse(c, collectionScaffolds())),
  )
  api.get(
    '/collections/meta/oauth2-providers',
    su(async (c) => jsonResponse(c, OAUTH2_PROVIDERS)),
  )
  api.post('/collections/meta/dry-run-view', su(dryRun))
  api.get('/collections/:collection', su(view))
  api.patch('/collections/:collection', su(update))
  api.delete('/collections/:collection', su(remove))
  api.delete('/collections/:collection/truncate', su(truncate))
}

type Handler = (c: Context<Env>) => Response | Promise<Response>

/** Wraps a handler with PocketBase's `RequireSuperuserAuth` (401 guests, 403 other records). */
function su(handler: Handler): Handler {
  return (c) => {
    requireSuperuserAuth(c)
    return handler(c)
  }
}

function findOr404(app: App, idOrName: string): Collection {
  const found = app.findCollection(idOrName)
  if (found === undefined) throw notFoundError()
  return found
}

async function list(c: Context<Env>): Promise<Response> {
  const app = c.get('app')
  const url = new URL(c.req.url)
  const params = url.searchParams
  const resolver = new SimpleFieldResolver({
    table: '_collections',
    columns: LIST_COLUMNS,
    dialect: app.db.dialect,
  })
  const query = new SelectQuery(app.db.dialect, '_collections').columns(
    `${app.db.dialect.quoteIdent('_collections')}.*`,
  )
  try {
    const filter = params.get('filter') ?? ''
    if (filter !== '') {
      query.where(buildFilterExpr(filter, resolver, {}, { maxLength: MAX_FILTER_LENGTH }))
    }
    const sort = params.get('sort') ?? ''
    if (sort !== '') query.orderBy(...buildSortExpr(sort, resolver))
    resolver.updateQuery(query)
  } catch (err) {
    if (err instanceof FilterError) throw badRequestError('', undefined, { cause: err })
    throw err
  }
  const result = await listPage<CollectionRow>(app.db, query, {
    page: intParam(params.get('page')),
    perPage: intParam(params.get('perPage')),
    skipTotal: isTrue(params.get('skipTotal')),
  })
  const event = new CollectionsListRequestEvent(
    app,
    result.items.map((row) => Collection.fromRow(row)),
    {
      page: result.page,
      perPage: result.perPage,
      totalItems: result.totalItems,
      totalPages: result.totalPages,
    },
    buildRequestInfo(c),
  )
  await app.onCollectionsListRequest.trigger(event, (e) => {
    // PocketBase's key order: items first
    e.response = jsonResponse(
      c,
      { items: e.collections.map((col) => col.toJSON()), ...e.result },
      true,
    )
  })
  return event.response ?? c.body(null, 200)
}

function intParam(v: string | null): number | undefined {
  if (v === null || v === '') return undefined
  const n = Number(v)
  return Number.isFinite(n) ? Math.trunc(n) : undefined
}

function isTrue(v: string | null): boolean {
  return v === '1' || v === 't' || v === 'T' || v === 'true' || v === 'TRUE' || v === 'True'
}

async function view(c: Context<Env>): Promise<Response> {
  const app = c.get('app')
  const collection = findOr404(app, c.req.param('collection') ?? '')
  const event = new CollectionRequestEvent(app, collection, buildRequestInfo(c))
  await app.onCollectionViewRequest.trigger(event, (e) => {
    e.response = jsonResponse(c, e.collection.toJSON())
  })
  return event.response ?? c.body(null, 200)
}

/**
 * Wraps a failure into PocketBase's 400 (validation data, or the raw error text); an API error
 * passes as is unless it came from the save (`saving`: a hook threw it).
 */
function saveError(action: 'create' | 'update', err: unknown, saving = false): ApiError {
  const message = `Failed to ${action} collection.`
  // NOTE: an API error thrown by a model hook during the save is raw text to PocketBase too
  if (err instanceof ApiError && !saving) return err
  const invalid = validationFailure(err, message)
  if (invalid !== undefined) return invalid
  if (err instanceof TypeError || err instanceof ReferenceError || err instanceof RangeError) {
    throw err
  }
  const raw = (err as Error)?.message ?? String(err)
  return badRequestError(`${message} Raw error: \n${raw}`, undefined, { cause: err })
}

const TYPE_FORMAT = 'Failed to load the collection type data due to invalid formatting.'

async function create(c: Context<Env>): Promise<Response> {
  const app = c.get('app')
  const body = await readBodyData(c, TYPE_FORMAT)
  // NOTE: PocketBase reads `type` and `name` first, on their own
  for (const key of ['type', 'name']) {
    const v = body[key]
    if (v !== undefined && v !== null && typeof v !== 'string') throw badRequestError(TYPE_FORMAT)
  }
  const rawType = typeof body.type === 'string' && body.type !== '' ? body.type : 'base'
  const type: CollectionType = COLLECTION_TYPES.includes(rawType as CollectionType)
    ? (rawType as CollectionType)
    : 'base'
  const collection = newCollection(type, typeof body.name === 'string' ? body.name : '')
  const generatedId = typeof body.id !== 'string' || body.id === ''
  try {
    applyCollectionInput(collection, { ...body, type: rawType }, !generatedId)
  } catch (err) {
    throw saveError('create', err)
  }
  const event = new CollectionRequestEvent(app, collection, buildRequestInfo(c, body))
  await app.onCollectionCreateRequest.trigger(event, async (e) => {
    try {
      await saveCollection(e.app, e.collection, { generatedId })
    } catch (err) {
      throw saveError('create', err, true)
    }
    e.response = jsonResponse(c, e.collection.toJSON())
  })
  return event.response ?? c.body(null, 200)
}

async function update(c: Context<Env>): Promise<Response> {
  const app = c.get('app')
  const existing = findOr404(app, c.req.param('collection') ?? '')
  const body = await readBodyData(c, 'Failed to load the submitted data due to invalid formatting.')
  // NOTE: PocketBase applies a different `id` to the model and the update then finds no row.
  if (typeof body.id === 'string' && body.id !== existing.id) throw notFoundError()
  const collection = existing.clone()
  try {
    applyCollectionInput(collection, body, false)
  } catch (err) {
    throw saveError('update', err)
  }
  const event = new CollectionRequestEvent(app, collection, buildRequestInfo(c, body))
  await app.onCollectionUpdateRequest.trigger(event, async (e) => {
    try {
      await saveCollection(e.app, e.collection)
    } catch (err) {
      throw saveError('update', err, true)
    }
    e.response = jsonResponse(c, e.collection.toJSON())
  })
  return event.response ?? c.body(null, 200)
}

async function remove(c: Context<Env>): Promise<Response> {
  const app = c.get('app')
  const collection = findOr404(app, c.req.param('collection') ?? '')
  const event = new CollectionRequestEvent(app, collection, buildRequestInfo(c))
  await app.onCollectionDeleteRequest.trigger(event, async (e) => {
    await deleteOrFail(e.app, e.collection)
    e.response = c.body(null, 204)
  })
  return event.response ?? c.body(null, 200)
}

/** Deletes a collection, failures as PocketBase's 400s. */
async function deleteOrFail(app: App, collection: Collection): Promise<void> {
  try {
    await deleteCollection(app, collection)
  } catch (err) {
    if (err instanceof CollectionReferencedError) {
      throw badRequestError(
        `Failed to delete collection probably due to existing reference in ${err.referencedBy.join(', ')}.`,
        undefined,
        { cause: err },
      )
    }
    if (err instanceof ApiError) throw err
    throw badRequestError('Failed to delete collection.', undefined, { cause: err })
  }
}

async function truncate(c: Context<Env>): Promise<Response> {
  const app = c.get('app')
  const collection = findOr404(app, c.req.param('collection') ?? '')
  try {
    await truncateCollection(app, collection)
  } catch (err) {
    if (err instanceof TruncateViewError) throw badRequestError(err.message)
    throw err
  }
  return c.body(null, 204)
}

async function dryRun(c: Context<Env>): Promise<Response> {
  const app = c.get('app')
  const body = await readBodyData(c)
  if (body.query !== undefined && body.query !== null && typeof body.query !== 'string') {
    throw loadDataError()
  }
  const query = typeof body.query === 'string' ? body.query : ''
  if (query.trim() === '') {
    throw badRequestError('An error occurred while validating the submitted data.', {
      query: required(),
    })
  }
  if ([...query].length > 5000) {
    throw badRequestError('An error occurred while validating the submitted data.', {
      query: {
        code: 'validation_length_too_long',
        message: 'The length must be no more than 5000.',
        params: { max: 5000, min: 0 },
      },
    })
  }
  try {
    const result = await dryRunView(app, query)
    return jsonResponse(c, {
      fields: result.fields.map((f) => f.toJSON()),
      sample: result.sample,
    })
  } catch (err) {
    if (err instanceof ViewQueryError) {
      throw badRequestError(`Invalid view query. Raw error: \n${err.message}`, undefined, {
        cause: err,
      })
    }
    throw err
  }
}
