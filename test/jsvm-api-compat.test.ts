import { cpSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { cleanupAll, makeTempDir, type ServerProcess } from '../src/tests/process.ts'
import { client, type ServerKind, startServer, upsertSuperuser } from '../src/tests/sdk.ts'

// More of PocketBase's JS API, side by side (test/fixtures/jsvm-api/pb_hooks): `$app.store()`
// shared by requests (and so by Satchel's worker threads), `$app.cron()` add/jobs/remove,
// `$os.cmd`/`$os.exec` (run, output, combinedOutput, a failing exit), `$app.recordQuery()` with
// `$dbx` conditions, order, limit, `all`/`one`, and `db().newQuery().bind().all()` into
// DynamicModels, `$app.createBackup(e.request.context(), name)`, routes added to `e.router` in
// a JS `onServe` (groups, `requireAuth`, function middlewares, a route's own `bind`): PocketBase 0.40.4 and Satchel give the same answers.

const HOOKS = join(import.meta.dirname, 'fixtures/jsvm-api/pb_hooks')
const SU = { email: 'su@example.com', password: '1234567890' }

afterAll(cleanupAll)

async function start(kind: ServerKind): Promise<ServerProcess> {
  const dir = makeTempDir('satchel-jsvm-api-')
  cpSync(HOOKS, join(dirname(dir), 'pb_hooks'), { recursive: true })
  upsertSuperuser(kind, dir, SU.email, SU.password)
  // NOTE: one process: with --workers=N each process has its own app, and so its own store
  return startServer(kind, dir, undefined, kind === 'satchel' ? { args: ['--workers=1'] } : {})
}

/** A request helper that records each answer (status and JSON body) into `out`. */
function recorder(server: ServerProcess, out: unknown[]) {
  return async (method: string, path: string, body?: object, token?: string) => {
    const headers: { [k: string]: string } = { 'content-type': 'application/json' }
    if (token !== undefined) headers.authorization = token
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    out.push({ request: `${method} ${path}`, status: res.status, body: await res.json() })
  }
}

async function scenario(server: ServerProcess): Promise<unknown[]> {
  const su = client(server.url)
  await su.collection('_superusers').authWithPassword(SU.email, SU.password)
  await su.collections.create({
    name: 'items',
    type: 'base',
    fields: [
      { name: 'name', type: 'text' },
      { name: 'kind', type: 'text' },
      { name: 'rank', type: 'number' },
    ],
  })
  for (const [name, kind, rank] of [
    ['apple', 'fruit', 1],
    ['pear', 'fruit', 3],
    ['plum', 'fruit', 2],
    ['leek', 'veg', 4],
  ] as const) {
    await su.collection('items').create({ name, kind, rank })
  }
  const out: unknown[] = []
  const http = recorder(server, out)
  await http('POST', '/api/x/store/color', { value: 'red' })
  await http('POST', '/api/x/store/shape', { value: { sides: 3, tags: ['a'] } })
  await http('GET', '/api/x/store')
  await http('GET', '/api/x/store')
  await http('GET', '/api/x/cron')
  await http('GET', '/api/x/exec')
  await http('GET', '/api/x/query')
  await http('GET', '/api/x/backup')
  return out
}

describe("PocketBase's JS API: store, cron, $os.cmd, recordQuery, createBackup", () => {
  test('PocketBase 0.40.4 and Satchel answer alike', async () => {
    const [pb, sa] = await Promise.all([start('pocketbase'), start('satchel')])
    try {
      const [expected, actual] = await Promise.all([scenario(pb), scenario(sa)])
      expect(actual).toEqual(expected)
      // the hooks did run (not the same errors twice)
      expect(expected.map((r) => (r as { status: number }).status)).toEqual(Array(8).fill(200))
      expect(expected.at(-1)).toMatchObject({ body: { names: ['js_made.zip'] } })
    } finally {
      await Promise.all([pb.stop(), sa.stop()])
    }
  }, 90_000)

  test('Satchel: e.router of a JS onServe takes routes, groups and their middlewares', async () => {
    const dir = makeTempDir('satchel-jsvm-serve-')
    cpSync(
      join(import.meta.dirname, 'fixtures/jsvm-serve/pb_hooks'),
      join(dirname(dir), 'pb_hooks'),
      {
        recursive: true,
      },
    )
    upsertSuperuser('satchel', dir, SU.email, SU.password)
    const server = await startServer('satchel', dir)
    try {
      const su = client(server.url)
      await su.collection('_superusers').authWithPassword(SU.email, SU.password)
      await client(server.url)
        .collection('users')
        .create({ email: 'u@example.com', password: SU.password, passwordConfirm: SU.password })
      const user = client(server.url)
      await user.collection('users').authWithPassword('u@example.com', SU.password)
      const out: unknown[] = []
      const http = recorder(server, out)
      await http('GET', '/api/r/hello/ann')
      await http('GET', '/api/r/me')
      await http('GET', '/api/r/me', undefined, user.authStore.token)
      await http('GET', '/api/r/me?block=1', undefined, user.authStore.token)
      await http('POST', '/api/r/me/echo', { value: 42 }, user.authStore.token)
      await http('GET', '/api/r/admin', undefined, user.authStore.token)
      await http('GET', '/api/r/admin', undefined, su.authStore.token)
      await http('PATCH', '/api/r/any')
      const err = (status: number, message: string) => ({ data: {}, message, status })
      expect(
        out.map((r) => [(r as { status: number }).status, (r as { body: unknown }).body]),
      ).toEqual([
        [200, { hello: 'ann' }],
        [401, err(401, 'The request requires valid record authorization token.')],
        [200, { email: 'u@example.com' }],
        [403, err(403, 'Blocked here.')],
        [201, { got: 42 }],
        [403, err(403, 'The authorized record is not allowed to perform this action.')],
        [200, { admin: true }],
        [200, { method: 'PATCH' }],
      ])
    } finally {
      await server.stop()
    }
  }, 60_000)
})
