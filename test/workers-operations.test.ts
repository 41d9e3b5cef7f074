// Operations under `satchel serve --workers=2`.
// Crons: each scheduled tick of a job runs in one worker only (claimed in auxiliary.db), while a
// manual `POST /api/crons/{id}` runs in the worker that got the request. The test-only probe
// (`SATCHEL_CRON_PROBE`, src/cmd/cron-probe.ts) ticks every second and writes one row per run,
// so no test waits for a real minute.
// SQL console: a raw write to `_collections` through one worker reaches every worker's cache.
import { readFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { CRON_PROBE_JOB, CRON_PROBE_TABLE } from '../src/cmd/cron-probe.ts'
import {
  cleanupAll,
  makeTempDir,
  runSatchelCli,
  type ServerProcess,
  startSatchel,
} from '../src/tests/process.ts'
import { client } from '../src/tests/sdk.ts'

let server: ServerProcess
let dir: string

beforeAll(async () => {
  dir = makeTempDir()
  runSatchelCli(['superuser', 'upsert', 'root@example.com', 'root-pass-123', `--dir=${dir}`])
  server = await startSatchel(dir, undefined, {
    args: ['--workers=2'],
    env: { SATCHEL_CRON_PROBE: '1' },
  })
  // health answers once one worker listens; the primary prints this once both do
  const deadline = Date.now() + 20_000
  while (!server.output().includes('Server started') && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50))
  }
}, 60_000)

afterAll(async () => {
  await server?.stop('SIGKILL')
  cleanupAll()
})

/** Sends a request on a connection of its own (no keep-alive agent): status and body text. */
function onNewConnection(
  method: string,
  path: string,
  headers: { [k: string]: string } = {},
  body?: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.url}${path}`,
      { method, agent: false, headers: { ...headers, Connection: 'close' } },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          text += chunk
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

function postOnNewConnection(path: string, token: string): Promise<number> {
  return onNewConnection('POST', path, { Authorization: token }).then((r) => r.status)
}

interface ProbeRow {
  pid: number
  scheduled: number | null
}

function probeRows(): ProbeRow[] {
  const db = new Database(join(dir, 'auxiliary.db'), { readonly: true })
  try {
    return db.prepare(`SELECT pid, scheduled FROM ${CRON_PROBE_TABLE}`).all() as ProbeRow[]
  } catch {
    return [] // the table is created by the first worker that starts
  } finally {
    db.close()
  }
}

test('each scheduled tick runs once across 2 workers; manual runs run where requested', async () => {
  const su = client(server.url)
  await su.collection('_superusers').authWithPassword('root@example.com', 'root-pass-123')
  const jobs = await su.crons.getFullList()
  expect(jobs.map((j) => j.id)).toContain(CRON_PROBE_JOB)

  // manual runs, each on a new TCP connection: the primary hands connections out in turn
  for (let i = 0; i < 4; i++) {
    expect(await postOnNewConnection(`/api/crons/${CRON_PROBE_JOB}`, su.authStore.token)).toBe(204)
  }

  // wait (bounded) for 5 distinct scheduled ticks
  const deadline = Date.now() + 20_000
  let rows = probeRows()
  const ticks = () => new Set(rows.filter((r) => r.scheduled !== null).map((r) => r.scheduled))
  while (ticks().size < 5 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200))
    rows = probeRows()
  }
  // a run that was claimed late in the last tick has had time to finish
  await new Promise((r) => setTimeout(r, 300))
  rows = probeRows()

  const scheduled = rows.filter((r) => r.scheduled !== null)
  const perTick = new Map<number, number>()
  for (const r of scheduled) perTick.set(r.scheduled!, (perTick.get(r.scheduled!) ?? 0) + 1)
  expect(perTick.size).toBeGreaterThanOrEqual(5)
  for (const [tick, n] of perTick) expect({ tick, runs: n }).toEqual({ tick, runs: 1 })
  for (const tick of perTick.keys()) expect(tick % 1000).toBe(0)

  const manual = rows.filter((r) => r.scheduled === null)
  expect(manual).toHaveLength(4)
  // both workers have the job (and run it when asked)
  expect(new Set(manual.map((r) => r.pid)).size).toBe(2)
}, 40_000)

test('a raw SQL write to _collections reaches the caches of both workers', async () => {
  const su = client(server.url)
  await su.collection('_superusers').authWithPassword('root@example.com', 'root-pass-123')
  await su.collection('users').create({
    email: 'seen@example.com',
    password: '1234567890',
    passwordConfirm: '1234567890',
  })
  const guestTotals = async () => {
    const totals: number[] = []
    // consecutive new connections alternate between the two workers
    for (let i = 0; i < 4; i++) {
      const res = await onNewConnection('GET', '/api/collections/users/records')
      totals.push((JSON.parse(res.text) as { totalItems: number }).totalItems)
    }
    return totals
  }
  expect(await guestTotals()).toEqual([0, 0, 0, 0])
  // NOTE: `updated` stays as it was, so the per-request stamp check alone would not notice
  const res = await onNewConnection(
    'POST',
    '/api/sql',
    { Authorization: su.authStore.token, 'content-type': 'application/json' },
    JSON.stringify({ query: "update _collections set listRule = '' where name = 'users'" }),
  )
  expect(res.status).toBe(200)
  // the other worker reloads when the bus message arrives (IPC through the primary)
  const deadline = Date.now() + 5000
  let totals = await guestTotals()
  while (totals.some((t) => t !== 1) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50))
    totals = await guestTotals()
  }
  expect(totals).toEqual([1, 1, 1, 1])
}, 30_000)

test('concurrent creates through both workers all land, none fails on the write lock', async () => {
  const su = client(server.url)
  await su.collection('_superusers').authWithPassword('root@example.com', 'root-pass-123')
  await su.collections.create({
    name: 'burst',
    type: 'base',
    createRule: '',
    listRule: '',
    fields: [{ name: 'n', type: 'number' }],
  })
  // each on a connection of its own: the primary hands them to the two workers in turn
  const statuses = await Promise.all(
    Array.from({ length: 120 }, (_, n) =>
      onNewConnection(
        'POST',
        '/api/collections/burst/records',
        { 'content-type': 'application/json' },
        JSON.stringify({ n }),
      ).then((r) => (r.status === 200 ? 200 : `${r.status} ${r.text}`)),
    ),
  )
  expect(statuses.filter((s) => s !== 200)).toEqual([])
  const all = await su.collection('burst').getFullList({ fields: 'n' })
  expect(all.map((r) => r.n as number).sort((x, y) => x - y)).toEqual(
    Array.from({ length: 120 }, (_, n) => n),
  )
}, 30_000)

test('the primary serves nothing and loads none of the server: it runs serve-primary-main, smaller than a worker', async () => {
  const pid = server.child.pid!
  const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
  expect(cmdline.some((arg) => /serve-primary-main\.(js|ts)$/.test(arg))).toBe(true)
  const rssKiB = (p: number) =>
    Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))![1])
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
    .trim()
    .split(/\s+/)
    .map(Number)
  expect(children).toHaveLength(2)
  for (const worker of children) expect(rssKiB(pid)).toBeLessThan(rssKiB(worker))
})
