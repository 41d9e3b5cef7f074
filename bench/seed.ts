/**
 * Seeds a server through its HTTP API: bench users, the `posts` collection with rules, and the
 * posts themselves (via POST /api/batch when it can be enabled, else parallel single creates);
 * then `comments` (post → posts, author → users) and `docs` (owner, members → users) for the
 * relation scenarios. Everything is derived from a fixed seed and explicit ids, so two servers
 * get identical data.
 */
import { type Api, ApiError, call, mapLimit } from './api.ts'
import { createRng, type Rng, words } from './rng.ts'
import { BATCH_CREATES } from './scenarios/create.ts'
import { commentId, docId } from './scenarios/relations.ts'
import type { BenchContext, BenchUser } from './scenarios/scenario.ts'

/** How much to seed and with which superuser. */
export interface SeedOptions {
  email: string
  password: string
  posts: number
  users: number
  /** Rows of `comments` and of `docs` (default: a fifth and a half of `posts`). */
  comments?: number
  docs?: number
  /** Delete an existing `posts` collection and bench users instead of refusing to run. */
  reset: boolean
  /** Request logs stay on (the default); false sets `settings.logs.maxDays = 0` after seeding. */
  logs?: boolean
  log: (msg: string) => void
}

const COLLECTION = 'posts'
const USER_PASSWORD = 'bench-password-1234'
const BATCH_SIZE = 500
const SEED = 20260401

const pad = (prefix: string, n: number): string => prefix + String(n).padStart(14, '0')
const userId = (i: number): string => pad('u', i)
const postId = (i: number): string => pad('p', i)

type PostRow = {
  id: string
  title: string
  body: string
  views: number
  published: boolean
  author: string
}

/** A row to create in some collection (explicit id). */
type Row = { id: string } & { [field: string]: unknown }

function generatePosts(count: number, users: number): PostRow[] {
  const rng = createRng(SEED)
  return Array.from({ length: count }, (_, i) => ({
    id: postId(i),
    title: `${words(rng, 4)} ${i}`,
    body: words(rng, rng.int(20, 60)),
    views: rng.int(0, 9999),
    published: rng.next() < 0.7,
    author: userId(rng.int(0, users - 1)),
  }))
}

/** Seeds the server behind `baseUrl` and returns what the scenarios need. */
export async function seed(baseUrl: string, opts: SeedOptions): Promise<BenchContext> {
  const started = performance.now()
  const auth = await call<{ token: string }>(
    { baseUrl },
    'POST',
    '/api/collections/_superusers/auth-with-password',
    { identity: opts.email, password: opts.password },
  )
  const api: Api = { baseUrl, token: auth.token }

  await prepare(api, opts)
  const users = await seedUsers(api, opts.users)
  await createCollection(api)
  const posts = generatePosts(opts.posts, opts.users)
  const how = await insertRows(api, COLLECTION, posts)
  const publishedIds = posts.filter((p) => p.published).map((p) => p.id)
  const rng = createRng(SEED + 1)
  const comments = Array.from({ length: opts.comments ?? Math.ceil(opts.posts / 5) }, (_, i) => ({
    id: commentId(i),
    body: words(rng, rng.int(5, 20)),
    post: rng.pick(publishedIds),
    author: userId(rng.int(0, opts.users - 1)),
  }))
  await insertRows(api, 'comments', comments)
  const docs = Array.from({ length: opts.docs ?? Math.ceil(opts.posts / 2) }, (_, i) => ({
    id: docId(i),
    title: words(rng, 4),
    owner: userId(rng.int(0, opts.users - 1)),
    members: members(rng, opts.users),
  }))
  await insertRows(api, 'docs', docs)
  const secs = ((performance.now() - started) / 1000).toFixed(1)
  opts.log(
    `seeded ${users.length} users, ${posts.length} posts, ${comments.length} comments and ` +
      `${docs.length} docs (${how}) in ${secs} s`,
  )
  if (opts.logs === false) {
    // NOTE: PocketBase and Satchel write no request logs at all while maxDays is 0.
    await call(api, 'PATCH', '/api/settings', { logs: { maxDays: 0 } })
    opts.log('request logs off (settings.logs.maxDays = 0)')
  }
  return {
    collection: COLLECTION,
    users,
    publishedIds,
    postCount: posts.length,
    commentCount: comments.length,
    docCount: docs.length,
  }
}

async function exists(api: Api, path: string): Promise<boolean> {
  try {
    await call(api, 'GET', path)
    return true
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return false
    throw err
  }
}

async function prepare(api: Api, opts: SeedOptions): Promise<void> {
  const ids = Array.from({ length: opts.users }, (_, i) => userId(i))
  const hasPosts = await exists(api, `/api/collections/${COLLECTION}`)
  const hasUser = await exists(api, `/api/collections/users/records/${ids[0]}`)
  if ((hasPosts || hasUser) && !opts.reset) {
    throw new Error(
      `the server already has a "${COLLECTION}" collection or bench users; pass --reset to delete them`,
    )
  }
  // the relation collections point at posts and users: they go first
  for (const name of ['comments', 'docs', COLLECTION]) {
    if (await exists(api, `/api/collections/${name}`)) {
      await call(api, 'DELETE', `/api/collections/${name}`)
    }
  }
  await mapLimit(ids, 8, async (id) => {
    if (await exists(api, `/api/collections/users/records/${id}`)) {
      await call(api, 'DELETE', `/api/collections/users/records/${id}`)
    }
  })
}

async function seedUsers(api: Api, count: number): Promise<BenchUser[]> {
  const indexes = Array.from({ length: count }, (_, i) => i)
  // Password hashing dominates here; a little parallelism uses both cores.
  return mapLimit(indexes, 4, async (i) => {
    const email = `bench-user-${i}@example.com`
    await call(api, 'POST', '/api/collections/users/records', {
      id: userId(i),
      email,
      password: USER_PASSWORD,
      passwordConfirm: USER_PASSWORD,
      name: `Bench User ${i}`,
      verified: true,
    })
    const res = await call<{ token: string }>(
      api,
      'POST',
      '/api/collections/users/auth-with-password',
      { identity: email, password: USER_PASSWORD },
      '',
    )
    return { id: userId(i), email, token: res.token }
  })
}

async function createCollection(api: Api): Promise<void> {
  const users = await call<{ id: string }>(api, 'GET', '/api/collections/users')
  const readRule = 'published = true || author = @request.auth.id'
  await call(api, 'POST', '/api/collections', {
    name: COLLECTION,
    type: 'base',
    listRule: readRule,
    viewRule: readRule,
    createRule: '@request.auth.id != ""',
    fields: [
      { name: 'title', type: 'text' },
      { name: 'body', type: 'text' },
      { name: 'views', type: 'number', onlyInt: true },
      { name: 'published', type: 'bool' },
      { name: 'author', type: 'relation', collectionId: users.id, maxSelect: 1 },
      { name: 'created', type: 'autodate', onCreate: true, onUpdate: false },
      { name: 'updated', type: 'autodate', onCreate: true, onUpdate: true },
    ],
    indexes: [`CREATE INDEX idx_${COLLECTION}_views ON ${COLLECTION} (views)`],
  })
  const posts = await call<{ id: string }>(api, 'GET', `/api/collections/${COLLECTION}`)
  // users see each other (email stays hidden), so expand reaches a post's author
  await call(api, 'PATCH', `/api/collections/${users.id}`, {
    viewRule: '@request.auth.id != ""',
  })
  await call(api, 'POST', '/api/collections', {
    name: 'comments',
    type: 'base',
    listRule: '@request.auth.id != ""',
    viewRule: '@request.auth.id != ""',
    fields: [
      { name: 'body', type: 'text' },
      { name: 'post', type: 'relation', collectionId: posts.id, maxSelect: 1 },
      { name: 'author', type: 'relation', collectionId: users.id, maxSelect: 1 },
    ],
  })
  const memberRule = 'owner = @request.auth.id || members.id ?= @request.auth.id'
  await call(api, 'POST', '/api/collections', {
    name: 'docs',
    type: 'base',
    listRule: memberRule,
    viewRule: memberRule,
    fields: [
      { name: 'title', type: 'text' },
      { name: 'owner', type: 'relation', collectionId: users.id, maxSelect: 1 },
      { name: 'members', type: 'relation', collectionId: users.id, maxSelect: 5 },
    ],
  })
}

/** 0–4 distinct users, in id order. */
function members(rng: Rng, users: number): string[] {
  const picked = new Set<number>()
  const n = rng.int(0, Math.min(4, users))
  while (picked.size < n) picked.add(rng.int(0, users - 1))
  return [...picked].sort((a, b) => a - b).map(userId)
}

/**
 * Inserts rows into `collection` in batches if the batch API can be enabled (maxRequests as
 * batch-1000 needs); returns which way was used.
 */
async function insertRows(api: Api, collection: string, posts: Row[]): Promise<string> {
  const url = `/api/collections/${collection}/records`
  let batched = true
  try {
    await call(api, 'PATCH', '/api/settings', {
      batch: { enabled: true, maxRequests: BATCH_CREATES, timeout: 60, maxBodySize: 0 },
    })
  } catch {
    batched = false
  }
  const chunks: Row[][] = []
  for (let i = 0; i < posts.length; i += BATCH_SIZE) chunks.push(posts.slice(i, i + BATCH_SIZE))
  if (batched) {
    try {
      // The first chunk alone proves the batch endpoint works before going parallel.
      await sendBatch(api, url, chunks[0] ?? [])
      await mapLimit(chunks.slice(1), 2, (chunk) => sendBatch(api, url, chunk))
      return `batches of ${BATCH_SIZE}`
    } catch (err) {
      if (!(err instanceof ApiError) || (err.status !== 403 && err.status !== 404)) throw err
    }
  }
  // A failed batch is rolled back as a whole, so nothing of it needs to be skipped here.
  await mapLimit(posts, 16, (post) => call(api, 'POST', url, post))
  return 'single creates'
}

async function sendBatch(api: Api, url: string, chunk: Row[]): Promise<void> {
  if (chunk.length === 0) return
  await call(api, 'POST', '/api/batch', {
    requests: chunk.map((body) => ({ method: 'POST', url, body })),
  })
}
