import { cpSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { cleanupAll, freePort, makeTempDir, type ServerProcess } from '../src/tests/process.ts'
import { client, type ServerKind, startServer, upsertSuperuser } from '../src/tests/sdk.ts'

// The same PocketBase v0.23+ pb_hooks folder (test/fixtures/jsvm/pb_hooks: routes, record hooks
// with tags, require() of a local module, $app queries and saves, raw SQL, cronAdd, API errors,
// a file that fails to load, routerUse, $http.send, settings, runInTransaction, $dbx, view and
// update hooks, $security) runs on PocketBase 0.40.4 and on Satchel: the answers and the
// records the hooks wrote are the same.

const HOOKS = join(import.meta.dirname, 'fixtures/jsvm/pb_hooks')
const SU = { email: 'su@example.com', password: '1234567890' }
const USER = { email: 'u@example.com', password: '1234567890' }

afterAll(cleanupAll)

async function start(kind: ServerKind): Promise<ServerProcess> {
  const dir = makeTempDir('satchel-jsvm-compat-')
  cpSync(HOOKS, join(dirname(dir), 'pb_hooks'), { recursive: true })
  upsertSuperuser(kind, dir, SU.email, SU.password)
  const port = await freePort()
  return startServer(kind, dir, port, {
    env: { JSVM_DEMO_ENV: 'from-env', SELF_URL: `http://127.0.0.1:${port}` },
  })
}

/** Ids and dates differ between the servers. */
function normalise(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalise)
  if (typeof v !== 'object' || v === null) return v
  return Object.fromEntries(
    Object.entries(v).map(([k, x]) => [
      k,
      k === 'id' || k === 'created' || k === 'updated' ? typeof x : normalise(x),
    ]),
  )
}

async function scenario(server: ServerProcess): Promise<unknown[]> {
  const su = client(server.url)
  await su.collection('_superusers').authWithPassword(SU.email, SU.password)
  await su.collections.create({
    name: 'posts',
    type: 'base',
    listRule: '',
    viewRule: '',
    createRule: '',
    fields: [
      { name: 'title', type: 'text' },
      { name: 'slug', type: 'text' },
      { name: 'views', type: 'number' },
      { name: 'source', type: 'text' },
      { name: 'doc', type: 'file', maxSelect: 1, maxSize: 1000 },
    ],
  })
  await su.collections.create({
    name: 'audit',
    type: 'base',
    fields: [{ name: 'message', type: 'text' }],
  })
  await client(server.url)
    .collection('users')
    .create({ ...USER, passwordConfirm: USER.password })
  const user = client(server.url)
  await user.collection('users').authWithPassword(USER.email, USER.password)

  const out: unknown[] = []
  let firstId = '\u0000'
  const http = async (
    method: string,
    path: string,
    opts: { token?: string; body?: object } = {},
  ) => {
    const headers: { [k: string]: string } = { 'content-type': 'application/json' }
    if (opts.token) headers.authorization = opts.token
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    })
    const text = await res.text()
    const html = res.headers.get('content-type')?.startsWith('text/html')
    out.push({
      request: `${method} ${path.replace(firstId, ':id')}`,
      status: res.status,
      body: html ? text : normalise(text ? JSON.parse(text) : null),
    })
  }
  await http('GET', '/api/demo/hello/ann?q=1')
  await http('GET', '/api/demo/broken')
  await http('POST', '/api/collections/posts/records', { body: { title: 'Hello World', views: 3 } })
  await http('POST', '/api/collections/posts/records', { body: { title: 'forbidden' } })
  await http('POST', '/api/demo/posts', {
    token: user.authStore.token,
    body: { title: 'From Route', views: '9' },
  })
  await http('POST', '/api/demo/posts', { body: { title: 'guest' } })
  await http('POST', '/api/crons/demo_tick', { token: su.authStore.token })
  // the job runs after the 204 on both servers: wait for its row before reading the stats
  await expect
    .poll(() =>
      su
        .collection('audit')
        .getList(1, 1, { filter: 'message ~ "tick"' })
        .then((r) => r.totalItems),
    )
    .toBe(1)
  await http('GET', '/api/demo/stats')
  await http('GET', '/api/demo/crash')
  await http('GET', '/api/more/info')
  await http('POST', '/api/more/tx', { body: { messages: ['tx-a', 'tx-b'] } })
  await http('POST', '/api/more/tx', { body: { messages: ['tx-c'], fail: true } })
  await http('DELETE', '/api/more/audit/tx-a')
  await http('GET', '/api/more/missing')
  await http('GET', '/api/more/page')
  const attach = await fetch(`${server.url}/api/more/attach`, { method: 'POST' })
  const attached = (await attach.json()) as { id: string; name: string; pattern: boolean }
  const file = await fetch(`${server.url}/api/files/posts/${attached.id}/${attached.name}`)
  out.push({
    attach: attach.status,
    pattern: attached.pattern,
    file: file.status,
    text: await file.text(),
  })
  const bound = await fetch(`${server.url}/api/more/bind`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'bound', views: 4, extra: true }),
  })
  out.push({
    bind: bound.status,
    cookie: bound.headers.get('set-cookie'),
    body: await bound.json(),
  })
  const first = await su.collection('posts').getFirstListItem('title = "Hello World"')
  firstId = first.id
  await http('GET', `/api/collections/posts/records/${first.id}`)
  await http('PATCH', `/api/collections/posts/records/${first.id}`, {
    token: su.authStore.token,
    body: { title: 'Renamed' },
  })
  const posts = await su.collection('posts').getFullList({ sort: 'title' })
  out.push(posts.map((p) => [p.title, p.slug, p.views, p.source, p.doc !== '']))
  const audit = await su.collection('audit').getFullList({ sort: 'message' })
  out.push(audit.map((a) => a.message))
  return out
}

describe('PocketBase pb_hooks/*.pb.js run unchanged', () => {
  test('PocketBase 0.40.4 and Satchel answer and write alike', async () => {
    const [pb, sa] = await Promise.all([start('pocketbase'), start('satchel')])
    try {
      const [expected, actual] = await Promise.all([scenario(pb), scenario(sa)])
      expect(actual).toEqual(expected)
      // the hooks did run (not the same 404s twice)
      expect(expected[0]).toMatchObject({
        status: 200,
        body: { message: 'Hello ann!', topLevel: 'undefined' },
      })
      expect(expected.at(-1)).toEqual([
        'created from-route',
        'created hello-world',
        'tick 2',
        'tx-b',
      ])
    } finally {
      await Promise.all([pb.stop(), sa.stop()])
    }
  }, 90_000)
})
