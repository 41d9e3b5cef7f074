// Realtime end to end: `satchel serve` (2 worker processes) and the real PocketBase, driven by
// the official SDK with the `eventsource` polyfill. The same subscriptions and writes run on
// both servers and the received events must be the same (none extra, none missing).
import { request } from 'node:http'
import { EventSource } from 'eventsource'
import type PocketBase from 'pocketbase'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  cleanupAll,
  makeTempDir,
  type ServerProcess,
  startPocketBase,
  startSatchel,
} from '../src/tests/process.ts'
import { client, type ServerKind, upsertSuperuser } from '../src/tests/sdk.ts'

;(globalThis as { EventSource?: unknown }).EventSource = EventSource

const SU = { email: 'root@example.com', password: 'root-pass-123' }
const servers: { [k in ServerKind]?: ServerProcess } = {}

afterAll(async () => {
  for (const s of Object.values(servers)) await s?.stop('SIGKILL')
  cleanupAll()
})

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function waitUntil(fn: () => boolean, timeoutMs = 8000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!fn() && Date.now() < until) await sleep(25)
}

/** Sets up the schema and users through the SDK; returns the superuser client. */
async function setup(url: string): Promise<{ su: PocketBase; alice: PocketBase; bob: PocketBase }> {
  const su = client(url)
  await su.collection('_superusers').authWithPassword(SU.email, SU.password)
  await su.collections.update('users', { listRule: 'id = @request.auth.id', viewRule: '' })
  await su.collections.create({
    name: 'notes',
    type: 'base',
    listRule: 'owner = @request.auth.id || title = "pub"',
    viewRule: '',
    createRule: '',
    updateRule: '',
    deleteRule: '',
    fields: [
      { name: 'title', type: 'text' },
      { name: 'secret', type: 'text', hidden: true },
      { name: 'owner', type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 1 },
    ],
  })
  const users: PocketBase[] = []
  for (const name of ['alice', 'bob']) {
    await su.collection('users').create({
      email: `${name}@example.com`,
      password: 'pass-12345678',
      passwordConfirm: 'pass-12345678',
      name,
    })
    const pb = client(url)
    await pb.collection('users').authWithPassword(`${name}@example.com`, 'pass-12345678')
    users.push(pb)
  }
  return { su, alice: users[0]!, bob: users[1]! }
}

/** Runs the scenario on one server; returns the received events, normalised. */
async function scenario(url: string): Promise<string[]> {
  const { su, alice, bob } = await setup(url)
  const guest = client(url)
  const got: string[] = []
  const ids = new Map<string, string>()
  const norm = (
    who: string,
    topic: string,
    e: { action: string; record: { [k: string]: unknown } },
  ) => {
    const r: { [k: string]: unknown } = { ...e.record }
    for (const k of ['id', 'created', 'updated', 'collectionId']) delete r[k]
    if (typeof r.owner === 'string' && r.owner !== '') r.owner = ids.get(r.owner) ?? 'user'
    const expand = r.expand as { owner?: { name?: string } } | undefined
    if (expand?.owner) r.expand = { owner: expand.owner.name }
    // NOTE: keys sorted: PocketBase's key order for `fields`-picked records varies between
    // events, and clients never depend on it.
    const sorted = Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : 1)))
    got.push(`${who} ${topic} ${e.action} ${JSON.stringify(sorted)}`)
  }
  const aliceId = alice.authStore.record!.id
  ids.set(aliceId, 'alice')
  ids.set(bob.authStore.record!.id, 'bob')
  await guest.collection('notes').subscribe('*', (e) => norm('guest', '*', e))
  await alice.collection('notes').subscribe('*', (e) => norm('alice', '*', e), { expand: 'owner' })
  await bob.collection('notes').subscribe('*', (e) => norm('bob', '*', e))
  await su.collection('notes').subscribe('*', (e) => norm('su', '*?filter', e), {
    filter: 'title != "pub"',
    fields: 'id,title,secret',
  })
  const first = await su.collection('notes').create({ title: 'pub', secret: 's1' })
  const one = await su.collection('notes').subscribe(first.id, (e) => norm('su', 'one', e))
  await su.collection('notes').create({ title: 'mine', owner: aliceId, secret: 's2' })
  await su.collection('notes').update(first.id, { title: 'changed' })
  await su.collection('notes').delete(first.id)
  // The scenario yields 11 events on PocketBase; wait for them (bounded), then for stragglers.
  await waitUntil(() => got.length >= 11)
  await sleep(300)
  await one()
  for (const pb of [guest, alice, bob, su]) await pb.realtime.unsubscribe()
  return got.sort()
}

describe('realtime through the SDK', () => {
  beforeAll(async () => {
    for (const kind of ['satchel', 'pocketbase'] as const) {
      const dir = makeTempDir()
      upsertSuperuser(kind, dir, SU.email, SU.password)
      servers[kind] = kind === 'satchel' ? await startSatchel(dir) : await startPocketBase(dir)
    }
  }, 60_000)

  test('same events as PocketBase for the same subscriptions and writes', async () => {
    const fromPb = await scenario(servers.pocketbase!.url)
    const fromSatchel = await scenario(servers.satchel!.url)
    expect(fromPb.length).toBeGreaterThanOrEqual(9)
    expect(fromSatchel).toEqual(fromPb)
  }, 60_000)

  test('framing of PB_CONNECT and of an event is byte-identical in shape', async () => {
    for (const kind of ['satchel', 'pocketbase'] as const) {
      const url = servers[kind]!.url
      const sse = await RawSse.open(url)
      expect(sse.headers['content-type']).toBe('text/event-stream')
      expect(sse.headers['cache-control']).toBe('no-store')
      expect(sse.headers['x-accel-buffering']).toBe('no')
      expect(sse.text).toBe(
        `id:${sse.clientId}\nevent:PB_CONNECT\ndata:{"clientId":"${sse.clientId}"}\n\n`,
      )
      sse.close()
    }
  })

  test('2 workers: every POST /api/realtime reaches the owner worker, every write reaches every client', async () => {
    const url = servers.satchel!.url
    const clients = await Promise.all([1, 2, 3, 4].map(() => RawSse.open(url)))
    // fresh TCP connections are spread over the workers (round robin by the primary)
    for (const c of clients) {
      for (let i = 0; i < 3; i++) expect(await c.subscribe(['notes/*'])).toBe(204)
    }
    const su = client(url)
    await su.collection('_superusers').authWithPassword(SU.email, SU.password)
    for (let i = 0; i < 4; i++) {
      await fetch(`${url}/api/collections/notes/records`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', connection: 'close' },
        body: JSON.stringify({ title: `pub` }),
      })
    }
    await waitUntil(() => clients.every((c) => c.count('event:notes/*') === 4))
    expect(clients.map((c) => c.count('event:notes/*'))).toEqual([4, 4, 4, 4])
    expect(await new RawSse('', {}, url).subscribeAs('missingclientid', ['notes/*'])).toBe(404)
    for (const c of clients) c.close()
  })

  test('the SDK reconnects and re-subscribes after a server restart', async () => {
    const old = servers.satchel!
    const pb = client(old.url)
    const got: string[] = []
    await pb.collection('notes').subscribe('*', (e) => got.push(e.record.title as string))
    const firstId = pb.realtime.clientId
    await old.stop('SIGTERM')
    servers.satchel = await startSatchel(old.dir, old.port)
    await waitUntil(() => pb.realtime.isConnected && pb.realtime.clientId !== firstId, 15_000)
    expect(pb.realtime.clientId).not.toBe(firstId)
    await sleep(300) // the SDK posts its subscriptions right after PB_CONNECT
    await fetch(`${old.url}/api/collections/notes/records`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'pub' }),
    })
    await waitUntil(() => got.length > 0)
    expect(got).toEqual(['pub'])
    await pb.realtime.unsubscribe()
  }, 40_000)
})

/** A minimal SSE reader over node:http (fresh TCP connection, no keep-alive). */
class RawSse {
  text = ''
  readonly clientId: string
  readonly headers: { [k: string]: string | string[] | undefined }
  readonly url: string
  #close: () => void = () => {}

  constructor(clientId: string, headers: RawSse['headers'], url: string) {
    this.clientId = clientId
    this.headers = headers
    this.url = url
  }

  static open(url: string): Promise<RawSse> {
    return new Promise((resolve, reject) => {
      const req = request(`${url}/api/realtime`, { agent: false }, (res) => {
        let sse: RawSse | undefined
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          if (sse === undefined) {
            const m = /^id:([A-Za-z0-9]{40})\n/.exec(chunk)
            if (m === null) return reject(new Error(`bad first frame ${chunk}`))
            sse = new RawSse(m[1]!, res.headers, url)
            sse.#close = () => req.destroy()
            sse.text = chunk
            resolve(sse)
          } else sse.text += chunk
        })
      })
      req.on('error', () => {})
      req.end()
    })
  }

  count(needle: string): number {
    return this.text.split(needle).length - 1
  }

  subscribe(subscriptions: string[]): Promise<number> {
    return this.subscribeAs(this.clientId, subscriptions)
  }

  async subscribeAs(clientId: string, subscriptions: string[]): Promise<number> {
    const res = await fetch(`${this.url}/api/realtime`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', connection: 'close' },
      body: JSON.stringify({ clientId, subscriptions }),
    })
    return res.status
  }

  close(): void {
    this.#close()
  }
}
