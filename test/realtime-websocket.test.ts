// Realtime over WebSocket end to end: `satchel serve --workers=2` and the package's typed client
// (`RealtimeSocket`, on Node's global WebSocket as in a browser). Rules per subscriber, options,
// unsubscribe, events made on one worker reaching sockets on the other, and the reconnect.
import { EventSource } from 'eventsource'
import type PocketBase from 'pocketbase'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { RealtimeSocket, RealtimeSocketError, subscriptionKey } from '../src/index.ts'
import { cleanupAll, makeTempDir, type ServerProcess, startSatchel } from '../src/tests/process.ts'
import { client, upsertSuperuser } from '../src/tests/sdk.ts'

;(globalThis as { EventSource?: unknown }).EventSource = EventSource

const SU = { email: 'root@example.com', password: 'root-pass-123' }
let server: ServerProcess
let su: PocketBase
let alice: { id: string; token: string }
const sockets: RealtimeSocket[] = []

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function waitUntil(fn: () => boolean, timeoutMs = 8000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!fn() && Date.now() < until) await sleep(20)
}

function socket(token?: string): RealtimeSocket {
  const rt = new RealtimeSocket(server.url, { token: () => token ?? '' })
  sockets.push(rt)
  return rt
}

/** Creates a note on a fresh TCP connection (so the primary spreads writes over the workers). */
async function createNote(body: { [key: string]: unknown }): Promise<void> {
  const res = await fetch(`${server.url}/api/collections/notes/records`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: su.authStore.token,
      connection: 'close',
    },
    body: JSON.stringify(body),
  })
  expect(res.status).toBe(200)
}

beforeAll(async () => {
  const dir = makeTempDir()
  upsertSuperuser('satchel', dir, SU.email, SU.password)
  server = await startSatchel(dir, undefined, { args: ['--workers=2'] })
  su = client(server.url)
  await su.collection('_superusers').authWithPassword(SU.email, SU.password)
  await su.collections.create({
    name: 'notes',
    type: 'base',
    listRule: 'owner = @request.auth.id || title = "pub"',
    viewRule: '',
    fields: [
      { name: 'title', type: 'text' },
      { name: 'owner', type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 1 },
    ],
  })
  const user = await su.collection('users').create({
    email: 'alice@example.com',
    password: 'pass-12345678',
    passwordConfirm: 'pass-12345678',
  })
  const pb = client(server.url)
  await pb.collection('users').authWithPassword('alice@example.com', 'pass-12345678')
  alice = { id: user.id, token: pb.authStore.token }
}, 60_000)

afterAll(async () => {
  for (const s of sockets) s.close()
  await server?.stop('SIGKILL')
  cleanupAll()
})

describe('RealtimeSocket against serve --workers=2', () => {
  test('rules per subscriber and options, like the SDK; unsubscribe stops events', async () => {
    const got: string[] = []
    const mine = socket(alice.token)
    const guest = socket()
    const stopMine = await mine.subscribe<{ action: string; record: { title: string } }>(
      'notes/*',
      (e) => got.push(`alice ${e.action} ${e.record.title}`),
    )
    await mine.subscribe<{ record: { title: string } }>(
      'notes/*',
      (e) => got.push(`alice-filtered ${Object.keys(e.record).join(',')} ${e.record.title}`),
      { filter: 'title ~ "a"', fields: 'title' },
    )
    await guest.subscribe<{ action: string; record: { title: string } }>('notes/*', (e) =>
      got.push(`guest ${e.action} ${e.record.title}`),
    )
    expect(mine.clientId).toMatch(/^[A-Za-z0-9]{40}$/)
    await createNote({ title: 'pub' })
    await createNote({ title: 'alice-only', owner: alice.id })
    await waitUntil(() => got.length >= 4)
    await sleep(200)
    expect(got.sort()).toEqual([
      'alice create alice-only',
      'alice create pub',
      'alice-filtered title alice-only',
      'guest create pub',
    ])
    got.length = 0
    await stopMine()
    await guest.unsubscribe('notes/*')
    await createNote({ title: 'pub' })
    await createNote({ title: 'alpha', owner: alice.id })
    await waitUntil(() => got.length >= 1)
    await sleep(200)
    // only the filtered subscription (another key) is left
    expect(got).toEqual(['alice-filtered title alpha'])
    await mine.unsubscribe('notes/*')
    expect(mine.isConnected).toBe(false)
    expect(guest.isConnected).toBe(false)
  })

  test('an event made on one worker reaches sockets on both workers', async () => {
    const counts = [0, 0, 0, 0]
    const four = [0, 1, 2, 3].map(() => socket())
    await Promise.all(four.map((s, i) => s.subscribe('notes/*', () => counts[i]!++)))
    for (let i = 0; i < 4; i++) await createNote({ title: 'pub' })
    await waitUntil(() => counts.every((c) => c === 4))
    expect(counts).toEqual([4, 4, 4, 4])
    for (const s of four) s.close()
  })

  test("subscription strings are the SDK's for the same topic and options", async () => {
    const pb = client(server.url)
    const options = {
      filter: 'title ~ "a"',
      expand: 'owner',
      query: { q: 1 },
      headers: { 'X-A': 'b' },
    }
    const stop = await pb.collection('notes').subscribe('*', () => {}, options)
    await pb.collection('notes').subscribe('abc', () => {})
    expect(Object.keys(pb.realtime.subscriptions).sort()).toEqual(
      [subscriptionKey('notes/*', options), subscriptionKey('notes/abc')].sort(),
    )
    await stop()
    await pb.realtime.unsubscribe()
  })

  test('a refused subscription rejects with the server error', async () => {
    const rt = socket()
    const err = await rt.subscribe('x'.repeat(2501), () => {}).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RealtimeSocketError)
    expect(err).toMatchObject({
      status: 400,
      data: { topics: { 0: { code: 'validation_length_too_long' } } },
    })
  })

  test('reconnects after a server restart, with its token and subscriptions', async () => {
    const rt = socket(alice.token)
    const got: string[] = []
    await rt.subscribe<{ record: { title: string } }>('notes/*', (e) => got.push(e.record.title))
    const first = rt.clientId
    await server.stop('SIGTERM')
    server = await startSatchel(server.dir, server.port, { args: ['--workers=2'] })
    await waitUntil(() => rt.isConnected && rt.clientId !== first, 15_000)
    expect(rt.clientId).not.toBe(first)
    // isConnected: the resync (token, then subscriptions) was acked
    await createNote({ title: 'mine', owner: alice.id })
    await waitUntil(() => got.length > 0)
    expect(got).toEqual(['mine'])
  }, 40_000)
})
