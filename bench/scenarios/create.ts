import { type Rng, words } from '../rng.ts'
import type { BenchUser, Scenario } from './scenario.ts'
import { recordsPath } from './scenario.ts'

/** A new post by `user` (the body of one create). */
export function newPost(rng: Rng, user: BenchUser): { [key: string]: unknown } {
  return {
    title: words(rng, 5),
    body: words(rng, 40),
    views: rng.int(0, 9999),
    published: rng.next() < 0.7,
    author: user.id,
  }
}

/** create: a user creates a post of their own (create rule: any authenticated user). */
export const create: Scenario = {
  name: 'create',
  description: 'POST a new post as a user (JSON body)',
  request(ctx, rng) {
    const user = rng.pick(ctx.users)
    const body = JSON.stringify(newPost(rng, user))
    return { method: 'POST', path: recordsPath(ctx), token: user.token, body }
  },
}

/**
 * insert-new-conn: pocketbase/benchmarks' insert run — creates, each on a new connection
 * (`Connection: close`), so connection setup is part of every request.
 */
export const insertNewConnection: Scenario = {
  name: 'insert-new-conn',
  description: 'POST a new post as a user, a new connection per request',
  request(ctx, rng) {
    return { ...create.request(ctx, rng), close: true }
  },
}

/** Creates per request of batch-1000 (settings.batch.maxRequests is raised to it when seeding). */
export const BATCH_CREATES = 1000

/** batch-1000: one `POST /api/batch` of 1,000 creates (one transaction) as a user. */
export const batch1000: Scenario = {
  name: 'batch-1000',
  description: `POST /api/batch with ${BATCH_CREATES} creates as a user (1 request = ${BATCH_CREATES} rows)`,
  maxConnections: 2,
  request(ctx, rng) {
    const user = rng.pick(ctx.users)
    const url = recordsPath(ctx)
    const requests = Array.from({ length: BATCH_CREATES }, () => ({
      method: 'POST',
      url,
      body: newPost(rng, user),
    }))
    return {
      method: 'POST',
      path: '/api/batch',
      token: user.token,
      body: JSON.stringify({ requests }),
    }
  },
}
