/**
 * `npm run bench -- --cold-start [--runs=N]`: launch time of Satchel beside PocketBase, measured
 * in the same run. Each launch gets a new empty data dir and a free port; a `serve` case is timed
 * from spawn to the first `GET /api/health` 200, a command (`superuser upsert`, `--version`) from
 * spawn to its exit with status 0. The cases alternate within each of the N runs, so a burst of
 * load on the machine hits both servers alike. Prints the median and the worst launch per case,
 * and Satchel's ÷ PocketBase's for the same command.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './servers.ts'

/** One way to launch: `args` after the executable; `{port}` and `{dir}` are filled in. */
interface Case {
  server: 'Satchel' | 'PocketBase'
  /** The command, as printed and as matched between the two servers. */
  name: string
  args: string[]
  /** Timed until the first health 200 (a server) rather than until exit (a command). */
  serves: boolean
}

/** Launch times in ms of one case, in run order. */
export interface ColdStartResult {
  server: string
  name: string
  times: number[]
}

const SERVE = ['serve', '--http=127.0.0.1:{port}', '--dir={dir}']
const UPSERT = ['superuser', 'upsert', 'cold@example.com', 'cold-start-pass', '--dir={dir}']

function cases(): Case[] {
  const both = (name: string, args: string[], serves: boolean, pbArgs = args): Case[] => [
    { server: 'Satchel', name, args, serves },
    { server: 'PocketBase', name, args: pbArgs, serves },
  ]
  return [
    { server: 'Satchel', name: 'serve --workers=1', args: [...SERVE, '--workers=1'], serves: true },
    ...both('serve', SERVE, true, [...SERVE, '--dev=false']),
    ...both('superuser upsert', UPSERT, false),
    ...both('--version', ['--version'], false),
  ]
}

/** One GET of /api/health: its status, or 0 when nothing answers yet. */
function health(port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/health', agent: false }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.once('error', () => resolve(0))
    req.end()
  })
}

/** Launches `cmd args` once on a new data dir and returns the ms until it is up (or done). */
async function launch(cmd: string[], c: Case): Promise<number> {
  const root = await mkdtemp(join(tmpdir(), 'satchel-cold-'))
  const port = await freePort()
  const args = c.args.map((a) =>
    a.replace('{port}', String(port)).replace('{dir}', join(root, 'pb_data')),
  )
  const [bin, ...pre] = cmd as [string, ...string[]]
  const started = performance.now()
  const child: ChildProcess = spawn(bin, [...pre, ...args], {
    cwd: root,
    stdio: 'ignore',
    detached: true, // its own process group, so the workers of `serve` stop with it
  })
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
  try {
    if (!c.serves) {
      const code = await exited
      if (code !== 0) throw new Error(`${c.server} ${c.name} exited with ${code}`)
      return performance.now() - started
    }
    const deadline = started + 30_000
    while (performance.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`${c.server} ${c.name} exited early`)
      if ((await health(port)) === 200) return performance.now() - started
      await new Promise((r) => setTimeout(r, 3))
    }
    throw new Error(`${c.server} ${c.name}: no /api/health 200 within 30 s`)
  } finally {
    if (child.exitCode === null) {
      try {
        process.kill(-child.pid!, 'SIGKILL')
      } catch {
        // already gone
      }
      await exited
    }
    await rm(root, { recursive: true, force: true, maxRetries: 5 })
  }
}

/** Runs every case `runs` times, interleaved, and returns the launch times per case. */
export async function measureColdStart(
  satchelCmd: string[],
  pocketbase: string,
  runs: number,
  log: (msg: string) => void,
): Promise<ColdStartResult[]> {
  const all = cases()
  const results = all.map((c) => ({ server: c.server, name: c.name, times: [] as number[] }))
  for (let run = 0; run < runs; run++) {
    log(`cold start: run ${run + 1}/${runs}`)
    for (const [i, c] of all.entries()) {
      const cmd = c.server === 'Satchel' ? satchelCmd : [pocketbase]
      results[i]!.times.push(await launch(cmd, c))
    }
  }
  return results
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

/** The table: median and worst per case, and Satchel ÷ PocketBase for the same command. */
export function coldStartReport(results: readonly ColdStartResult[]): string {
  const ms = (x: number) => `${x.toFixed(0)} ms`
  const rows = [['server', 'command', 'median', 'worst', 'median ÷ PB', 'worst ÷ PB']]
  for (const r of results) {
    const pb = results.find((p) => p.server === 'PocketBase' && p.name === r.name.split(' --')[0])
    const ratio = (f: (t: readonly number[]) => number) =>
      r.server === 'PocketBase' || pb === undefined
        ? ''
        : `${(f(r.times) / f(pb.times)).toFixed(1)}×`
    rows.push([
      r.server,
      r.name,
      ms(median(r.times)),
      ms(Math.max(...r.times)),
      ratio(median),
      ratio((t) => Math.max(...t)),
    ])
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)))
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')).join('\n')
}
