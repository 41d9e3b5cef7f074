import { snakeCase } from '../inflector/inflector.ts'

/**
 * The options a subscription may carry (`topic?options=<urlencoded JSON>`, PocketBase
 * `SubscriptionOptions`): query parameters (`filter`, `expand`, `fields`, anything for
 * `@request.query.*`) and headers (keys snake-cased, for `@request.headers.*`).
 */
export interface SubscriptionOptions {
  readonly query: { readonly [key: string]: string }
  readonly headers: { readonly [key: string]: string }
}

const EMPTY: SubscriptionOptions = Object.freeze({ query: {}, headers: {} })

/**
 * Parses the `options` query value of a subscription string. Missing or malformed options give
 * empty ones (PocketBase ignores them too). Non-string values are stringified (numbers, booleans
 * as in a query string; objects as JSON).
 */
export function parseSubscriptionOptions(subscription: string): SubscriptionOptions {
  const qs = subscription.indexOf('?')
  if (qs < 0) return EMPTY
  const raw = new URLSearchParams(subscription.slice(qs + 1)).get('options')
  if (raw === null || raw === '') return EMPTY
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    return EMPTY
  }
  if (typeof parsed !== 'object' || parsed === null) return EMPTY
  const p = parsed as { query?: unknown; headers?: unknown }
  const headers: { [key: string]: string } = {}
  for (const [k, v] of Object.entries(stringMap(p.headers))) headers[snakeCase(k)] = v
  return { query: stringMap(p.query), headers }
}

function stringMap(value: unknown): { [key: string]: string } {
  const out: { [key: string]: string } = {}
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return out
  for (const [k, v] of Object.entries(value)) {
    if (v === null || v === undefined) continue
    out[k] = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v)
  }
  return out
}
