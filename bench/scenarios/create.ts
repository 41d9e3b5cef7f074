import { words } from '../rng.ts'
import type { Scenario } from './scenario.ts'
import { recordsPath } from './scenario.ts'

/** create: a user creates a post of their own (create rule: any authenticated user). */
export const create: Scenario = {
  name: 'create',
  description: 'POST a new post as a user (JSON body)',
  request(ctx, rng) {
    const user = rng.pick(ctx.users)
    const body = JSON.stringify({
      title: words(rng, 5),
      body: words(rng, 40),
      views: rng.int(0, 9999),
      published: rng.next() < 0.7,
      author: user.id,
    })
    return { method: 'POST', path: recordsPath(ctx), token: user.token, body }
  },
}
