import type { Scenario } from './scenario.ts'

/** auth-refresh: a user refreshes their token (token verify + record load + new token). */
export const authRefresh: Scenario = {
  name: 'auth-refresh',
  description: 'POST /api/collections/users/auth-refresh with a user token',
  request(ctx, rng) {
    return {
      method: 'POST',
      path: '/api/collections/users/auth-refresh',
      token: rng.pick(ctx.users).token,
    }
  },
}
