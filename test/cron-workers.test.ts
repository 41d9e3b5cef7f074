// Scheduled cron runs under `satchel serve --workers=2`: each tick of a job runs in one worker
// only (claimed in auxiliary.db), while a manual `POST /api/crons/{id}` runs in the worker that
// got the request. The test-only probe (`SATCHEL_CRON_PROBE`, src/cmd/cron-probe.ts) ticks every
// second and writes one row per run, so no test waits for a real minute.
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

/** POSTs `path` on a connection of its own (no keep-alive agent); resolves with the status. */
function postOnNewConnection(path: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.url}${path}`,
      { method: 'POST', agent: false, headers: { Authorization: token, Connection: 'close' } },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      },
    )
    req.on('error', reject)
    req.end()
  })
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
