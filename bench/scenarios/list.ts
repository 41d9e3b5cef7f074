import type { Scenario } from './scenario.ts'
import { listShape, recordsPath } from './scenario.ts'

/** Share of list requests sent without a token (guests see only published posts). */
const GUEST_SHARE = 0.25

function listScenario(name: string, skipTotal: boolean): Scenario {
  return {
    name,
    description: `GET 20 per page, page 1..50, ${skipTotal ? 'skipTotal' : 'with total'}; 1 in 4 as guest`,
    request(ctx, rng) {
      const guest = rng.next() < GUEST_SHARE
      const user = rng.pick(ctx.users)
      const page = rng.int(1, 50)
      const skip = skipTotal ? '&skipTotal=1' : ''
      return {
        method: 'GET',
        path: `${recordsPath(ctx)}?page=${page}&perPage=20${skip}`,
        token: guest ? undefined : user.token,
      }
    },
    // Without a sort the row order (and so a page's rows) is unspecified, as in PocketBase.
    parityView: (body) => listShape(body),
  }
}

/** list-20: a page of 20 under the list rule, with the total count. */
export const list20 = listScenario('list-20', false)

/** list-20-skiptotal: the same without the COUNT query. */
export const list20SkipTotal = listScenario('list-20-skiptotal', true)

/** list-filtered-sorted: a views range on published posts, sorted by -views,created. */
export const listFilteredSorted: Scenario = {
  name: 'list-filtered-sorted',
  description: 'GET filter=views range && published, sort=-views,created, 20 per page, with total',
  request(ctx, rng) {
    const lo = rng.int(0, 9000)
    const filter = encodeURIComponent(`views >= ${lo} && views < ${lo + 1000} && published = true`)
    const sort = encodeURIComponent('-views,created')
    return {
      method: 'GET',
      path: `${recordsPath(ctx)}?page=1&perPage=20&filter=${filter}&sort=${sort}`,
      token: rng.pick(ctx.users).token,
    }
  },
  // Ties on views are ordered by `created`, which differs between two separately seeded servers.
  parityView: (body) => listShape(body, 'views'),
}
