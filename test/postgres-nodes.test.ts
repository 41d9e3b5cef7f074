// Two Satchel nodes (separate processes and data dirs, started at once) serving one PostgreSQL
// database: a subscriber on node A receives a write made on node B (LISTEN/NOTIFY bus),
// collection changes reach the other node's cache at once, tokens issued by one node work on the
// other, rate limits count across nodes, and each scheduled cron tick runs on one node only.
import { EventSource } from 'eventsource'
import pg from 'pg'
import type { RecordSubscription } from 'pocketbase'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { CRON_PROBE_TABLE } from '../src/cmd/cron-probe.ts'
import { usePostgresForSatchel } from '../src/tests/postgres.ts'
import {
  cleanupAll,
  makeTempDir,
  runSatchelCli,
  type ServerProcess,
  startSatchel,
} from '../src/tests/process.ts'
import { client } from '../src/tests/sdk.ts'
;(globalThis as { EventSource?: unknown }).EventSource = EventSource

usePostgresForSatchel()

const SU = { email: 'root@example.com', password: 'root-pass-123' }
let a: ServerProcess
let b: ServerProcess

beforeAll(async () => {
  // (no automigrate: its file names have a one-second resolution, and this test edits fast)
  const extras = {
    args: ['--workers=1', '--automigrate=false'],
    env: { SATCHEL_CRON_PROBE: '1' },
  }
  // both nodes start at once on the empty database: one installs the schema, the other waits
  ;[a, b] = await Promise.all([
    startSatchel(makeTempDir(), undefined, extras),
    startSatchel(makeTempDir(), undefined, extras),
  ])
  runSatchelCli(['superuser', 'upsert', SU.email, SU.password, `--dir=${a.dir}`])
}, 60_000)

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()])
  cleanupAll()
})

test('collections made on A are served by B at once; A tokens work on B', async () => {
  const suA = client(a.url)
  await suA.collection('_superusers').authWithPassword(SU.email, SU.password)
  await suA.collections.create({
    name: 'notes',
    type: 'base',
    listRule: '',
    viewRule: '',
    createRule: '',
    fields: [{ name: 'text', type: 'text' }],
  })
  const suB = client(b.url, suA.authStore.token)
  expect((await suB.collections.getOne('notes')).name).toBe('notes')
  expect((await client(b.url).collection('notes').getList()).totalItems).toBe(0)
  await suA.collections.update('notes', { listRule: null })
  await expect(client(b.url).collection('notes').getList()).rejects.toMatchObject({ status: 403 })
  await suA.collections.update('notes', { listRule: '' })
})

test('rate limits are shared: requests counted on A are refused on B', async () => {
  const suA = client(a.url)
  await suA.collection('_superusers').authWithPassword(SU.email, SU.password)
  await suA.settings.update({
    rateLimits: {
      enabled: true,
      rules: [{ label: '*:auth', audience: '', duration: 60, maxRequests: 2 }],
    },
  })
  try {
    const attempt = (url: string) =>
      client(url)
        .collection('users')
        .authWithPassword('nobody@example.com', 'wrong-pass-1')
        .catch((err: { status: number }) => err.status)
    expect([await attempt(a.url), await attempt(a.url)]).toEqual([400, 400])
    expect(await attempt(b.url)).toBe(429)
  } finally {
    await suA.settings.update({ rateLimits: { enabled: false } })
  }
})

test('changes reach the other node at once, also while its NOTIFY connection is down', async () => {
  const suA = client(a.url)
  await suA.collection('_superusers').authWithPassword(SU.email, SU.password)
  const guestB = client(b.url)
  for (let i = 0; i < 3; i++) {
    await suA.collections.update('notes', { listRule: null })
    await expect(guestB.collection('notes').getList()).rejects.toMatchObject({ status: 403 })
    await suA.collections.update('notes', { listRule: '' })
    expect((await guestB.collection('notes').getList()).totalItems).toBe(0)
  }
  // both nodes' listening connections cut: each falls back to a check per request
  const db = new pg.Client({ connectionString: process.env.SATCHEL_DB_URL })
  await db.connect()
  try {
    const cut = await db.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'satchel-bus' AND query ILIKE 'LISTEN%'",
    )
    expect(cut.rowCount).toBe(2)
  } finally {
    await db.end()
  }
  await suA.collections.update('notes', { listRule: null })
  await expect(guestB.collection('notes').getList()).rejects.toMatchObject({ status: 403 })
  await suA.collections.update('notes', { listRule: '' })
  expect((await guestB.collection('notes').getList()).totalItems).toBe(0)
})

test('a subscriber on A receives a write made on B (and the other way round)', async () => {
  const subA = client(a.url)
  const subB = client(b.url)
  const onA: { event: RecordSubscription; at: number }[] = []
  const onB: RecordSubscription[] = []
  await subA.collection('notes').subscribe('*', (event) => onA.push({ event, at: Date.now() }))
  await subB.collection('notes').subscribe('*', (event) => onB.push(event))
  const latencies: number[] = []
  for (let i = 0; i < 5; i++) {
    const sent = Date.now()
    const rec = await client(b.url)
      .collection('notes')
      .create({ text: `from B ${i}` })
    await expect.poll(() => onA.length, { timeout: 5000, interval: 5 }).toBe(i + 1)
    latencies.push(onA[i]!.at - sent)
    expect(onA[i]!.event).toMatchObject({
      action: 'create',
      record: { id: rec.id, text: `from B ${i}` },
    })
  }
  const fromA = await client(a.url).collection('notes').create({ text: 'from A' })
  await expect.poll(() => onB.some((e) => e.record.id === fromA.id), { timeout: 5000 }).toBe(true)
  console.log(`write on B → event on A, ms (request included): ${latencies.join(', ')}`)
  expect(Math.min(...latencies)).toBeLessThan(500)
  await subA.collection('notes').unsubscribe()
  await subB.collection('notes').unsubscribe()
})

test('each scheduled cron tick runs on one node only', async () => {
  const db = new pg.Client({ connectionString: process.env.SATCHEL_DB_URL })
  await db.connect()
  try {
    const rows = async () => {
      try {
        return (await db.query(`SELECT pid, scheduled FROM "${CRON_PROBE_TABLE}"`)).rows as {
          pid: number
          scheduled: number | string
        }[]
      } catch {
        return [] // created by the first tick
      }
    }
    await expect
      .poll(async () => new Set((await rows()).map((r) => String(r.scheduled))).size, {
        timeout: 20_000,
        interval: 200,
      })
      .toBeGreaterThanOrEqual(4)
    const all = await rows()
    const ticks = all.map((r) => String(r.scheduled))
    expect(new Set(ticks).size).toBe(ticks.length)
  } finally {
    await db.end()
  }
})
