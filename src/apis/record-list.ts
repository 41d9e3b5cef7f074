import type { Context } from 'hono'
import type { Collection } from '../core/collection-model.ts'
import { exportRecord } from '../core/record-export.ts'
import { findRecordsPage, type RecordsPage } from '../core/record-query.ts'
import { RecordsListRequestEvent } from '../core/record-request-events.ts'
import { recordSelect } from '../core/record-rules.ts'
import { isSuperuser } from '../core/request-info.ts'
import { badRequestError, forbiddenError } from '../tools/router/api-error.ts'
import { DEFAULT_PER_PAGE, MAX_PER_PAGE } from '../tools/search/provider.ts'
import type { Env } from './middlewares.ts'
import { buildRequestInfo, enrichRecords, jsonResponse } from './record-helpers.ts'

/** The paging options of a list request. */
export interface ListParams {
  page: number
  perPage: number
  skipTotal: boolean
}

/**
 * Parses `page`, `perPage` and `skipTotal` like PocketBase's search provider: integers in Go's
 * `strconv.Atoi` syntax (`+2` ok, ` 1` or `1.5` → 400), `page <= 0` → 1, `perPage <= 0` → 30,
 * `perPage > 1000` → 1000, `skipTotal` a Go bool (`1,t,T,TRUE,true,True,0,f,F,FALSE,false,False`).
 * Empty values mean the default. Throws 400 for anything else.
 */
export function parseListParams(query: { readonly [key: string]: string | undefined }): ListParams {
  let page = parseIntParam(query.page) ?? 1
  let perPage = parseIntParam(query.perPage) ?? DEFAULT_PER_PAGE
  if (page <= 0) page = 1
  if (perPage <= 0) perPage = DEFAULT_PER_PAGE
  if (perPage > MAX_PER_PAGE) perPage = MAX_PER_PAGE
  const skip = query.skipTotal ?? ''
  let skipTotal = false
  if (skip !== '') {
    if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(skip)) skipTotal = true
    else if (!['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(skip)) throw badRequestError()
  }
  return { page, perPage, skipTotal }
}

const INT_64_MAX = 9223372036854775807n

function parseIntParam(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined
  if (!/^[+-]?\d+$/.test(v)) throw badRequestError()
  const n = BigInt(v)
  if (n > INT_64_MAX || n < -INT_64_MAX - 1n) throw badRequestError()
  return n > BigInt(Number.MAX_SAFE_INTEGER)
    ? Number.MAX_SAFE_INTEGER
    : n < BigInt(Number.MIN_SAFE_INTEGER)
      ? Number.MIN_SAFE_INTEGER
      : Number(n)
}

/**
 * `GET /api/collections/{collection}/records` (PocketBase `recordsList`, §3.3): the listRule is
 * ANDed with the client `filter` (rows that fail it are simply absent), `sort` orders (no
 * implicit order), paging per `parseListParams`, a COUNT unless `skipTotal` (then totals are
 * -1). Non-superusers get 403 for a `null` listRule or for `@collection.`/`@request.` in
 * `filter`/`sort`, and 400 for invalid expressions.
 */
export async function listRecords(c: Context<Env>, collection: Collection): Promise<Response> {
  const app = c.get('app')
  const info = buildRequestInfo(c)
  const su = isSuperuser(info)
  if (!su && collection.listRule === null) {
    throw forbiddenError('Only superusers can perform this action.')
  }
  const filter = info.query.filter ?? ''
  const sort = info.query.sort ?? ''
  if (!su) {
    for (const expr of [filter, sort]) {
      if (expr.includes('@collection.'))
        throw forbiddenError('Only superusers can filter by @collection.')
      if (expr.includes('@request.'))
        throw forbiddenError('Only superusers can filter by @request.')
    }
  }
  const params = parseListParams(info.query)
  let page: RecordsPage
  try {
    const query = recordSelect(app, collection, info, {
      rule: su || collection.listRule === null ? undefined : collection.listRule,
      filter: filter === '' ? undefined : filter,
      sort: sort === '' ? undefined : sort,
    })
    page = await findRecordsPage(app, collection, query, params)
  } catch (err) {
    throw badRequestError('', undefined, { cause: err })
  }

  const { records, totalItems, totalPages } = page
  const result = { page: params.page, perPage: params.perPage, totalItems, totalPages }
  const event = new RecordsListRequestEvent(app, collection, records, result, info)
  await app.onRecordsListRequest.trigger(event, async (e) => {
    await enrichRecords(e.app, e.records, info)
    const items = e.records.map((r) => exportRecord(r))
    e.response = jsonResponse(c, { items, ...e.result }, true)
  })
  return event.response ?? c.body(null, 200)
}
