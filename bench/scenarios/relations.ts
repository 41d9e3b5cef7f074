import type { Scenario } from './scenario.ts'
import { listShape, recordsPath } from './scenario.ts'

/** Ids of the seeded `comments` and `docs` (explicit, so both servers have the same rows). */
export const commentId = (i: number): string => `c${String(i).padStart(14, '0')}`
export const docId = (i: number): string => `d${String(i).padStart(14, '0')}`

/**
 * expand-2-levels: 20 comments with `expand=post.author` — each comment's post (under the posts
 * view rule) and that post's author (under the users view rule), sorted by id so both servers
 * return the same rows.
 */
export const expandTwoLevels: Scenario = {
  name: 'expand-2-levels',
  description: 'GET 20 comments with expand=post.author (comment → post → user), skipTotal',
  request(ctx, rng) {
    const pages = Math.max(1, Math.ceil(ctx.commentCount / 20))
    return {
      method: 'GET',
      path: `${recordsPath(ctx, 'comments')}?page=${rng.int(1, pages)}&perPage=20&sort=id&skipTotal=1&expand=${encodeURIComponent('post.author')}`,
      token: rng.pick(ctx.users).token,
    }
  },
}

/**
 * list-multi-relation: a page of `docs` under the list rule
 * `owner = @request.auth.id || members.id ?= @request.auth.id`, which joins the multi-relation
 * `members` for every row, with the total count.
 */
export const listMultiRelation: Scenario = {
  name: 'list-multi-relation',
  description: 'GET 20 docs under a rule over the multi-relation members (?=), with total',
  request(ctx, rng) {
    return {
      method: 'GET',
      path: `${recordsPath(ctx, 'docs')}?page=${rng.int(1, 5)}&perPage=20&sort=id`,
      token: rng.pick(ctx.users).token,
    }
  },
}

/** Both kinds of answer of a mixed scenario: lists by shape, the rest whole. */
export function mixedView(body: unknown): unknown {
  return typeof body === 'object' && body !== null && 'items' in body ? listShape(body) : body
}
