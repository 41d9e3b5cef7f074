/**
 * --compare mode: PocketBase and Satchel on fresh temp dirs and identical seeded data; each
 * scenario runs in alternating slices on both, and the report gives Satchel/PocketBase ratios.
 */
import { setPriority } from 'node:os'
import { resolve } from 'node:path'
import type { BenchOptions } from './options.ts'
import { checkParity } from './parity.ts'
import {
  compareReport,
  LOGS_OFF_NAMES,
  NO_HOOKS_NAMES,
  type Pair,
  PB_NAMES,
  type ReportNames,
} from './report.ts'
import { describe, loopbackPort, mergeRuns, type RunResult, runScenario } from './run.ts'
import { type BenchContext, connectionsFor } from './scenarios/scenario.ts'
import { seed } from './seed.ts'
import { type RunningServer, resolvePocketBase, startServer } from './servers.ts'
import { summarize } from './stats.ts'

/** Warm-up of the later slices: the server is warm by then, only the connections are new. */
const LATER_WARMUP_MS = 500
/** Requests per scenario compared between the two servers before measuring. */
const PARITY_SAMPLES = 5

/** Starts both servers, seeds them, measures every scenario and prints the comparison. */
export async function runCompare(
  o: BenchOptions,
  repoRoot: string,
  log: (msg: string) => void,
): Promise<void> {
  const email = 'bench@example.com'
  const password = `bench-${Math.random().toString(36).slice(2)}`
  const satchelBase = o.logsBaseline || o.hooksBaseline
  const pocketbase = satchelBase ? undefined : await resolvePocketBase(repoRoot)
  const satchelCmd = o.satchelCmd ?? [process.execPath, resolve(repoRoot, 'bin/satchel.js')]
  if (o.priority) {
    try {
      setPriority(-o.priority) // threads started later (the load workers) inherit it
    } catch (err) {
      log(`cannot raise priority: ${(err as Error).message}`)
    }
  }
  if (pocketbase !== undefined) log(`PocketBase: ${pocketbase}`)
  log(`Satchel:    ${satchelCmd.join(' ')}`)
  const names: ReportNames = o.logsBaseline
    ? LOGS_OFF_NAMES
    : o.hooksBaseline
      ? NO_HOOKS_NAMES
      : PB_NAMES

  const priority = o.priority
  const hooks = o.hooksDir === undefined ? [] : [`--hooksDir=${o.hooksDir}`]
  if (o.hooksDir !== undefined) log(`hooks:      ${o.hooksDir}`)
  const workers = o.satchelWorkers === undefined ? [] : [`--workers=${o.satchelWorkers}`]
  if (o.satchelWorkers !== undefined) log(`Satchel workers: ${o.satchelWorkers}`)
  // NOTE: with --logs=compare the baseline ("pb") is a second Satchel whose logs are off; with
  // --hooks=compare a second Satchel without hooks.
  const pb = await startServer(
    pocketbase === undefined
      ? { label: names.base, cmd: satchelCmd, serveArgs: o.hooksBaseline ? [] : hooks, priority }
      : { label: 'PocketBase', cmd: [pocketbase], serveArgs: ['--dev=false', ...hooks], priority },
    email,
    password,
  )
  const sat = await startServer(
    { label: 'Satchel', cmd: satchelCmd, serveArgs: [...hooks, ...workers], priority },
    email,
    password,
  )
  // more nodes on the same PostgreSQL database: seeded through the first, measured together
  if (o.nodes > 1 && process.env.SATCHEL_DB_URL === undefined) {
    throw new Error('--nodes needs SATCHEL_DB_URL=postgres://… (the nodes share that database)')
  }
  const nodes = [sat]
  for (let n = 2; n <= o.nodes; n++) {
    const serveArgs = [...hooks, ...workers]
    const spec = { label: `Satchel node ${n}`, cmd: satchelCmd, serveArgs, priority }
    nodes.push(await startServer(spec, email, password))
  }
  const seeded = new Map<RunningServer, BenchContext>()
  for (const server of [pb, sat]) {
    log(`seeding ${server.label} at ${server.url}`)
    const opts = {
      email,
      password,
      reset: false,
      logs: o.logs && !(o.logsBaseline && server === pb),
      posts: o.posts,
      users: o.users,
      log,
    }
    const ctx = await seed(server.url, opts).catch((err: Error) => {
      throw new Error(`${server.label}: seeding failed: ${err.message}`)
    })
    seeded.set(server, ctx)
  }

  const side = (server: RunningServer) => ({ ...server, ctx: seeded.get(server)! })
  const problems = await checkParity(side(pb), side(sat), o.scenarios, PARITY_SAMPLES)
  log(`parity check: ${problems.length ? `${problems.length} mismatches` : 'responses match'}`)

  const pairs: Pair[] = []
  const sliceMs = o.load.durationMs / o.rounds
  for (const [i, s] of o.scenarios.entries()) {
    const runs = new Map<RunningServer, RunResult[]>([
      [pb, []],
      [sat, []],
    ])
    for (let round = 0; round < o.rounds; round++) {
      // Alternate who goes first so neither side always runs on a warmer machine.
      const order = (i + round) % 2 === 0 ? [pb, sat] : [sat, pb]
      for (const server of order) {
        const targets = server === sat ? nodes : [server]
        const connections = connectionsFor(s, o.load.connections)
        const parts = targets.map((t, k) =>
          runScenario(
            {
              ...o.load,
              connections: Math.max(
                1,
                Math.round(((k + 1) * connections) / targets.length) -
                  Math.round((k * connections) / targets.length),
              ),
              scenario: s.name,
              ctx: seeded.get(server)!,
              host: '127.0.0.1',
              port: loopbackPort(t.url),
              seed: 1000 * (i + 1) + round + 100 * k, // the same request sequence on both sides
              durationMs: sliceMs,
              warmupMs: round === 0 ? o.load.warmupMs : Math.min(o.load.warmupMs, LATER_WARMUP_MS),
            },
            t.pid,
          ),
        )
        const r = mergeRuns(await Promise.all(parts))
        log(`${s.name} on ${server.label} (${round + 1}/${o.rounds}): ${describe(r)}`)
        runs.get(server)!.push(r)
      }
    }
    pairs.push({
      scenario: s.name,
      pocketbase: summarize(runs.get(pb)!),
      satchel: summarize(runs.get(sat)!),
    })
  }
  const { connections, durationMs, warmupMs } = o.load
  if (o.nodes > 1) console.log(`\nSatchel: ${o.nodes} nodes on one PostgreSQL database`)
  console.log(
    `\n${connections} connections; per scenario and server ${durationMs / 1000} s measured in ` +
      `${o.rounds} alternating slices after ${warmupMs / 1000} s warm-up; ${o.posts} posts\n`,
  )
  console.log(compareReport(pairs, names))
  console.log(
    problems.length
      ? `\nparity check: ${problems.length} of ${PARITY_SAMPLES * o.scenarios.length} sample ` +
          `responses differ (Satchel vs ${names.base}):\n${problems.map((p) => `  ${p}`).join('\n')}`
      : `\nparity check: ${PARITY_SAMPLES} sample responses per scenario match (status and JSON)`,
  )
}
