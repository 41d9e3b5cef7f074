import type { Db, Row } from '../db/db.ts'
import type { SelectQuery, Sql } from './select-query.ts'

/** The page size used when none (or a value ≤ 0) is requested. */
export const DEFAULT_PER_PAGE = 30

/** The largest page size; larger requests are clamped (and the clamped value is echoed back). */
export const MAX_PER_PAGE = 1000

/** Paging options of a list request (already parsed to numbers by the HTTP layer). */
export interface ListOptions {
  readonly page?: number
  readonly perPage?: number
  /** Skip the COUNT query; `totalItems`/`totalPages` are then -1. */
  readonly skipTotal?: boolean
  /** SQL of the counted column (default: the main table's row id; views use their `id`). */
  readonly countColumn?: string
}

/** The statements of one list page. */
export interface ListPlan {
  readonly page: number
  readonly perPage: number
  readonly rows: Sql
  /** Undefined when `skipTotal` is set. */
  readonly count: Sql | undefined
}

/** One page of results, in PocketBase's list response shape. */
export interface ListResult<T> {
  page: number
  perPage: number
  totalItems: number
  totalPages: number
  items: T[]
}

/**
 * Returns PocketBase's page/perPage normalisation (§3.3): `page <= 0` (or not an integer) → 1,
 * `perPage <= 0` → 30, `perPage > 1000` → 1000.
 */
export function normalizePaging(
  page?: number,
  perPage?: number,
): { page: number; perPage: number } {
  const p = page !== undefined && Number.isSafeInteger(page) && page > 0 ? page : 1
  let pp = perPage !== undefined && Number.isSafeInteger(perPage) ? perPage : DEFAULT_PER_PAGE
  if (pp <= 0) pp = DEFAULT_PER_PAGE
  if (pp > MAX_PER_PAGE) pp = MAX_PER_PAGE
  return { page: p, perPage: pp }
}

/**
 * Plans one list page of `query` (PocketBase `search.Provider`): the rows statement with
 * `LIMIT perPage OFFSET perPage*(page-1)` (ordering is the query's own: no implicit sort) and,
 * unless `skipTotal`, `COUNT(DISTINCT <row id>)` over the same FROM/JOIN/WHERE. `query` is not
 * modified.
 */
export function planList(query: SelectQuery, options: ListOptions = {}): ListPlan {
  const { page, perPage } = normalizePaging(options.page, options.perPage)
  const rows = query
    .clone()
    .limit(perPage)
    .offset(page > 1 ? perPage * (page - 1) : undefined)
    .toSql()
  const count = options.skipTotal ? undefined : query.toCountSql(options.countColumn)
  return { page, perPage, rows, count }
}

/**
 * Runs {@link planList} on `db` and returns `{page, perPage, totalItems, totalPages, items}`
 * (`totalPages = ceil(totalItems / perPage)`; both -1 with `skipTotal`).
 */
export async function listPage<T = Row>(
  db: Db,
  query: SelectQuery,
  options: ListOptions = {},
): Promise<ListResult<T>> {
  const plan = planList(query, options)
  const items = await db.all<T>(plan.rows.sql, plan.rows.params)
  let totalItems = -1
  let totalPages = -1
  if (plan.count !== undefined) {
    const row = await db.get<{ total: number }>(plan.count.sql, plan.count.params)
    totalItems = Number(row?.total ?? 0)
    totalPages = Math.ceil(totalItems / plan.perPage)
  }
  return { page: plan.page, perPage: plan.perPage, totalItems, totalPages, items }
}
