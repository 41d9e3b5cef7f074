// Realtime over WebSocket (issue 10 item 8), with raw `ws` sockets: the same topics, options,
// rules and events as SSE on one multiplexed socket, auth by header or message, events only to
// subscriptions that existed at commit, unsubscribe, the per-client cap and the keep-alive.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import WebSocket from 'ws'
import { newAuthToken } from '../core/record-tokens.ts'
import { mergeSettings } from '../core/settings-model.ts'
import { createTestCollection, createTestRecord } from '../tests/record-fixtures.ts'
import { TestApp } from '../tests/test-app.ts'
import { publishRecordEvent } from './realtime-broadcast.ts'
import { type RunningServer, startServer } from './serve.ts'

let app: TestApp
let server: RunningServer
let base: string
let tokens: { alice: string; bob: string; su: string }
let ids: { alice: string; bob: string }
const opened: Raw[] = []

/** A raw socket that collects the server's frames. */
class Raw {
  readonly frames: { [key: string]: unknown }[] = []
  readonly ws: WebSocket
  clientId = ''
  #ref = 0
  #waiters: (() => void)[] = []

  constructor(ws: WebSocket) {
    this.ws = ws
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)))
      for (const w of this.#waiters.splice(0)) w()
    })
    ws.on('close', () => {
      for (const w of this.#waiters.splice(0)) w()
    })
  }

  static async open(headers: { [key: string]: string } = {}, options = {}): Promise<Raw> {
    const raw = new Raw(
      new WebSocket(`${base.replace('http', 'ws')}/api/realtime`, { headers, ...options }),
    )
    opened.push(raw)
    const connect = await raw.next((f) => f.type === 'connect')
    raw.clientId = connect.clientId as string
    return raw
  }

  /** Waits (bounded) for a frame matching `pred` that arrived after `from`. */
  async next(
    pred: (f: { [key: string]: unknown }) => boolean,
    from = 0,
  ): Promise<{ [key: string]: unknown }> {
    const until = Date.now() + 3000
    for (;;) {
      const f = this.frames.slice(from).find(pred)
      if (f !== undefined) return f
      if (Date.now() > until || this.ws.readyState === WebSocket.CLOSED)
        throw new Error(`no matching frame; got ${JSON.stringify(this.frames)}`)
      await new Promise<void>((r) => {
        this.#waiters.push(r)
        setTimeout(r, 50)
      })
    }
  }

  /** Sends a request with a fresh `ref`; resolves with its `ok`/`error`/`pong` reply. */
  async send(frame: { [key: string]: unknown }): Promise<{ [key: string]: unknown }> {
    const ref = ++this.#ref
    this.ws.send(JSON.stringify({ ...frame, ref }))
    return this.next((f) => f.ref === ref)
  }

  events(): string[] {
    return this.frames
      .filter((f) => f.type === 'event')
      .map((f) => {
        const d = f.data as { action: string; record: { title?: string } }
        return `${f.topic} ${d.action} ${d.record.title}`
      })
  }

  /** Lets queued deliveries run: a ping round trip after the fan-out queue drained. */
  async settle(): Promise<void> {
    await app.realtime.enqueue(async () => {})
    await this.send({ type: 'ping' })
  }
}

/** An SSE client over HTTP subscribed to `subscriptions`; `data()` gives its next event's data. */
async function sseOpen(
  token: string,
  subscriptions: string[],
): Promise<{ data(): Promise<string> }> {
  const res = await fetch(`${base}/api/realtime`)
  const reader = res.body!.getReader()
  const dec = new TextDecoder()
  let text = ''
  const frame = async (): Promise<string[]> => {
    for (;;) {
      const end = text.indexOf('\n\n')
      if (end >= 0) {
        const f = text.slice(0, end)
        text = text.slice(end + 2)
        return f.split('\n')
      }
      const { value, done } = await reader.read()
      if (done) throw new Error('SSE stream ended')
      text += dec.decode(value)
    }
  }
  const connect = await frame()
  const clientId = connect[0]!.slice('id:'.length)
  const posted = await fetch(`${base}/api/realtime`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: token },
    body: JSON.stringify({ clientId, subscriptions }),
  })
  expect(posted.status).toBe(204)
  return {
    data: async () => {
      const lines = await frame()
      void reader.cancel()
      return lines[2]!.slice('data:'.length)
    },
  }
}

beforeAll(async () => {
  app = await TestApp.create()
  await createTestCollection(app, {
    name: 'notes',
    fields: [
      { name: 'title', type: 'text' },
      { name: 'secret', type: 'text', hidden: true },
      { name: 'owner', type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 1 },
      { name: 'data', type: 'json', maxSize: 1 << 20 },
    ],
    listRule: 'owner = @request.auth.id || title = "pub"',
    viewRule: '',
  })
  const alice = await createTestRecord(app, 'users', {
    email: 'alice@example.com',
    password: 'pass-12345678',
  })
  const bob = await createTestRecord(app, 'users', {
    email: 'bob@example.com',
    password: 'pass-12345678',
  })
  const su = await createTestRecord(app, '_superusers', {
    email: 'su@example.com',
    password: 'pass-12345678',
  })
  ids = { alice: alice.id, bob: bob.id }
  tokens = {
    alice: await newAuthToken(alice),
    bob: await newAuthToken(bob),
    su: await newAuthToken(su),
  }
  server = await startServer(app, { http: '127.0.0.1:0' })
  base = `http://${server.address}`
})

afterEach(() => {
  for (const r of opened.splice(0)) r.ws.terminate()
})

afterAll(async () => {
  await server?.close()
  await app?.cleanup()
})

describe('WebSocket transport', () => {
  test('rules per subscriber: header auth, auth message, guest; many topics on one socket', async () => {
    const alice = await Raw.open({ authorization: tokens.alice })
    const bob = await Raw.open()
    const guest = await Raw.open()
    expect(alice.clientId).toMatch(/^[A-Za-z0-9]{40}$/)
    expect(await bob.send({ type: 'auth', token: tokens.bob })).toEqual({ type: 'ok', ref: 1 })
    for (const r of [alice, bob, guest]) {
      expect((await r.send({ type: 'subscribe', topics: ['notes/*', 'notes'] })).type).toBe('ok')
    }
    await createTestRecord(app, 'notes', { title: 'a', owner: ids.alice, secret: 's' })
    await createTestRecord(app, 'notes', { title: 'pub' })
    await createTestRecord(app, 'notes', { title: 'b', owner: ids.bob })
    for (const r of [alice, bob, guest]) await r.settle()
    expect(alice.events().sort()).toEqual([
      'notes create a',
      'notes create pub',
      'notes/* create a',
      'notes/* create pub',
    ])
    expect(bob.events().sort()).toEqual([
      'notes create b',
      'notes create pub',
      'notes/* create b',
      'notes/* create pub',
    ])
    expect(guest.events().sort()).toEqual(['notes create pub', 'notes/* create pub'])
    // byte for byte the data SSE sends for the same subscription and auth
    const sse = await sseOpen(tokens.alice, ['notes/*'])
    const ws = await Raw.open({ authorization: tokens.alice })
    await ws.send({ type: 'subscribe', topics: ['notes/*'] })
    await createTestRecord(app, 'notes', { title: 'same', owner: ids.alice, secret: 's' })
    const frame = await ws.next((f) => f.type === 'event')
    const sseData = await sse.data()
    expect(JSON.stringify(frame.data)).toBe(sseData)
    expect(JSON.parse(sseData).record.secret).toBeUndefined()
  })

  test('options per subscription (filter, fields, @request.headers), superuser sees hidden fields', async () => {
    const su = await Raw.open()
    expect((await su.send({ type: 'auth', token: `Bearer ${tokens.su}` })).type).toBe('ok')
    const opts = (o: object) => `notes/*?options=${encodeURIComponent(JSON.stringify(o))}`
    const filtered = opts({ query: { filter: 'title = "x"', fields: 'title,secret' } })
    const byHeader = opts({ headers: { 'X-Tag': 'on' } })
    expect((await su.send({ type: 'subscribe', topics: [filtered, byHeader] })).type).toBe('ok')
    await createTestRecord(app, 'notes', { title: 'x', secret: 'hush' })
    await createTestRecord(app, 'notes', { title: 'y' })
    await su.settle()
    const got = su.frames.filter((f) => f.type === 'event')
    expect(got.filter((f) => f.topic === filtered).map((f) => f.data)).toEqual([
      { action: 'create', record: { title: 'x', secret: 'hush' } },
    ])
    expect(got.filter((f) => f.topic === byHeader)).toHaveLength(2)
  })

  test('unsubscribe stops events; errors keep the socket open', async () => {
    const r = await Raw.open()
    await r.send({ type: 'subscribe', topics: ['notes/*', 'notes'] })
    expect(await r.send({ type: 'unsubscribe', topics: ['notes/*'] })).toEqual({
      type: 'ok',
      ref: 2,
    })
    await createTestRecord(app, 'notes', { title: 'pub' })
    await r.settle()
    expect(r.events()).toEqual(['notes create pub'])
    await r.send({ type: 'unsubscribe' })
    await createTestRecord(app, 'notes', { title: 'pub' })
    await r.settle()
    expect(r.events()).toEqual(['notes create pub'])
    // bad messages are answered, not fatal
    r.ws.send('not json')
    expect(await r.next((f) => f.type === 'error' && f.ref === null)).toMatchObject({
      status: 400,
      message: 'Invalid realtime message: expected a JSON object.',
    })
    expect(await r.send({ type: 'nope' })).toMatchObject({ type: 'error', status: 400 })
    expect(await r.send({ type: 'subscribe', topics: 'notes/*' })).toMatchObject({
      status: 400,
      data: { topics: { code: 'validation_invalid_value' } },
    })
    expect(await r.send({ type: 'subscribe', topics: ['x'.repeat(2501)] })).toMatchObject({
      status: 400,
      data: { topics: { 0: { code: 'validation_length_too_long' } } },
    })
    expect(await r.send({ type: 'auth', token: 'bad.token.here' })).toMatchObject({
      status: 401,
    })
    expect(await r.send({ type: 'ping' })).toMatchObject({ type: 'pong' })
    expect(r.ws.readyState).toBe(WebSocket.OPEN)
  })

  test('an auth message changes what the rule lets through; the stored auth follows deletes', async () => {
    const r = await Raw.open()
    await r.send({ type: 'subscribe', topics: ['notes/*'] })
    await createTestRecord(app, 'notes', { title: 'm1', owner: ids.alice })
    await r.send({ type: 'auth', token: tokens.alice })
    await createTestRecord(app, 'notes', { title: 'm2', owner: ids.alice })
    await r.send({ type: 'auth', token: '' })
    await createTestRecord(app, 'notes', { title: 'm3', owner: ids.alice })
    await r.settle()
    expect(r.events()).toEqual(['notes/* create m2'])
  })

  test('events only to subscriptions that existed when the write committed', async () => {
    const early = await Raw.open()
    await early.send({ type: 'subscribe', topics: ['notes/*'] })
    let release!: () => void
    const gate = new Promise<void>((r) => {
      release = r
    })
    let entered!: () => void
    const inHook = new Promise<void>((r) => {
      entered = r
    })
    let held = false
    const id = app.onRecordEnrich.bind(async (e) => {
      if (!held) {
        held = true
        entered()
        await gate
      }
      await e.next()
    })
    try {
      await createTestRecord(app, 'notes', { title: 'pub' })
      await inHook
      await createTestRecord(app, 'notes', { title: 'pub' }) // committed, waiting in the queue
      const late = await Raw.open()
      await late.send({ type: 'subscribe', topics: ['notes/*'] })
      release()
      await createTestRecord(app, 'notes', { title: 'after', owner: '' })
      await late.settle()
      await early.settle()
      expect(early.events()).toEqual([
        'notes/* create pub',
        'notes/* create pub',
        'notes/* create after',
      ])
      expect(late.events()).toEqual(['notes/* create after'])
    } finally {
      release()
      app.onRecordEnrich.unbind(id)
    }
  })

  test('a socket that stops reading is cut off at the cap; a reading one is not', async () => {
    const broker = app.realtime.broker
    const cap = broker.maxBufferedBytes
    broker.maxBufferedBytes = 256 * 1024
    try {
      const stuck = await Raw.open()
      const reader = await Raw.open()
      for (const r of [stuck, reader]) await r.send({ type: 'subscribe', topics: ['notes/*'] })
      const client = broker.clientById(stuck.clientId)!
      ;(stuck.ws as unknown as { _socket: { pause(): void } })._socket.pause()
      const record = await createTestRecord(app, 'notes', {
        title: 'pub',
        data: { blob: 'x'.repeat(100_000) },
      })
      let events = 0
      while (!client.discarded && events < 400) {
        await publishRecordEvent(app, 'update', record)
        events++
        expect(client.bufferedBytes).toBeLessThanOrEqual(256 * 1024)
        await new Promise<void>((r) => setImmediate(r))
      }
      expect(client.discarded).toBe(true)
      expect(broker.clientById(stuck.clientId)).toBeUndefined()
      const closed = new Promise<void>((r) => stuck.ws.once('close', () => r()))
      ;(stuck.ws as unknown as { _socket: { resume(): void } })._socket.resume()
      await closed
      await reader.settle()
      expect(reader.ws.readyState).toBe(WebSocket.OPEN)
      expect(reader.events().filter((e) => e === 'notes/* update pub')).toHaveLength(events)
    } finally {
      broker.maxBufferedBytes = cap
    }
  }, 60_000)

  test('keep-alive: a socket answering pings stays, one that does not is cut', async () => {
    const broker = app.realtime.broker
    const every = broker.keepAliveMs
    broker.keepAliveMs = 40
    try {
      const live = await Raw.open()
      const mute = await Raw.open({}, { autoPong: false })
      let pings = 0
      live.ws.on('ping', () => pings++)
      const cut = new Promise<void>((r) => mute.ws.once('close', () => r()))
      await cut
      while (broker.clientById(mute.clientId) !== undefined) await live.send({ type: 'ping' })
      while (pings < 3) await new Promise<void>((r) => live.ws.once('ping', () => r()))
      expect(live.ws.readyState).toBe(WebSocket.OPEN)
      expect(broker.clientById(live.clientId)?.discarded).toBe(false)
    } finally {
      broker.keepAliveMs = every
    }
  })

  test('a superuser token from an IP outside settings.superuserIPs is refused (403)', async () => {
    const before = app.settings()
    await app.saveSettings(mergeSettings(before, { superuserIPs: ['10.9.9.9'] }))
    try {
      const r = await Raw.open()
      expect(await r.send({ type: 'auth', token: tokens.su })).toMatchObject({
        type: 'error',
        status: 403,
      })
      expect(await r.send({ type: 'auth', token: tokens.alice })).toMatchObject({ type: 'ok' })
      // in the upgrade request's header, the router refuses the upgrade itself
      const refused = new WebSocket(`${base.replace('http', 'ws')}/api/realtime`, {
        headers: { authorization: tokens.su },
      })
      const status = await new Promise<number>((resolve) =>
        refused.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
      )
      expect(status).toBe(403)
    } finally {
      await app.saveSettings(mergeSettings(app.settings(), { superuserIPs: [] }))
    }
  })

  test('server shutdown closes sockets with 1001', async () => {
    const other = await TestApp.create()
    const s = await startServer(other, { http: '127.0.0.1:0' })
    const ws = new WebSocket(`ws://${s.address}/api/realtime`)
    await new Promise<void>((r) => ws.once('message', () => r()))
    const code = new Promise<number>((r) => ws.once('close', (c) => r(c)))
    await s.close()
    expect(await code).toBe(1001)
    await other.cleanup()
  })

  test('a plain GET /api/realtime is still SSE', async () => {
    const res = await fetch(`${base}/api/realtime`)
    expect(res.headers.get('content-type')).toBe('text/event-stream')
    await res.body?.cancel()
  })
})
