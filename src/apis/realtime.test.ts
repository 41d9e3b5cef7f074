import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { deleteRecord } from '../core/record-delete.ts'
import { findRecordById } from '../core/record-query.ts'
import { saveRecord } from '../core/record-save.ts'
import { createTestCollection, createTestRecord } from '../tests/record-fixtures.ts'
import { TestApp } from '../tests/test-app.ts'
import type { BusMessageHandler, BusPayload } from '../tools/subscriptions/bus.ts'

/** One parsed SSE frame. */
interface Frame {
  id: string
  event: string
  data: unknown
  raw: string
}

/** An in-process SSE connection: collects frames from the response stream. */
class Sse {
  readonly frames: Frame[] = []
  readonly clientId: string
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>
  #buf = ''
  #waiters: (() => void)[] = []

  private constructor(reader: ReadableStreamDefaultReader<Uint8Array>, clientId: string) {
    this.#reader = reader
    this.clientId = clientId
  }

  static async open(app: TestApp): Promise<Sse> {
    const res = await app.request('GET', '/api/realtime')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/event-stream')
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.headers.get('x-accel-buffering')).toBe('no')
    const reader = res.body!.getReader()
    const first = new TextDecoder().decode((await reader.read()).value)
    const m = /^id:([A-Za-z0-9]{40})\nevent:PB_CONNECT\ndata:(.*)\n\n$/.exec(first)
    expect(m).not.toBeNull()
    expect(JSON.parse(m![2]!)).toEqual({ clientId: m![1] })
    const sse = new Sse(reader, m![1]!)
    void sse.#pump()
    return sse
  }

  async #pump(): Promise<void> {
    const dec = new TextDecoder()
    for (;;) {
      const { value, done } = await this.#reader
        .read()
        .catch(() => ({ value: undefined, done: true }))
      if (done) break
      this.#buf += dec.decode(value)
      let i = this.#buf.indexOf('\n\n')
      while (i >= 0) {
        const raw = this.#buf.slice(0, i + 2)
        this.#buf = this.#buf.slice(i + 2)
        const m = /^id:(.*)\nevent:(.*)\ndata:(.*)\n\n$/.exec(raw)
        if (m) this.frames.push({ id: m[1]!, event: m[2]!, data: JSON.parse(m[3]!), raw })
        i = this.#buf.indexOf('\n\n')
      }
      for (const w of this.#waiters.splice(0)) w()
    }
  }

  /** Waits until `n` frames arrived (or fails after 2 s). */
  async waitFor(n: number): Promise<Frame[]> {
    const until = Date.now() + 2000
    while (this.frames.length < n && Date.now() < until) {
      await new Promise<void>((r) => {
        this.#waiters.push(r)
        setTimeout(r, 50)
      })
    }
    return this.frames
  }

  /** Lets pending deliveries run, then returns the frames. */
  async settle(): Promise<Frame[]> {
    await new Promise((r) => setTimeout(r, 60))
    return this.frames
  }

  close(): void {
    void this.#reader.cancel()
  }
}

let app: TestApp
let sockets: Sse[] = []

beforeEach(async () => {
  app = await TestApp.create()
  sockets = []
  await createTestCollection(app, {
    name: 'posts',
    fields: [
      { name: 'title', type: 'text' },
      { name: 'secret', type: 'text', hidden: true },
      { name: 'author', type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 1 },
    ],
    listRule: 'title != "hidden"',
    viewRule: '',
  })
})

afterEach(async () => {
  for (const s of sockets) s.close()
  await app.cleanup()
})

async function open(): Promise<Sse> {
  const s = await Sse.open(app)
  sockets.push(s)
  return s
}

async function subscribe(s: Sse, subscriptions: string[], token?: string): Promise<Response> {
  return app.request('POST', '/api/realtime', {
    headers: token ? { authorization: token } : {},
    body: { clientId: s.clientId, subscriptions },
  })
}

describe('POST /api/realtime validation', () => {
  test('missing client id, unknown client, limits', async () => {
    let res = await app.request('POST', '/api/realtime', { body: {} })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({
      data: { clientId: { code: 'validation_required', message: 'Cannot be blank.' } },
      message: 'Something went wrong while processing your request.',
      status: 400,
    })
    res = await app.request('POST', '/api/realtime', { body: { clientId: 'nope' } })
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({
      data: {},
      message: 'Missing or invalid client id.',
      status: 404,
    })
    const s = await open()
    res = await subscribe(s, ['a'.repeat(2501)])
    expect(((await res.json()) as { data: unknown }).data).toEqual({
      subscriptions: {
        '0': {
          code: 'validation_length_too_long',
          message: 'The length must be no more than 2500.',
          params: { max: 2500, min: 0 },
        },
      },
    })
    res = await subscribe(
      s,
      Array.from({ length: 1001 }, (_, i) => `t${i}`),
    )
    expect(
      ((await res.json()) as { data: { subscriptions: { code: string } } }).data.subscriptions.code,
    ).toBe('validation_length_too_long')
    res = await app.request('POST', '/api/realtime', { body: { clientId: 'a'.repeat(256) } })
    expect(
      ((await res.json()) as { data: { clientId: { code: string } } }).data.clientId.code,
    ).toBe('validation_length_out_of_range')
  })

  test('auth mismatch is 403, guest → auth upgrade is allowed', async () => {
    const s = await open()
    const u1 = await app.createAuthRecord('users', { email: 'u1@x.co', password: '1234567890' })
    const u2 = await app.createAuthRecord('users', { email: 'u2@x.co', password: '1234567890' })
    expect((await subscribe(s, ['posts'])).status).toBe(204)
    expect((await subscribe(s, ['posts'], u1.token)).status).toBe(204)
    expect((await subscribe(s, ['posts'], u1.token)).status).toBe(204)
    const res = await subscribe(s, ['posts'], u2.token)
    expect(res.status).toBe(403)
    expect(((await res.json()) as { message: string }).message).toBe(
      "The current and the previous request authorization don't match.",
    )
    expect((await subscribe(s, ['posts'])).status).toBe(403)
  })
})

describe('record events', () => {
  test('topics, event names, rules and framing', async () => {
    const s = await open()
    const opts = encodeURIComponent(JSON.stringify({ query: { fields: 'title,record.id' } }))
    expect(
      (await subscribe(s, ['posts/*', 'posts', `posts?options=${opts}`, 'pbc_x/*', 'other']))
        .status,
    ).toBe(204)
    const r = await createTestRecord(app, 'posts', { title: 'hello', secret: 's' })
    await createTestRecord(app, 'posts', { title: 'hidden' })
    const frames = await s.waitFor(3)
    await s.settle()
    expect(frames.map((f) => f.event).sort()).toEqual(
      ['posts', 'posts/*', `posts?options=${opts}`].sort(),
    )
    for (const f of frames) expect(f.id).toBe(s.clientId)
    const star = frames.find((f) => f.event === 'posts/*')!
    expect(star.raw).toBe(
      `id:${s.clientId}\nevent:posts/*\ndata:${JSON.stringify({
        record: {
          author: '',
          collectionId: r.collection.id,
          collectionName: 'posts',
          id: r.id,
          title: 'hello',
        },
        action: 'create',
      })}\n\n`,
    )
    expect(frames.find((f) => f.event.includes('options'))!.data).toEqual({
      record: { title: 'hello' },
      action: 'create',
    })
  })

  test('single record topic by name and id uses the viewRule; update and delete', async () => {
    const r = await createTestRecord(app, 'posts', { title: 'hidden' })
    const s = await open()
    const c = app.findCollectionByNameOrId('posts')
    await subscribe(s, [`posts/${r.id}`, `${c.id}/${r.id}`, 'posts/*', `posts/${r.id}x`])
    r.set('title', 'hidden')
    r.set('secret', 'x')
    await saveRecord(app, r)
    await deleteRecord(app, r)
    const frames = await s.waitFor(4)
    await s.settle()
    // the list rule hides the record from `posts/*`; the view rule is public
    expect(frames.map((f) => `${f.event} ${(f.data as { action: string }).action}`).sort()).toEqual(
      [
        `posts/${r.id} update`,
        `${c.id}/${r.id} update`,
        `posts/${r.id} delete`,
        `${c.id}/${r.id} delete`,
      ].sort(),
    )
  })

  test('hidden fields for superusers only; auth-dependent rules; delete evaluated on the removed row', async () => {
    await app.db.exec(
      "UPDATE _collections SET listRule = 'author = @request.auth.id' WHERE name = 'posts'",
    )
    await app.reloadCollections()
    const su = await app.createSuperuser()
    const u1 = await app.createAuthRecord('users', { email: 'u1@x.co', password: '1234567890' })
    const u2 = await app.createAuthRecord('users', { email: 'u2@x.co', password: '1234567890' })
    const [sSu, s1, s2, sGuest] = [await open(), await open(), await open(), await open()]
    await subscribe(sSu, ['posts/*'], su.token)
    await subscribe(s1, ['posts/*'], u1.token)
    await subscribe(s2, ['posts/*'], u2.token)
    await subscribe(sGuest, ['posts/*'])
    const r = await createTestRecord(app, 'posts', {
      title: 't',
      secret: 's',
      author: u1.record.id,
    })
    await deleteRecord(app, await findRecordById(app, 'posts', r.id))
    await sSu.waitFor(2)
    await s1.waitFor(2)
    await s2.settle()
    expect(
      sSu.frames.map((f) => (f.data as { record: { secret?: string } }).record.secret),
    ).toEqual(['s', 's'])
    expect(s1.frames.map((f) => (f.data as { action: string }).action)).toEqual([
      'create',
      'delete',
    ])
    expect((s1.frames[0]!.data as { record: object }).record).not.toHaveProperty('secret')
    expect(s2.frames).toEqual([])
    expect(sGuest.frames).toEqual([])
  })

  test('filter, expand and @request.query/@request.headers options', async () => {
    await app.db.exec(
      'UPDATE _collections SET listRule = \'@request.query.k = "v" && @request.headers.x_token = "t"\' WHERE name = \'posts\'',
    )
    await app.reloadCollections()
    await app.db.exec("UPDATE _collections SET viewRule = '' WHERE name = 'users'")
    await app.reloadCollections()
    const u1 = await app.createAuthRecord('users', { email: 'u1@x.co', password: '1234567890' })
    const s = await open()
    const good = `posts/*?options=${encodeURIComponent(
      JSON.stringify({
        query: { k: 'v', filter: 'title ~ "yes"', expand: 'author' },
        headers: { 'X-Token': 't' },
      }),
    )}`
    const bad = `posts/*?options=${encodeURIComponent(JSON.stringify({ query: { k: 'v' } }))}`
    const forbidden = `posts/*?options=${encodeURIComponent(
      JSON.stringify({
        query: { k: 'v', filter: '@request.auth.id = ""' },
        headers: { x_token: 't' },
      }),
    )}`
    await subscribe(s, [good, bad, forbidden])
    await createTestRecord(app, 'posts', { title: 'no', author: u1.record.id })
    await createTestRecord(app, 'posts', { title: 'yes', author: u1.record.id })
    await s.waitFor(1)
    await s.settle()
    expect(s.frames.map((f) => f.event)).toEqual([good])
    const rec = (
      s.frames[0]!.data as { record: { expand: { author: { id: string; email?: string } } } }
    ).record
    expect(rec.expand.author.id).toBe(u1.record.id)
    expect(rec.expand.author).not.toHaveProperty('email')
  })

  test('compiled rules are reused per subscriber, yet follow a changed auth record and rule', async () => {
    await app.db.exec(
      "UPDATE _collections SET listRule = '@request.auth.verified = true' WHERE name = 'posts'",
    )
    await app.reloadCollections()
    const u1 = await app.createAuthRecord('users', { email: 'u2@x.co', password: '1234567890' })
    const s = await open()
    await subscribe(s, ['posts/*'], u1.token)
    await createTestRecord(app, 'posts', { title: 'a' })
    await createTestRecord(app, 'posts', { title: 'a2' })
    const user = await findRecordById(app, 'users', u1.record.id)
    user.set('verified', true)
    await saveRecord(app, user)
    await createTestRecord(app, 'posts', { title: 'b' })
    await app.db.exec("UPDATE _collections SET listRule = 'title = \"c\"' WHERE name = 'posts'")
    await app.reloadCollections()
    await createTestRecord(app, 'posts', { title: 'b2' })
    await createTestRecord(app, 'posts', { title: 'c' })
    await s.waitFor(2)
    await s.settle()
    expect(s.frames.map((f) => (f.data as { record: { title: string } }).record.title)).toEqual([
      'b',
      'c',
    ])
  })

  test('stored auth follows the record: refreshed on update, dropped on delete', async () => {
    await app.db.exec(
      "UPDATE _collections SET listRule = '@request.auth.name = \"vip\"' WHERE name = 'posts'",
    )
    await app.reloadCollections()
    const u1 = await app.createAuthRecord('users', { email: 'u1@x.co', password: '1234567890' })
    const s = await open()
    await subscribe(s, ['posts/*'], u1.token)
    await createTestRecord(app, 'posts', { title: 'a' })
    const user = await findRecordById(app, 'users', u1.record.id)
    user.set('name', 'vip')
    await saveRecord(app, user)
    await createTestRecord(app, 'posts', { title: 'b' })
    await s.waitFor(1)
    await s.settle()
    expect(s.frames.map((f) => (f.data as { record: { title: string } }).record.title)).toEqual([
      'b',
    ])
    await deleteRecord(app, user)
    await createTestRecord(app, 'posts', { title: 'c' })
    await s.settle()
    expect(s.frames).toHaveLength(1)
    // the dropped auth lets the client subscribe as a guest again
    expect((await subscribe(s, ['posts/*'])).status).toBe(204)
  })

  test('query count per event does not grow with the number of subscribers', async () => {
    await app.db.exec(
      "UPDATE _collections SET listRule = 'author = @request.auth.id || title = \"pub\"' WHERE name = 'posts'",
    )
    await app.reloadCollections()
    const u1 = await app.createAuthRecord('users', { email: 'u1@x.co', password: '1234567890' })
    const countQueries = async (subscribers: number): Promise<number> => {
      const list: Sse[] = []
      for (let i = 0; i < subscribers; i++) {
        const s = await open()
        await subscribe(s, ['posts/*'], i % 2 === 0 ? u1.token : undefined)
        list.push(s)
      }
      let n = 0
      const db = app.db as unknown as { [k: string]: (...a: unknown[]) => unknown }
      const orig = { all: db.all!, get: db.get! }
      db.all = (...args: unknown[]) => {
        n++
        return orig.all.apply(app.db, args)
      }
      db.get = (...args: unknown[]) => {
        n++
        return orig.get.apply(app.db, args)
      }
      try {
        const before = n
        await createTestRecord(app, 'posts', { title: 'pub', author: u1.record.id })
        for (const s of list) await s.waitFor(1)
        const total = n - before
        for (const s of list) s.close()
        return total
      } finally {
        db.all = orig.all
        db.get = orig.get
      }
    }
    const few = await countQueries(2)
    const many = await countQueries(60)
    expect(many).toBe(few)
  })
})

describe('custom messages and lifetime', () => {
  test('sendClientMessage reaches a client subscribed to @oauth2 once', async () => {
    const s = await open()
    await subscribe(s, ['@oauth2'])
    const msg = { name: '@oauth2', data: JSON.stringify({ state: s.clientId, code: 'c' }) }
    expect(await app.realtime.sendClientMessage({ clientId: 'nope' }, msg)).toBe(false)
    expect(
      await app.realtime.sendClientMessage(
        { clientId: s.clientId, subscription: '@oauth2', unsubscribe: true },
        msg,
      ),
    ).toBe(true)
    expect(
      await app.realtime.sendClientMessage({ clientId: s.clientId, subscription: '@oauth2' }, msg),
    ).toBe(false)
    const frames = await s.waitFor(1)
    expect(frames[0]!.raw).toBe(`id:${s.clientId}\nevent:@oauth2\ndata:${msg.data}\n\n`)
  })

  test('idle clients are closed by the sweep', async () => {
    const s = await open()
    const broker = app.realtime.broker
    expect(broker.clientById(s.clientId)).toBeDefined()
    broker.sweep(Date.now() + broker.idleTimeoutMs + 1)
    expect(broker.clientById(s.clientId)).toBeUndefined()
    expect((await subscribe(s, ['posts'])).status).toBe(404)
  })
})

describe('transactions', () => {
  test('batch writes are published after the batch commits; a failed batch publishes nothing', async () => {
    const settings = app.settings()
    await app.saveSettings({ ...settings, batch: { ...settings.batch, enabled: true } })
    await app.db.exec("UPDATE _collections SET createRule = '' WHERE name = 'posts'")
    await app.reloadCollections()
    const s = await open()
    await subscribe(s, ['posts/*'])
    const batch = (requests: object[]) => app.request('POST', '/api/batch', { body: { requests } })
    const create = (title: string) => ({
      method: 'POST',
      url: '/api/collections/posts/records',
      body: { title },
    })
    expect((await batch([create('b1'), create('b2')])).status).toBe(200)
    const bad = { method: 'POST', url: '/api/collections/missing/records', body: {} }
    expect((await batch([create('b3'), bad])).status).toBe(400)
    await s.waitFor(2)
    await s.settle()
    expect(s.frames.map((f) => (f.data as { record: { title: string } }).record.title)).toEqual([
      'b1',
      'b2',
    ])
  })
})

// Issue 10 item 6: the fan-out runs on a queue after the commit; a subscription set while an
// event waits there did not exist when its write committed and must not get it.
describe('events only to subscriptions that existed at commit', () => {
  test('writes committed before a subscribe are not delivered to it, however late the fan-out runs', async () => {
    const s1 = await open()
    await subscribe(s1, ['posts/*'])
    // Hold the fan-out of the first event inside an enrich hook, so the next ones queue up.
    let release!: () => void
    const gate = new Promise<void>((r) => {
      release = r
    })
    let entered!: () => void
    const inHook = new Promise<void>((r) => {
      entered = r
    })
    let held = false
    app.onRecordEnrich.bind(async (e) => {
      if (!held) {
        held = true
        entered()
        await gate
      }
      await e.next()
    })
    const r = await createTestRecord(app, 'posts', { title: 'v0' })
    await inHook
    for (const title of ['v1', 'v2']) {
      const rec = await findRecordById(app, r.collection, r.id)
      rec.set('title', title)
      await saveRecord(app, rec)
    }
    // Both updates are committed and waiting; now a new client subscribes and s1 re-posts its
    // list with one more topic (as the SDK does): `posts/*` keeps its stamp, `posts` is new.
    const s2 = await open()
    expect((await subscribe(s2, ['posts/*'])).status).toBe(204)
    expect((await subscribe(s1, ['posts/*', 'posts'])).status).toBe(204)
    release()
    await createTestRecord(app, 'posts', { title: 'after' })
    await s1.waitFor(5)
    await s2.waitFor(1)
    await s2.settle()
    const seen = (s: Sse) =>
      s.frames.map((f) => {
        const d = f.data as { action: string; record: { title: string } }
        return `${f.event} ${d.action} ${d.record.title}`
      })
    expect(seen(s1).slice(0, 3)).toEqual([
      'posts/* create v0',
      'posts/* update v1',
      'posts/* update v2',
    ])
    expect(seen(s1).slice(3).sort()).toEqual(['posts create after', 'posts/* create after'])
    expect(seen(s2)).toEqual(['posts/* create after'])
  })

  test('a stamp decides: before the commit → delivered, after → not; re-posting keeps it', async () => {
    const hub = app.realtime
    const s = await open()
    const client = hub.broker.clientById(s.clientId)!
    const before = hub.now()
    client.setSubscriptions(before, ['posts/*'])
    const committedAt = hub.now()
    client.setSubscriptions(hub.now(), ['posts/*', 'posts'])
    expect(client.subscribedBefore('posts/*', committedAt)).toBe(true)
    expect(client.subscribedBefore('posts', committedAt)).toBe(false)
    expect(client.subscribedBefore('posts/*', before)).toBe(false)
    client.setSubscriptions(hub.now(), ['posts'])
    client.setSubscriptions(hub.now(), ['posts/*'])
    expect(client.subscribedBefore('posts/*', committedAt)).toBe(false)
    const a = hub.now()
    expect(hub.now()).toBeGreaterThan(a)
  })
})

// A process with no client connected skips the fan-out of record events (its own and those of
// other processes), but still publishes its own to the others, and serves a client that
// connects afterwards as usual.
describe('record events while no client is connected here', () => {
  test('own writes still reach the bus; a later client gets local and remote events', async () => {
    const published: BusPayload[] = []
    let deliver!: BusMessageHandler
    app.realtime.useBus({
      publish: (p) => void published.push(p),
      request: () => Promise.resolve(undefined),
      onMessage: (h) => {
        deliver = h
      },
      onRequest: () => {},
      close: () => {},
    })
    expect(app.realtime.broker.size).toBe(0)
    await createTestRecord(app, 'posts', { title: 'alone' })
    expect(published.map((p) => [p.op, p.action])).toEqual([['record', 'create']])
    deliver(published[0]!) // as if another process had committed it: dropped here
    const s = await open()
    expect((await subscribe(s, ['posts/*'])).status).toBe(204)
    await createTestRecord(app, 'posts', { title: 'local' })
    // a write another process commits now: its row as that process publishes it
    const remote = await createTestRecord(app, 'posts', { title: 'remote' })
    const p = published.at(-1)!
    await s.waitFor(2)
    await deleteRecord(app, remote)
    deliver({ ...p, committedAt: app.realtime.now() })
    const frames = await s.waitFor(4)
    await s.settle()
    const seen = frames.map((f) => {
      const d = f.data as { action: string; record: { title: string } }
      return `${d.action} ${d.record.title}`
    })
    expect(seen).toEqual(['create local', 'create remote', 'delete remote', 'create remote'])
  })
})
