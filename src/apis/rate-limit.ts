import type { Context, MiddlewareHandler } from 'hono'
import type { App } from '../core/app.ts'
import type { RateLimitRule } from '../core/settings-model.ts'
import {
  MemoryRateLimitStore,
  type RateLimitStore,
  SqliteRateLimitStore,
} from '../tools/ratelimit/store.ts'
import { tooManyRequestsError } from '../tools/router/api-error.ts'
import { matchesIPList } from '../tools/security/ip-list.ts'
import { realIP } from './health.ts'
import { type Env, isSubRequest, isSuperuserRequest } from './middlewares.ts'

/**
 * Rate limiting (PocketBase §12, `apis/middlewares_rate_limit.go`).
 *
 * Where the windows live: with one process they are in memory (like PocketBase); when several
 * worker processes or nodes share the data (`app.sharesData`), in a table of `auxiliary.db`
 * updated with one atomic UPSERT per limited request, so a limit of N holds for all workers
 * together, not N per worker. Buckets are keyed by rule (label, audience, size) and client IP.
 */

const stores = new WeakMap<App, RateLimitStore>()

/** PocketBase's job that drops idle windows, added with the store on first use (2 * * * *). */
export const RATE_LIMITERS_CLEANUP_JOB = Object.freeze({
  id: '__pbRateLimitersCleanup__',
  expression: '2 * * * *',
})

function storeOf(app: App): RateLimitStore {
  let store = stores.get(app)
  if (store === undefined) {
    const created = app.sharesData
      ? new SqliteRateLimitStore(app.auxDb)
      : new MemoryRateLimitStore()
    store = created
    stores.set(app, store)
    // NOTE: like PocketBase, the job appears in GET /api/crons after the first limited request
    const { id, expression } = RATE_LIMITERS_CLEANUP_JOB
    app.cron().add(id, expression, () => created.cleanup(Math.floor(Date.now() / 1000)))
  }
  return store
}

/** Collection-route middlewares created by {@link collectionRateLimit}. */
const collectionLimiters = new WeakSet<MiddlewareHandler>()

/**
 * The global rate limiter: checks the request's `METHOD /path` and `/path` labels (and prefix
 * rules). Routes that carry {@link collectionRateLimit} are skipped here and checked there
 * (PocketBase replaces the global middleware on those routes).
 */
export function rateLimit(): MiddlewareHandler<Env> {
  return async (c, next) => {
    const limits = c.get('app').settings().rateLimits
    if (!limits.enabled || c.req.matchedRoutes.some((r) => collectionLimiters.has(r.handler))) {
      return next()
    }
    await checkRateLimit(c, defaultLabels(c), '')
    return next()
  }
}

/**
 * The rate limiter of a collection route, declared by the route with its tags (`list`, `view`,
 * `create`, `update`, `delete`, `file`, `listAuthMethods`, `authRefresh`, `authWithPassword` +
 * `auth`, `authWithOAuth2` + `auth`, …). Labels tried: `<collection>:<tag>` for each tag, then
 * `*:<tag>` for each tag, then the route's `METHOD /path` and `/path`. An unknown collection
 * is left to the handler (its 404).
 */
export function collectionRateLimit(...tags: string[]): MiddlewareHandler<Env> {
  const handler: MiddlewareHandler<Env> = async (c, next) => {
    const app = c.get('app')
    if (!app.settings().rateLimits.enabled) return next()
    const collection = app.findCollection(c.req.param('collection') ?? '')
    if (collection === undefined) return next()
    const labels = [
      ...tags.map((t) => `${collection.name}:${t}`),
      ...tags.map((t) => `*:${t}`),
      ...defaultLabels(c),
    ]
    await checkRateLimit(c, labels, `${collection.id}${c.req.routePath}${tags.join('')}`)
    return next()
  }
  collectionLimiters.add(handler as MiddlewareHandler)
  return handler
}

function defaultLabels(c: Context<Env>): string[] {
  return [`${c.req.method} ${c.req.path}`, c.req.path]
}

/**
 * Finds the rule for the first matching label (PocketBase `FindRateLimitRule`): labels are tried
 * in order; for each, an exact rule wins, then the longest prefix rule (label ending in `/`)
 * that `label + "/"` starts with. Only rules of the given audiences count.
 */
export function findRateLimitRule(
  rules: readonly RateLimitRule[],
  labels: readonly string[],
  audiences: readonly string[],
): RateLimitRule | undefined {
  const candidates = rules.filter((r) => audiences.includes(r.audience))
  for (const label of labels) {
    const exact = candidates.find((r) => r.label === label)
    if (exact !== undefined) return exact
    let best: RateLimitRule | undefined
    for (const r of candidates) {
      if (!r.label.endsWith('/') || !`${label}/`.startsWith(r.label)) continue
      if (best === undefined || r.label.length > best.label.length) best = r
    }
    if (best !== undefined) return best
  }
  return undefined
}

async function checkRateLimit(c: Context<Env>, labels: string[], idPrefix: string): Promise<void> {
  if (isSubRequest(c) || isSuperuserRequest(c)) return
  const app = c.get('app')
  const limits = app.settings().rateLimits
  const ip = realIP(c)
  if (ip === '' || isExcludedIP(limits.excludedIPs, ip)) return
  const guest = c.get('auth') === null
  const rule = findRateLimitRule(limits.rules, labels, guest ? ['', '@guest'] : ['', '@auth'])
  if (rule === undefined) return
  const key = `${idPrefix || rule.label}${rule.audience}|${rule.maxRequests}/${rule.duration}|${ip}`
  const allowed = await storeOf(app).consume(
    key,
    rule.maxRequests,
    rule.duration,
    Math.floor(Date.now() / 1000),
  )
  if (!allowed) throw tooManyRequestsError()
}

/** True when `ip` is one of `excluded` (IPs or CIDR subnets). */
export function isExcludedIP(excluded: readonly string[], ip: string): boolean {
  return matchesIPList(excluded, ip)
}
