/** Command-line options of `npm run bench`, parsed once with node:util parseArgs. */
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { scenarios } from './scenarios/registry.ts'
import type { Scenario } from './scenarios/scenario.ts'

/** Usage text printed by --help and on bad arguments. */
export const USAGE = `usage:
  npm run bench -- --url=http://127.0.0.1:8090 --email=EMAIL --password=PASS [--reset]
  npm run bench -- --compare
  npm run bench -- --cold-start [--runs=N]
  npm run bench -- --soak [--minutes=30] [--only=mixed-90-10]
options:
  --duration=SECONDS    measured time per scenario and server (default 5)
  --warmup=SECONDS      unmeasured run-in before measuring (default 1)
  --connections=N       concurrent keep-alive connections (default 32)
  --only=NAME[,NAME]    run only these scenarios (${scenarios.map((s) => s.name).join(', ')})
  --rounds=N            (--compare) split each side's duration into N alternating slices (default 3)
  --priority=N          (--compare) raise the servers' and the bench's priority by N (nice -N;
                        needs root) so other programs on the machine disturb less
  --posts=N --users=N   seeded data (default 10000 posts, 20 users)
  --logs=on|off|compare request logs (default on); off sets settings.logs.maxDays=0 on every
                        seeded server; compare (with --compare) measures Satchel with logs off
                        (the baseline column) against Satchel with logs on, in the same run
  --runs=N              (--cold-start) launches per case (default 9)
  --minutes=N           (--soak) how long Satchel runs at half of its peak load of the first
                        --only scenario (default 30 minutes, mixed-90-10); RSS growth ≤ 10% passes
  --reset               (--url) delete an existing posts collection and bench users first
  --satchelWorkers=N    (--compare) serve the Satchel side with --workers=N (default: serve's
                        own default), e.g. 1 to compare one process with the default
  --nodes=N             (--compare, with SATCHEL_DB_URL=postgres://…) N Satchel nodes on that
                        database; the Satchel side's connections are split across them
  --hooksDir=PATH       (--compare) serve both with this pb_hooks folder (e.g. bench/hooks/js:
                        the same PocketBase JS hook on both; bench/hooks/ts: a TypeScript one,
                        which PocketBase ignores)
  --hooks=compare       (--compare, with --hooksDir) the baseline is Satchel without hooks, the
                        other side Satchel with them: the hooks' cost in the same run`

/** Load settings shared by every scenario run. */
export interface LoadSettings {
  durationMs: number
  warmupMs: number
  connections: number
  timeoutMs: number
}

/** Everything the CLI can ask for, validated. */
export interface BenchOptions {
  mode: 'help' | 'single' | 'compare' | 'cold-start' | 'soak'
  url?: string
  email?: string
  password?: string
  reset: boolean
  /** Request logs on (default) or off (`settings.logs.maxDays = 0` after seeding). */
  logs: boolean
  /** (--compare) the baseline is Satchel with logs off instead of PocketBase (`--logs=compare`). */
  logsBaseline: boolean
  /** (--compare) the baseline is Satchel without hooks, against Satchel with `hooksDir`. */
  hooksBaseline: boolean
  load: LoadSettings
  rounds: number
  /** (--cold-start) launches per case. */
  runs: number
  /** (--soak) how long the soak runs, in ms. */
  soakMs: number
  priority: number
  posts: number
  users: number
  scenarios: Scenario[]
  /** Command for the "Satchel" side (hidden --satchel-cmd / SATCHEL_BENCH_CMD). */
  satchelCmd?: string[]
  /** (--compare) an absolute pb_hooks folder both servers serve with (`--hooksDir`). */
  hooksDir?: string
  /** (--compare) Satchel processes serving one PostgreSQL database (`SATCHEL_DB_URL`). */
  nodes: number
  /** (--compare) `serve --workers=N` for the Satchel side (`--satchelWorkers`); unset: the default. */
  satchelWorkers?: number
}

function num(name: string, value: string, min: number): number {
  const n = Number(value)
  if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}`)
  return n
}

function select(only: string | undefined): Scenario[] {
  if (!only) return [...scenarios]
  const names = only.split(',').map((s) => s.trim())
  const unknown = names.filter((n) => !scenarios.some((s) => s.name === n))
  if (unknown.length) throw new Error(`unknown scenario(s): ${unknown.join(', ')}\n${USAGE}`)
  return scenarios.filter((s) => names.includes(s.name))
}

/** Parses and validates argv; throws an Error with a readable message on bad input. */
export function parseOptions(args: string[] = process.argv.slice(2)): BenchOptions {
  const { values: v } = parseArgs({
    args,
    options: {
      url: { type: 'string' },
      email: { type: 'string' },
      password: { type: 'string' },
      compare: { type: 'boolean', default: false },
      'cold-start': { type: 'boolean', default: false },
      soak: { type: 'boolean', default: false },
      minutes: { type: 'string', default: '30' },
      runs: { type: 'string', default: '9' },
      duration: { type: 'string', default: '5' },
      warmup: { type: 'string', default: '1' },
      connections: { type: 'string', default: '32' },
      rounds: { type: 'string', default: '3' },
      priority: { type: 'string', default: '0' },
      only: { type: 'string' },
      posts: { type: 'string', default: '10000' },
      users: { type: 'string', default: '20' },
      reset: { type: 'boolean', default: false },
      logs: { type: 'string', default: 'on' },
      timeout: { type: 'string', default: '10' },
      // Hidden: run the "Satchel" side with another command, e.g. a second PocketBase.
      'satchel-cmd': { type: 'string', default: process.env.SATCHEL_BENCH_CMD },
      hooksDir: { type: 'string' },
      hooks: { type: 'string' },
      nodes: { type: 'string', default: '1' },
      satchelWorkers: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  })
  const mode = v.help
    ? 'help'
    : v['cold-start']
      ? 'cold-start'
      : v.soak
        ? 'soak'
        : v.compare
          ? 'compare'
          : 'single'
  if (mode === 'single' && (!v.url || !v.email || !v.password)) throw new Error(USAGE)
  if (v.logs !== 'on' && v.logs !== 'off' && v.logs !== 'compare') {
    throw new Error(`--logs must be on, off or compare\n${USAGE}`)
  }
  if (v.logs === 'compare' && mode !== 'compare') throw new Error('--logs=compare needs --compare')
  if (v.hooks !== undefined && v.hooks !== 'compare') {
    throw new Error(`--hooks must be compare\n${USAGE}`)
  }
  if (v.hooks === 'compare' && (mode !== 'compare' || v.hooksDir === undefined)) {
    throw new Error('--hooks=compare needs --compare and --hooksDir')
  }
  if (v.hooks === 'compare' && v.logs === 'compare') {
    throw new Error('--hooks=compare and --logs=compare each set the baseline: pick one')
  }
  return {
    mode,
    url: v.url?.replace(/\/$/, ''),
    email: v.email,
    password: v.password,
    reset: v.reset,
    logs: v.logs !== 'off',
    logsBaseline: v.logs === 'compare',
    hooksBaseline: v.hooks === 'compare',
    load: {
      durationMs: num('duration', v.duration, 0.1) * 1000,
      warmupMs: num('warmup', v.warmup, 0) * 1000,
      connections: Math.floor(num('connections', v.connections, 1)),
      timeoutMs: num('timeout', v.timeout, 0.1) * 1000,
    },
    rounds: Math.floor(num('rounds', v.rounds, 1)),
    nodes: Math.floor(num('nodes', v.nodes, 1)),
    satchelWorkers:
      v.satchelWorkers === undefined
        ? undefined
        : Math.floor(num('satchelWorkers', v.satchelWorkers, 1)),
    runs: Math.floor(num('runs', v.runs, 1)),
    priority: Math.floor(num('priority', v.priority, 0)),
    posts: Math.floor(num('posts', v.posts, 1)),
    users: Math.floor(num('users', v.users, 1)),
    scenarios: v.soak && !v.only ? select('mixed-90-10') : select(v.only),
    soakMs: num('minutes', v.minutes, 0.1) * 60_000,
    satchelCmd: v['satchel-cmd']?.split(/\s+/).filter(Boolean),
    hooksDir: v.hooksDir === undefined ? undefined : resolve(v.hooksDir),
  }
}
