/**
 * Realtime capacity bench (issue #3 point 5), Satchel vs PocketBase in one run:
 * N concurrent SSE clients (raw sockets spread over worker threads, loopback only) subscribe to
 * `rt/*`; one record create is fanned out to all of them. Reports the time from the write until
 * the last client received the event (and the median), and the server's memory per connected
 * client (RSS of the server's whole process tree after connecting and subscribing, minus before,
 * divided by N).
 *
 *   node bench/realtime.ts [--clients=10000] [--threads=4] [--only=satchel|pocketbase]
 *
 * Each client costs the bench one file descriptor; the script checks `ulimit -n` (raise it with
 * `ulimit -n 20000` in the shell when needed). Durations are bounded (connect 120 s, fan-out 60 s).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import { type RunningServer, resolvePocketBase, startServer, stopAll } from './servers.ts'

const EMAIL = 'bench@example.com'
const PASSWORD = 'bench-pass-123'

interface Options {
  clients: number
  threads: number
  only?: string
}

function parseArgs(argv: string[]): Options {
  const o: Options = { clients: 10_000, threads: 4 }
  for (const a of argv) {
    const [k, v = ''] = a.replace(/^--/, '').split('=') as [string, string?]
    if (k === 'clients') o.clients = Math.max(1, Number(v))
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

async function api(url: string, path: string, body: unknown, token?: string): Promise<unknown> {
  const res = await fetch(url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: token } : {}) },
    body: JSON.stringify(body),
  })
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`)
  return res.json()
}

interface ThreadReport {
  type: 'ready' | 'received' | 'error'
  connected?: number
  /** Receive times (epoch ms, sub-ms precision) of the fanned-out event. */
  times?: number[]
  message?: string
}

/** One server's run: connect N clients, measure memory, fan out one write. */
async function measure(server: RunningServer, o: Options) {
  const auth = (await api(server.url, '/api/collections/_superusers/auth-with-password', {
    identity: EMAIL,
    password: PASSWORD,
  })) as { token: string }
  await api(
    server.url,
    '/api/collections',
    {
      name: 'rt',
      type: 'base',
      listRule: '',
      viewRule: '',
      fields: [{ name: 'title', type: 'text' }],
    },
    auth.token,
  )
  await sleep(500)
  const rssBefore = treeRssKiB(server.pid)
  const per = Math.ceil(o.clients / o.threads)
  const workers: Worker[] = []
  const reports: Promise<ThreadReport>[] = []
  const received: Promise<ThreadReport>[] = []
  const started = Date.now()
  for (let i = 0; i < o.threads; i++) {
    const count = Math.min(per, o.clients - i * per)
    if (count <= 0) break
    const w = new Worker(fileURLToPath(import.meta.url), {
      workerData: { url: server.url, port: server.port, count },
    })
    workers.push(w)
    let onReady!: (r: ThreadReport) => void
    let onReceived!: (r: ThreadReport) => void
    reports.push(new Promise((r) => (onReady = r)))
    received.push(new Promise((r) => (onReceived = r)))
    w.on('message', (m: ThreadReport) => {
      if (m.type === 'ready' || m.type === 'error') onReady(m)
      if (m.type === 'received' || m.type === 'error') onReceived(m)
    })
    w.on('error', (err) => onReady({ type: 'error', message: String(err) }))
  }
  const ready = await withTimeout(Promise.all(reports), 120_000, 'connect')
  const failed = ready.find((r) => r.type === 'error')
  if (failed) throw new Error(`client thread: ${failed.message}`)
  const connectMs = Date.now() - started
  await sleep(1000)
  const rssAfter = treeRssKiB(server.pid)
  const t0 = performance.timeOrigin + performance.now()
  const created = await fetch(`${server.url}/api/collections/rt/records`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: auth.token },
    body: JSON.stringify({ title: 'fan-out' }),
  })
  if (!created.ok) throw new Error(`create: ${created.status} ${await created.text()}`)
  const done = await withTimeout(Promise.all(received), 60_000, 'fan-out').catch(() => [])
  for (const w of workers) w.postMessage('close')
  await Promise.all(workers.map((w) => w.terminate()))
  const times = done.flatMap((r) => r.times ?? []).sort((a, b) => a - b)
  return {
    clients: o.clients,
    delivered: times.length,
    connectMs,
    lastMs: times.length ? times[times.length - 1]! - t0 : Number.NaN,
    medianMs: times.length ? times[Math.floor(times.length / 2)]! - t0 : Number.NaN,
    rssBeforeMiB: rssBefore / 1024,
    rssAfterMiB: rssAfter / 1024,
    kibPerClient: (rssAfter - rssBefore) / o.clients,
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

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2))
  const limit = fdLimit()
  if (limit < o.clients + 200) {
    console.error(
      `open files limit ${limit} < ${o.clients + 200}: run \`ulimit -n ${o.clients + 1000}\` first`,
    )
    process.exit(2)
  }
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..')
  const specs = []
  if (o.only !== 'pocketbase')
    specs.push({
      label: 'Satchel',
      cmd: [process.execPath, resolve(repoRoot, 'bin/satchel.js')],
      serveArgs: [],
    })
  if (o.only !== 'satchel')
    specs.push({
      label: 'PocketBase',
      cmd: [await resolvePocketBase(repoRoot)],
      serveArgs: ['--dev=false'],
    })
  const rows: string[] = []
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)))
  try {
    for (const spec of specs) {
      const server = await startServer(spec, EMAIL, PASSWORD)
      try {
        const r = await measure(server, o)
        rows.push(
          `${spec.label.padEnd(11)} clients=${r.clients} delivered=${r.delivered} connect+subscribe=${r.connectMs}ms ` +
            `fan-out last=${r.lastMs.toFixed(1)}ms median=${r.medianMs.toFixed(1)}ms ` +
            `rss ${r.rssBeforeMiB.toFixed(1)}→${r.rssAfterMiB.toFixed(1)} MiB (${r.kibPerClient.toFixed(1)} KiB/client)`,
        )
        console.log(rows[rows.length - 1])
      } finally {
        await server.stop()
      }
      await sleep(1000)
    }
  } finally {
    await stopAll()
  }
}

// ---- client thread -------------------------------------------------------------------------

async function clientThread(data: { url: string; port: number; count: number }): Promise<void> {
  const net = await import('node:net')
  const http = await import('node:http')
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 })
  const sockets: import('node:net').Socket[] = []
  const times: number[] = []
  let expected = 0
  const subscribe = (clientId: string) =>
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
  const connect = () =>
    new Promise<void>((res, rej) => {
      const s = net.connect(data.port, '127.0.0.1')
      s.setEncoding('utf8')
      let buf = ''
      let id: string | undefined
      let got = false
      s.on('data', (chunk: string) => {
        if (id === undefined) {
          buf += chunk
          const m = /\nid:([A-Za-z0-9]{40})\n/.exec(buf)
          if (m === null) return
          id = m[1]!
          buf = ''
          subscribe(id).then(res, rej)
          return
        }
        if (!got && (buf + chunk).includes('event:rt/*')) {
          got = true
          times.push(performance.timeOrigin + performance.now())
          if (times.length === expected) parentPort!.postMessage({ type: 'received', times })
        }
        buf = chunk.slice(-16)
      })
      s.on('error', rej)
      s.write(
        `GET /api/realtime HTTP/1.1\r\nHost: 127.0.0.1:${data.port}\r\nAccept: text/event-stream\r\n\r\n`,
      )
      sockets.push(s)
    })
  try {
    const BATCH = 100
    for (let i = 0; i < data.count; i += BATCH) {
      await Promise.all(Array.from({ length: Math.min(BATCH, data.count - i) }, connect))
    }
    expected = data.count
    parentPort!.postMessage({ type: 'ready', connected: sockets.length })
  } catch (err) {
    parentPort!.postMessage({ type: 'error', message: String(err) })
  }
  parentPort!.on('message', (m) => {
    if (m === 'close') for (const s of sockets) s.destroy()
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
