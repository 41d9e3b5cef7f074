// `node scripts/exe-startup.ts [--runs=5] [--exe=dist/exe/satchel] [--pocketbase=PATH] [--only=REGEX]`:
// cold start of `serve` — from spawn to the first `GET /api/health` 200, on a new empty data dir
// each run — for the single executable (`--workers=1` and the default, with a warm cache and with
// an empty one, i.e. first run on a machine), `node src/main.ts` and PocketBase. Prints min,
// median and worst per case, and the executables' sizes.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const args = Object.fromEntries(
  process.argv.slice(2).map((a) => a.replace(/^--/, '').split(/=(.*)/s, 2) as [string, string]),
)
const RUNS = Number(args.runs ?? 5)
const EXE = resolve(args.exe ?? join(ROOT, 'dist', 'exe', 'satchel'))
const PB = resolve(args.pocketbase ?? join(ROOT, '.peers', 'pocketbase', 'usr', 'bin', 'base'))

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer()
    srv.once('error', rej)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      srv.close(() => res(typeof addr === 'object' && addr !== null ? addr.port : 0))
    })
  })
}

interface Case {
  name: string
  command: string
  /** Arguments before `serve`. */
  args: string[]
  /** Flags after `serve` (besides --http and --dir). */
  serveFlags: string[]
  /** A new HOME per run (the executable then extracts its addons again). */
  freshHome?: boolean
}

async function once(c: Case): Promise<number> {
  const root = mkdtempSync(join(tmpdir(), 'satchel-startup-'))
  const port = await freePort()
  const env = { ...process.env, ...(c.freshHome ? { HOME: root } : {}) }
  const started = performance.now()
  const child: ChildProcess = spawn(
    c.command,
    [
      ...c.args,
      'serve',
      `--http=127.0.0.1:${port}`,
      `--dir=${join(root, 'pb_data')}`,
      ...c.serveFlags,
    ],
    { cwd: root, env, stdio: 'ignore', detached: true },
  )
  try {
    const deadline = started + 30_000
    while (performance.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`${c.name} exited with ${child.exitCode}`)
      try {
        const res = await fetch(`http://127.0.0.1:${port}/api/health`)
        if (res.status === 200) return performance.now() - started
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 2))
    }
    throw new Error(`${c.name}: no /api/health 200 within 30 s`)
  } finally {
    const exited = new Promise((r) => child.once('exit', r))
    try {
      process.kill(-child.pid!, 'SIGKILL')
    } catch {
      // gone
    }
    await exited
    rmSync(root, { recursive: true, force: true, maxRetries: 5 })
  }
}

const node = process.execPath
const main = join(ROOT, 'src', 'main.ts')
const w1 = ['--workers=1']
const cases: Case[] = [
  { name: 'satchel exe --workers=1', command: EXE, args: [], serveFlags: w1 },
  { name: 'satchel exe (default workers)', command: EXE, args: [], serveFlags: [] },
  {
    name: 'satchel exe --workers=1, empty cache',
    command: EXE,
    args: [],
    serveFlags: w1,
    freshHome: true,
  },
  {
    name: 'satchel exe (default), empty cache',
    command: EXE,
    args: [],
    serveFlags: [],
    freshHome: true,
  },
  { name: 'node src/main.ts --workers=1', command: node, args: [main], serveFlags: w1 },
  { name: 'node src/main.ts (default workers)', command: node, args: [main], serveFlags: [] },
  { name: 'pocketbase', command: PB, args: [], serveFlags: [] },
]

const only = args.only === undefined ? undefined : new RegExp(args.only)
for (const c of cases) {
  if (only !== undefined && !only.test(c.name)) continue
  const times: number[] = []
  for (let i = 0; i < RUNS; i++) times.push(await once(c))
  times.sort((a, b) => a - b)
  const ms = (x: number) => `${x.toFixed(0)} ms`.padStart(7)
  const median = times[Math.floor(times.length / 2)]!
  console.log(
    `${c.name.padEnd(40)} min ${ms(times[0]!)}  median ${ms(median)}  worst ${ms(times[times.length - 1]!)}`,
  )
}

const mib = (f: string) => `${(statSync(f).size / 2 ** 20).toFixed(1)} MiB`
console.log(`\nsizes: satchel exe ${mib(EXE)}, pocketbase ${mib(PB)}`)
