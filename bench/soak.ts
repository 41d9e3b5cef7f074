/**
 * --soak mode (issue #10 item 3): Satchel under half of its peak load for a long time, its
 * process tree's resident memory sampled once per cycle. Half load is a duty cycle: each cycle
 * runs the scenario closed-loop at full concurrency for half its length and idles for the other
 * half, so the average is half of peak and the server also lives through idle phases (timers,
 * GC, WAL checkpoints) as a real one does. After the warm-up (the first fifth, at least one
 * cycle) the report compares the last samples with the warm-up's and passes at ≤ 10% growth.
 */
import { resolve } from 'node:path'
import { processTreeRssKb } from './memory.ts'
import type { BenchOptions } from './options.ts'
import { describe, loopbackPort, runScenario } from './run.ts'
import { connectionsFor } from './scenarios/scenario.ts'
import { seed } from './seed.ts'
import { startServer } from './servers.ts'

/** Length of one busy + idle cycle. */
const CYCLE_MS = 20_000
/** Growth of resident memory after warm-up that still passes. */
const MAX_GROWTH = 0.1

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

/** Runs the soak of `o.scenarios[0]` for `o.soakMs` and prints the memory series and verdict. */
export async function runSoak(
  o: BenchOptions,
  repoRoot: string,
  log: (msg: string) => void,
): Promise<void> {
  const scenario = o.scenarios[0]!
  const email = 'bench@example.com'
  const password = `bench-${Math.random().toString(36).slice(2)}`
  const cmd = o.satchelCmd ?? [process.execPath, resolve(repoRoot, 'bin/satchel.js')]
  const server = await startServer({ label: 'Satchel', cmd, serveArgs: [] }, email, password)
  const ctx = await seed(server.url, {
    email,
    password,
    reset: false,
    logs: o.logs,
    posts: o.posts,
    users: o.users,
    log,
  })
  const base = {
    ...o.load,
    connections: connectionsFor(scenario, o.load.connections),
    scenario: scenario.name,
    ctx,
    host: '127.0.0.1',
    port: loopbackPort(server.url),
  }
  const peak = await runScenario({ ...base, seed: 1, durationMs: 5000 }, server.pid)
  const peakRps = (peak.ok * 1000) / peak.elapsedMs
  log(`peak ${scenario.name}: ${describe(peak)}`)

  const cycles = Math.max(2, Math.round(o.soakMs / CYCLE_MS))
  const warmupCycles = Math.max(1, Math.floor(cycles / 5))
  const samples: { minute: number; rssKb: number; rps: number }[] = []
  const started = Date.now()
  for (let c = 0; c < cycles; c++) {
    const r = await runScenario(
      { ...base, seed: 100 + c, warmupMs: 0, durationMs: CYCLE_MS / 2 },
      server.pid,
    )
    await new Promise((done) => setTimeout(done, CYCLE_MS / 2))
    const rssKb = processTreeRssKb(server.pid)
    if (rssKb === undefined) throw new Error('the server exited during the soak')
    const errors = Object.values(r.statuses).reduce((a, b) => a + b, 0) + r.netErrors
    if (errors > 0) throw new Error(`cycle ${c + 1}: ${errors} failed requests (${r.firstError})`)
    const rps = (r.ok * 1000) / (CYCLE_MS / 2) / 2 // the cycle's average over busy + idle
    samples.push({ minute: (Date.now() - started) / 60_000, rssKb, rps })
    log(
      `cycle ${c + 1}/${cycles}: ${Math.round(rps)} req/s average, RSS ${Math.round(rssKb / 1024)} MiB`,
    )
  }
  await server.stop()

  const warm = median(
    samples.slice(Math.max(0, warmupCycles - 3), warmupCycles).map((s) => s.rssKb),
  )
  const last = median(samples.slice(-3).map((s) => s.rssKb))
  const highest = Math.max(...samples.slice(warmupCycles).map((s) => s.rssKb))
  const growth = last / warm - 1
  const mib = (kb: number) => `${(kb / 1024).toFixed(0)} MiB`
  console.log(
    `\nsoak ${scenario.name}: ${(o.soakMs / 60_000).toFixed(1)} min, ${cycles} cycles of ` +
      `${CYCLE_MS / 1000} s (half busy at ${base.connections} connections, half idle); peak ` +
      `${Math.round(peakRps)} req/s, average ${Math.round(median(samples.map((s) => s.rps)))} req/s`,
  )
  console.log('minute  RSS')
  for (const s of samples) console.log(`${s.minute.toFixed(1).padStart(6)}  ${mib(s.rssKb)}`)
  console.log(
    `after warm-up (${warmupCycles} cycles): ${mib(warm)}; at the end: ${mib(last)}; highest ` +
      `after warm-up: ${mib(highest)}; growth ${(growth * 100).toFixed(1)}% — ` +
      `${growth <= MAX_GROWTH ? 'pass' : 'FAIL'} (limit ${MAX_GROWTH * 100}%)`,
  )
}
