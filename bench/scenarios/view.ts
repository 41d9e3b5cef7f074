import type { Scenario } from './scenario.ts'
import { recordsPath } from './scenario.ts'

/** view-one: GET a random published post as a random user (view rule evaluated per request). */
export const viewOne: Scenario = {
  name: 'view-one',
  description: 'GET one random published post by id as a user',
  request(ctx, rng) {
    return {
      method: 'GET',
      path: `${recordsPath(ctx)}/${rng.pick(ctx.publishedIds)}`,
      token: rng.pick(ctx.users).token,
    }
  },
}
