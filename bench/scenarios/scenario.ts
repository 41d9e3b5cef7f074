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
}

/** A load scenario: a name and a generator of requests. */
export interface Scenario {
  name: string
  description: string
  request(ctx: BenchContext, rng: Rng): RequestSpec
}

/** The records URL of the bench collection. */
export function recordsPath(ctx: BenchContext): string {
  return `/api/collections/${ctx.collection}/records`
}
