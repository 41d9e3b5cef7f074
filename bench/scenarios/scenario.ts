import type { RequestSpec } from '../loadgen.ts'
import type { Rng } from '../rng.ts'

/** A seeded user with a token issued by the server under test. */
export interface BenchUser {
  id: string
  email: string
  token: string
}

/** What the seeding left on one server; plain data, so it can be posted to a worker. */
export interface BenchContext {
  collection: string
  users: BenchUser[]
  /** Ids of published posts (viewable by anyone under the rules). */
  publishedIds: string[]
  postCount: number
  /** `comments` (post → posts, author → users), for the two-level expand. */
  commentCount: number
  /** `docs` (owner, members: a multi-relation to users), listed under a rule joining members. */
  docCount: number
}

/** A load scenario: a name and a generator of requests. */
export interface Scenario {
  name: string
  description: string
  request(ctx: BenchContext, rng: Rng): RequestSpec
  /**
   * At most this many concurrent connections (fewer than `--connections`), for requests so
   * heavy that more would only queue up to the timeout.
   */
  maxConnections?: number
  /**
   * What of a (normalized) response body must be equal on both servers in the parity check;
   * the whole body when absent. Lists override it where row order is legitimately unspecified.
   */
  parityView?(body: unknown): unknown
}

/**
 * A list response reduced to what must match between servers: the envelope, the number of
 * items, each item's keys and, if given, the sequence of one sort field's values.
 */
export function listShape(body: unknown, sortField?: string): unknown {
  const { items, ...envelope } = body as { items?: Record<string, unknown>[] }
  if (!Array.isArray(items)) return body
  return {
    ...envelope,
    count: items.length,
    keys: [...new Set(items.map((i) => Object.keys(i).join(',')))],
    ...(sortField ? { [sortField]: items.map((i) => i[sortField]) } : {}),
  }
}

/** The records URL of the bench collection (`posts`), or of another seeded one. */
export function recordsPath(ctx: BenchContext, collection = ctx.collection): string {
  return `/api/collections/${collection}/records`
}

/** The connections a scenario runs with: `--connections`, capped by its `maxConnections`. */
export function connectionsFor(s: Scenario, connections: number): number {
  return Math.min(connections, s.maxConnections ?? connections)
}
