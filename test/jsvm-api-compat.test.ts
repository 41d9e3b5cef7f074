import { cpSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { cleanupAll, makeTempDir, type ServerProcess } from '../src/tests/process.ts'
import { client, type ServerKind, startServer, upsertSuperuser } from '../src/tests/sdk.ts'

// More of PocketBase's JS API, side by side (test/fixtures/jsvm-api/pb_hooks): `$app.store()`
// shared by requests (and so by Satchel's worker threads), `$app.cron()` add/jobs/remove,
// `$os.cmd`/`$os.exec` (run, output, combinedOutput, a failing exit), `$app.recordQuery()` with
// `$dbx` conditions, order, limit, `all`/`one`, and `db().newQuery().bind().all()` into
// DynamicModels, `$app.createBackup(e.request.context(), name)`: PocketBase 0.40.4 and Satchel give the same answers.

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
  const http = async (method: string, path: string, body?: object) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    out.push({ request: `${method} ${path}`, status: res.status, body: await res.json() })
  }
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
})
