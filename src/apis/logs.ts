import type { Context, Hono } from 'hono'
import { logFromRow } from '../core/log-model.ts'
import {
  findLogById,
  logsFieldResolver,
  logsQuery,
  logsStats,
  truncateLogs,
} from '../core/log-query.ts'
import { pickFields, pickListFields } from '../tools/picker/pick.ts'
import { badRequestError, internalServerError, notFoundError } from '../tools/router/api-error.ts'
import { buildFilterExpr, MAX_FILTER_LENGTH } from '../tools/search/filter.ts'
import { type ListResult, listPage } from '../tools/search/provider.ts'
import type { Sql } from '../tools/search/select-query.ts'
import { buildSortExpr } from '../tools/search/sort.ts'
import { skipSuccessActivityLog } from './activity-logger.ts'
import { type Env, requireSuperuserAuth } from './middlewares.ts'
import { parseListParams } from './record-list.ts'

/**
 * Binds the logs API (PocketBase `apis/logs.go`, §3.9), superusers only (401 for guests, 403 for
 * other auth records); successful calls are not themselves logged:
 * `GET /api/logs` (list), `DELETE /api/logs` (truncate, 0.40), `GET /api/logs/stats`,
 * `GET /api/logs/{id}`.
 */
export function bindLogsApi(api: Hono<Env>): void {
  api.get('/logs', logsList)
  api.delete('/logs', logsTruncate)
  api.get('/logs/stats', logsStatsHandler)
  api.get('/logs/:id', logsView)
}

function guard(c: Context<Env>): void {
  skipSuccessActivityLog(c)
  requireSuperuserAuth(c)
}

/**
 * `GET /api/logs`: PocketBase's list shape `{items, page, perPage, totalItems, totalPages}`;
 * `filter`/`sort` over `id, created, level, message, data, data.<path>` (no implicit order);
 * paging as for records. Any bad parameter → 400 with the generic message.
 */
async function logsList(c: Context<Env>): Promise<Response> {
  guard(c)
  const app = c.get('app')
  const query = c.req.query()
  const { page, perPage, skipTotal } = parseListParams(query)
  let result: ListResult<{ [key: string]: unknown }>
  try {
    const resolver = logsFieldResolver(app)
    const select = logsQuery(app)
    if (query.filter) {
      select.where(
        buildFilterExpr(
          query.filter,
          resolver,
          {},
          { paramPrefix: 'f', maxLength: MAX_FILTER_LENGTH },
        ),
      )
    }
    if (query.sort) select.orderBy(...buildSortExpr(query.sort, resolver))
    resolver.updateQuery(select)
    result = await listPage<{ [key: string]: unknown }>(app.auxDb, select, {
      page,
      perPage,
      skipTotal,
    })
  } catch (err) {
    throw badRequestError('', undefined, { cause: err })
  }
  const body = {
    items: result.items.map(logFromRow),
    page: result.page,
    perPage: result.perPage,
    totalItems: result.totalItems,
    totalPages: result.totalPages,
  }
  return c.json(query.fields ? pickListFields(body, query.fields) : body)
}

/**
 * `GET /api/logs/stats`: hourly counts `[{date, total}]`, optionally filtered. 400 `Invalid
 * filter format.` for a bad filter, 400 `Failed to generate logs stats.` when the query fails.
 */
async function logsStatsHandler(c: Context<Env>): Promise<Response> {
  guard(c)
  const app = c.get('app')
  const filter = c.req.query('filter') ?? ''
  let where: Sql | undefined
  if (filter !== '') {
    try {
      where = buildFilterExpr(filter, logsFieldResolver(app), {}, { paramPrefix: 'f' })
    } catch (err) {
      throw badRequestError('Invalid filter format.', undefined, { cause: err })
    }
  }
  try {
    const stats = await logsStats(app, where)
    const fields = c.req.query('fields')
    return c.json(fields ? pickFields(stats, fields) : stats)
  } catch (err) {
    throw badRequestError('Failed to generate logs stats.', undefined, { cause: err })
  }
}

/** `GET /api/logs/{id}`: one log, 404 when missing. */
async function logsView(c: Context<Env>): Promise<Response> {
  guard(c)
  let log: Awaited<ReturnType<typeof findLogById>>
  try {
    log = await findLogById(c.get('app'), c.req.param('id') ?? '')
  } catch (err) {
    throw notFoundError('', undefined, { cause: err })
  }
  const fields = c.req.query('fields')
  return c.json(fields ? pickFields(log, fields) : log)
}

/**
 * `DELETE /api/logs` (PocketBase 0.40 `logsTruncate`): deletes every log and reclaims the space;
 * 204, or 500 `Failed to truncate all logs.`.
 */
async function logsTruncate(c: Context<Env>): Promise<Response> {
  guard(c)
  try {
    await truncateLogs(c.get('app'))
  } catch (err) {
    throw internalServerError('Failed to truncate all logs.', { cause: err })
  }
  return c.body(null, 204)
}
