/**
 * Realtime fan-out bench (issue 10 items 5 and 8), Satchel over SSE and over WebSocket beside
 * PocketBase over SSE, interleaved in one run. For each client count N, each transport gets a
 * fresh server with N/2 users and the collection `rt` under a rule that depends on the
 * subscriber (`public = true || owner = @request.auth.id`); N clients (raw sockets spread over
 * worker threads, loopback only; half of them signed in as distinct users) subscribe to `rt/*`.
 * Measured:
 * - fan-out: one create of a public record → time until the last client got it (and the median
 *   client), worst of 3 writes after one unmeasured warm-up write;
 * - sustained: 5 creates/s for 4 s → p50/p99/max of write → delivery over every (write, client),
 *   how many were delivered, and the last write's slowest delivery (no backlog = close to p99);
 * - memory: RSS of the server's process tree after connecting and subscribing minus before, per
 *   client;
 * - create latency: the create request's own p50/p99 with no subscribers and while N are served.
 *
 *   node bench/realtime.ts [--clients=1000,5000] [--transports=sse,ws] [--rounds=1] [--threads=4]
 *                          [--only=satchel|pocketbase]
 *
 * Users are made quickly: one through the API, the others copied from its row straight into
 * `data.db` (same on-disk format for both servers), then signed in by superuser impersonation
 * (no bcrypt). Each client costs the bench one file descriptor (raise `ulimit -n` when asked).
 * Durations are bounded (connect 120 s, each wait 20 s).
 */
import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import {
  type RunningServer,
  resolvePocketBase,
  type ServerSpec,
  startServer,
  stopAll,
} from './servers.ts'

const EMAIL = 'bench@example.com'
const PASSWORD = 'bench-pass-123'
const RULE = 'public = true || owner = @request.auth.id'
const SUSTAINED_RATE = 5
const SUSTAINED_SECONDS = 4

type Transport = 'sse' | 'ws'

interface Options {
  clients: number[]
  transports: Transport[]
  rounds: number
  threads: number
  only?: string
}

function parseArgs(argv: string[]): Options {
  const o: Options = { clients: [1000, 5000], transports: ['sse', 'ws'], rounds: 1, threads: 4 }
  for (const a of argv) {
    const [k, v = ''] = a.replace(/^--/, '').split('=') as [string, string?]
    if (k === 'clients') o.clients = v.split(',').map((n) => Math.max(2, Number(n)))
    else if (k === 'transports') o.transports = v.split(',') as Transport[]
    else if (k === 'rounds') o.rounds = Math.max(1, Number(v))
    else if (k === 'threads') o.threads = Math.max(1, Number(v))
    else if (k === 'only') o.only = v.toLowerCase()
  }
  return o
}

/** RSS (KiB) of a process and all its descendants, from /proc. */
function treeRssKiB(pid: number): number {
  const parents = new Map<number, number>()
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8')
      parents.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]))
    } catch {
      // gone
    }
  }
  let total = 0
  const pending = [pid]
  while (pending.length > 0) {
    const p = pending.pop()!
    try {
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))
      total += Number(m?.[1] ?? 0)
    } catch {
      // gone
    }
    for (const [child, parent] of parents) if (parent === p) pending.push(child)
  }
  return total
}

function fdLimit(): number {
  const m = /Max open files\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'))
  return Number(m?.[1] ?? 1024)
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const now = () => performance.timeOrigin + performance.now()

async function api(
  url: string,
  path: string,
  body: unknown,
  token?: string,
): Promise<{ [key: string]: unknown }> {
  const res = await fetch(url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: token } : {}) },
    body: JSON.stringify(body),
  })
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`)
  return (await res.json()) as { [key: string]: unknown }
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!
}

/** `n` users: one through the API, the rest copies of its row; returns their ids. */
async function seedUsers(server: RunningServer, su: string, n: number): Promise<string[]> {
  const first = await api(
    server.url,
    '/api/collections/users/records',
    { email: 'u0@example.com', password: PASSWORD, passwordConfirm: PASSWORD },
    su,
  )
  const { default: Database } = await import('better-sqlite3')
  const db = new Database(join(server.dataDir, 'data.db'), { timeout: 10_000 })
  try {
    const row = db.prepare('SELECT * FROM users WHERE id = ?').get(first.id) as {
      [key: string]: unknown
    }
    const cols = Object.keys(row)
    const insert = db.prepare(
      `INSERT INTO users (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`,
    )
    const ids = [String(first.id)]
    db.transaction(() => {
      for (let i = 1; i < n; i++) {
        const id = `u${String(i).padStart(14, '0')}`
        insert.run({
          ...row,
          id,
          email: `u${i}@example.com`,
          tokenKey: randomBytes(25).toString('hex'),
        })
        ids.push(id)
      }
    })()
    return ids
  } finally {
    db.close()
  }
}

/** Auth tokens for `ids` by superuser impersonation (16 requests at a time). */
async function impersonate(server: RunningServer, su: string, ids: string[]): Promise<string[]> {
  const tokens: string[] = new Array(ids.length)
  let next = 0
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < ids.length) {
        const i = next++
        const r = await api(
          server.url,
          `/api/collections/users/impersonate/${ids[i]}`,
          { duration: 3600 },
          su,
        )
        tokens[i] = String(r.token)
      }
    }),
  )
  return tokens
}

/** Sequential creates; returns each request's latency (ms). */
async function createLatencies(server: RunningServer, su: string, n: number): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const t = now()
    await api(server.url, '/api/collections/rt/records', { title: 'warm', public: false }, su)
    out.push(now() - t)
  }
  return out.sort((a, b) => a - b)
}

interface ThreadMessage {
  type: 'ready' | 'times' | 'error'
  /** write index → receive times (epoch ms) of the clients of this thread */
  times?: { [write: number]: number[] }
  message?: string
}

class Threads {
  readonly #workers: Worker[] = []
  readonly #waiters = new Map<Worker, (m: ThreadMessage) => void>()

  constructor(server: RunningServer, transport: Transport, tokens: string[], threads: number) {
    const per = Math.ceil(tokens.length / threads)
    for (let i = 0; i < threads; i++) {
      const slice = tokens.slice(i * per, (i + 1) * per)
      if (slice.length === 0) break
      const w = new Worker(fileURLToPath(import.meta.url), {
        workerData: { url: server.url, port: server.port, transport, tokens: slice },
      })
      w.on('message', (m: ThreadMessage) => {
        const r = this.#waiters.get(w)
        this.#waiters.delete(w)
        r?.(m)
      })
      w.on('error', (err) => this.#waiters.get(w)?.({ type: 'error', message: String(err) }))
      this.#workers.push(w)
    }
  }

  /** Waits for one message from every thread. */
  async all(send?: string, timeoutMs = 20_000): Promise<ThreadMessage[]> {
    const answers = this.#workers.map(
      (w) =>
        new Promise<ThreadMessage>((r) => {
          this.#waiters.set(w, r)
          if (send !== undefined) w.postMessage(send)
        }),
    )
    const got = await withTimeout(Promise.all(answers), timeoutMs, send ?? 'connect')
    const failed = got.find((m) => m.type === 'error')
    if (failed) throw new Error(`client thread: ${failed.message}`)
    return got
  }

  /** Every receive time of write `index` so far, over all threads. */
  async times(): Promise<Map<number, number[]>> {
    const out = new Map<number, number[]>()
    for (const m of await this.all('times')) {
      for (const [k, list] of Object.entries(m.times ?? {})) {
        const acc = out.get(Number(k)) ?? []
        acc.push(...list)
        out.set(Number(k), acc)
      }
    }
    return out
  }

  async close(): Promise<void> {
    for (const w of this.#workers) w.postMessage('close')
    await Promise.all(this.#workers.map((w) => w.terminate()))
  }
}

interface RunResult {
  label: string
  clients: number
  connectMs: number
  fanoutLastMs: number
  fanoutMedianMs: number
  sustainedP50: number
  sustainedP99: number
  sustainedMax: number
  deliveredPct: number
  lastWriteMaxMs: number
  kibPerClient: number
  createIdleP50: number
  createIdleP99: number
  createLoadedP50: number
  createLoadedP99: number
}

/** One server, one transport, N clients. */
async function measure(
  server: RunningServer,
  label: string,
  transport: Transport,
  n: number,
  o: Options,
): Promise<RunResult> {
  const su = String(
    (
      await api(server.url, '/api/collections/_superusers/auth-with-password', {
        identity: EMAIL,
        password: PASSWORD,
      })
    ).token,
  )
  await api(
    server.url,
    '/api/collections',
    {
      name: 'rt',
      type: 'base',
      listRule: RULE,
      viewRule: RULE,
      fields: [
        { name: 'title', type: 'text' },
        { name: 'public', type: 'bool' },
        { name: 'owner', type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 1 },
      ],
    },
    su,
  )
  const users = await seedUsers(server, su, Math.floor(n / 2))
  const userTokens = await impersonate(server, su, users)
  // half signed in (distinct users), half guests, interleaved over the threads
  const tokens = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? (userTokens[i / 2] ?? '') : ''))
  const createIdle = await createLatencies(server, su, 20)
  await sleep(500)
  const rssBefore = treeRssKiB(server.pid)
  const started = now()
  const threads = new Threads(server, transport, tokens, o.threads)
  try {
    await threads.all(undefined, 120_000)
    const connectMs = now() - started
    await sleep(1000)
    const rssAfter = treeRssKiB(server.pid)
    let write = 0
    const publish = async (): Promise<{ index: number; sent: number; tookMs: number }> => {
      const index = write++
      const sent = now()
      await api(server.url, '/api/collections/rt/records', { title: `w${index}`, public: true }, su)
      return { index, sent, tookMs: now() - sent }
    }
    const waitDelivered = async (indexes: number[]): Promise<Map<number, number[]>> => {
      const until = Date.now() + 20_000
      for (;;) {
        const t = await threads.times()
        if (indexes.every((i) => (t.get(i)?.length ?? 0) >= n) || Date.now() > until) return t
        await sleep(100)
      }
    }
    // NOTE: a warm-up write first, not measured: a subscriber's first event compiles its rule
    // (Satchel caches it per subscriber) — long-lived subscribers pay that once.
    const warm = await publish()
    await waitDelivered([warm.index])
    // one write at a time
    let fanoutLastMs = 0
    let fanoutMedianMs = 0
    for (let k = 0; k < 3; k++) {
      const w = await publish()
      const got = (await waitDelivered([w.index])).get(w.index) ?? []
      got.sort((a, b) => a - b)
      const last = got.length === n ? got[got.length - 1]! - w.sent : Number.POSITIVE_INFINITY
      if (last > fanoutLastMs) {
        fanoutLastMs = last
        fanoutMedianMs = percentile(got, 50) - w.sent
      }
      await sleep(300)
    }
    // sustained rate
    const writes: { index: number; sent: number; tookMs: number }[] = []
    const pending: Promise<void>[] = []
    const total = SUSTAINED_RATE * SUSTAINED_SECONDS
    const t0 = now()
    for (let k = 0; k < total; k++) {
      const due = t0 + (k * 1000) / SUSTAINED_RATE
      await sleep(Math.max(0, due - now()))
      pending.push(publish().then((w) => void writes.push(w)))
    }
    await Promise.all(pending)
    const times = await waitDelivered(writes.map((w) => w.index))
    const latencies: number[] = []
    let delivered = 0
    let lastWriteMaxMs = 0
    const lastIndex = Math.max(...writes.map((w) => w.index))
    for (const w of writes) {
      const got = times.get(w.index) ?? []
      delivered += got.length
      for (const t of got) latencies.push(t - w.sent)
      if (w.index === lastIndex)
        lastWriteMaxMs = got.length ? Math.max(...got) - w.sent : Number.NaN
    }
    latencies.sort((a, b) => a - b)
    const loaded = writes.map((w) => w.tookMs).sort((a, b) => a - b)
    return {
      label,
      clients: n,
      connectMs,
      fanoutLastMs,
      fanoutMedianMs,
      sustainedP50: percentile(latencies, 50),
      sustainedP99: percentile(latencies, 99),
      sustainedMax: latencies[latencies.length - 1] ?? Number.NaN,
      deliveredPct: (100 * delivered) / (n * writes.length),
      lastWriteMaxMs,
      kibPerClient: (rssAfter - rssBefore) / n,
      createIdleP50: percentile(createIdle, 50),
      createIdleP99: percentile(createIdle, 99),
      createLoadedP50: percentile(loaded, 50),
      createLoadedP99: percentile(loaded, 99),
    }
  } finally {
    await threads.close()
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} timed out`)), ms).unref(),
    ),
  ])
}

const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : String(x))

function row(r: RunResult): string {
  return (
    `${r.label.padEnd(15)} N=${String(r.clients).padEnd(6)} connect ${(r.connectMs / 1000).toFixed(1)}s | ` +
    `one write: last ${f1(r.fanoutLastMs)} ms, median ${f1(r.fanoutMedianMs)} ms | ` +
    `${SUSTAINED_RATE}/s: p50 ${f1(r.sustainedP50)} p99 ${f1(r.sustainedP99)} max ${f1(r.sustainedMax)} ms, ` +
    `last write ${f1(r.lastWriteMaxMs)} ms, delivered ${r.deliveredPct.toFixed(1)}% | ` +
    `${f1(r.kibPerClient)} KiB/client | create p50/p99 ${f1(r.createIdleP50)}/${f1(r.createIdleP99)} ms idle → ` +
    `${f1(r.createLoadedP50)}/${f1(r.createLoadedP99)} ms loaded`
  )
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2))
  const limit = fdLimit()
  const most = Math.max(...o.clients)
  if (limit < most + 500) {
    console.error(
      `open files limit ${limit} < ${most + 500}: run \`ulimit -n ${most + 1000}\` first`,
    )
    process.exit(2)
  }
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..')
  const satchel: ServerSpec = {
    label: 'Satchel',
    cmd: [process.execPath, resolve(repoRoot, 'bin/satchel.js')],
    serveArgs: [],
  }
  const runs: { spec: ServerSpec; label: string; transport: Transport }[] = []
  if (o.only !== 'pocketbase')
    for (const t of o.transports)
      runs.push({ spec: satchel, label: `Satchel ${t.toUpperCase()}`, transport: t })
  if (o.only !== 'satchel') {
    const pb = {
      label: 'PocketBase',
      cmd: [await resolvePocketBase(repoRoot)],
      serveArgs: ['--dev=false'],
    }
    runs.push({ spec: pb, label: 'PocketBase SSE', transport: 'sse' })
  }
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)))
  const results: RunResult[] = []
  try {
    for (const n of o.clients) {
      for (let round = 0; round < o.rounds; round++) {
        for (const run of runs) {
          const server = await startServer(run.spec, EMAIL, PASSWORD)
          try {
            const r = await measure(server, run.label, run.transport, n, o)
            results.push(r)
            console.log(row(r))
          } finally {
            await server.stop()
          }
          await sleep(500)
        }
      }
    }
  } finally {
    await stopAll()
  }
  // the worst run of each (label, N), and the ratios against PocketBase (> 1: Satchel is faster)
  console.log('\nworst of rounds; ratio = PocketBase ÷ Satchel (> 1: Satchel better)')
  for (const n of o.clients) {
    const worst = new Map<string, RunResult>()
    for (const r of results.filter((x) => x.clients === n)) {
      const w = worst.get(r.label)
      if (w === undefined || r.fanoutLastMs > w.fanoutLastMs) worst.set(r.label, r)
    }
    const pb = worst.get('PocketBase SSE')
    for (const r of worst.values()) {
      const ratio = (a: number, b: number) => (pb ? (a / b).toFixed(2) : '-')
      console.log(
        `N=${n} ${r.label.padEnd(15)} one-write last ${f1(r.fanoutLastMs)} ms (×${ratio(pb?.fanoutLastMs ?? 0, r.fanoutLastMs)}), ` +
          `5/s p99 ${f1(r.sustainedP99)} ms (×${ratio(pb?.sustainedP99 ?? 0, r.sustainedP99)}), ` +
          `${f1(r.kibPerClient)} KiB/client (×${ratio(pb?.kibPerClient ?? 0, r.kibPerClient)}), ` +
          `create p50 loaded/idle ${(r.createLoadedP50 / r.createIdleP50).toFixed(2)}`,
      )
    }
  }
}

// ---- client thread -------------------------------------------------------------------------

const TITLE = /"title":"w(\d+)"/

async function clientThread(data: {
  url: string
  port: number
  transport: Transport
  tokens: string[]
}): Promise<void> {
  const times: { [write: number]: number[] } = {}
  const received = (text: string) => {
    const m = TITLE.exec(text)
    if (m === null) return
    const t = now()
    const list = times[Number(m[1])]
    if (list === undefined) times[Number(m[1])] = [t]
    else list.push(t)
  }
  const closers: (() => void)[] = []
  try {
    const connect =
      data.transport === 'ws'
        ? await wsConnector(data, received, closers)
        : await sseConnector(data, received, closers)
    const BATCH = 50
    for (let i = 0; i < data.tokens.length; i += BATCH) {
      await Promise.all(data.tokens.slice(i, i + BATCH).map(connect))
    }
    parentPort!.postMessage({ type: 'ready' })
  } catch (err) {
    parentPort!.postMessage({ type: 'error', message: String(err) })
  }
  parentPort!.on('message', (m) => {
    if (m === 'times') parentPort!.postMessage({ type: 'times', times })
    if (m === 'close') for (const c of closers) c()
  })
}

/** SSE: a raw socket per client, then `POST /api/realtime` (with the token when signed in). */
async function sseConnector(
  data: { url: string; port: number },
  received: (text: string) => void,
  closers: (() => void)[],
): Promise<(token: string) => Promise<void>> {
  const net = await import('node:net')
  const http = await import('node:http')
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 })
  const subscribe = (clientId: string, token: string) =>
    new Promise<void>((res, rej) => {
      const body = JSON.stringify({ clientId, subscriptions: ['rt/*'] })
      const req = http.request(
        `${data.url}/api/realtime`,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...(token ? { authorization: token } : {}),
          },
        },
        (r) => {
          r.resume()
          r.on('end', () =>
            r.statusCode === 204 ? res() : rej(new Error(`subscribe: ${r.statusCode}`)),
          )
        },
      )
      req.on('error', rej)
      req.end(body)
    })
  return (token) =>
    new Promise<void>((res, rej) => {
      const s = net.connect(data.port, '127.0.0.1')
      s.setEncoding('utf8')
      let buf = ''
      let id: string | undefined
      s.on('data', (chunk: string) => {
        if (id === undefined) {
          buf += chunk
          const m = /\nid:([A-Za-z0-9]{40})\n/.exec(buf)
          if (m === null) return
          id = m[1]!
          buf = ''
          subscribe(id, token).then(res, rej)
          return
        }
        // NOTE: frames may be split over chunks or share one: split on the blank line
        buf += chunk
        let end = buf.indexOf('\n\n')
        while (end >= 0) {
          const frame = buf.slice(0, end)
          buf = buf.slice(end + 2)
          if (frame.includes('event:rt/*')) received(frame)
          end = buf.indexOf('\n\n')
        }
      })
      s.on('error', rej)
      s.write(
        `GET /api/realtime HTTP/1.1\r\nHost: 127.0.0.1:${data.port}\r\nAccept: text/event-stream\r\n\r\n`,
      )
      closers.push(() => s.destroy())
    })
}

/** WebSocket: one socket per client; `auth` (when signed in) then `subscribe`, each acked. */
async function wsConnector(
  data: { url: string },
  received: (text: string) => void,
  closers: (() => void)[],
): Promise<(token: string) => Promise<void>> {
  const { default: WebSocket } = await import('ws')
  const url = `${data.url.replace(/^http/, 'ws')}/api/realtime`
  return (token) =>
    new Promise<void>((res, rej) => {
      const ws = new WebSocket(url)
      let acks = token ? 2 : 1
      ws.on('message', (raw) => {
        const text = String(raw)
        if (text.startsWith('{"type":"event"')) {
          received(text)
        } else if (text.startsWith('{"type":"connect"')) {
          if (token) ws.send(JSON.stringify({ type: 'auth', token, ref: 1 }))
          ws.send(JSON.stringify({ type: 'subscribe', topics: ['rt/*'], ref: 2 }))
        } else if (text.startsWith('{"type":"ok"')) {
          if (--acks === 0) res()
        } else if (text.startsWith('{"type":"error"')) rej(new Error(text))
      })
      ws.on('error', rej)
      closers.push(() => ws.terminate())
    })
}

if (isMainThread) {
  main().catch((err) => {
    console.error(err)
    process.exitCode = 1
  })
} else {
  void clientThread(workerData)
}
