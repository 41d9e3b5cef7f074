/** Main-thread side of a scenario run: starts the load worker and samples the server's CPU. */
import { Worker } from 'node:worker_threads'
import { type CpuSnapshot, diff, snapshot } from './cpu.ts'
import type { LoadResult } from './loadgen.ts'
import { processTreeRssKb } from './memory.ts'
import type { BenchContext } from './scenarios/scenario.ts'
import { type Summary, summarize } from './stats.ts'

/** What the worker receives (plain data). */
export interface WorkerInput {
  scenario: string
  ctx: BenchContext
  host: string
  port: number
  connections: number
  warmupMs: number
  durationMs: number
  timeoutMs: number
  seed: number
}

/** A scenario's results plus the CPU both sides spent in the measured window. */
export interface RunResult extends LoadResult {
  scenario: string
  /** CPU time of the load generator thread, in ms. */
  clientCpuMs: number
  /** CPU time of the server process (all threads), in ms, when its pid is known. */
  serverCpuMs?: number
  /** CPU time used by other programs on the machine meanwhile, in ms (Linux only). */
  otherCpuMs?: number
  /** Resident memory of the server's process tree at the end of the window, in KiB. */
  serverRssKb?: number
}

const active = new Set<Worker>()

/** Terminates any load worker still running (used on SIGINT). */
export async function stopWorkers(): Promise<void> {
  await Promise.all([...active].map((w) => w.terminate()))
}

/** Runs one scenario in a worker thread; `serverPid` enables server CPU sampling. */
export function runScenario(input: WorkerInput, serverPid?: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { workerData: input })
    active.add(worker)
    let cpuStart: CpuSnapshot | undefined
    let serverCpuMs: number | undefined
    let otherCpuMs: number | undefined
    let serverRssKb: number | undefined
    let settled = false
    const limitMs = input.warmupMs + input.durationMs + input.timeoutMs + 10_000
    const timer = setTimeout(() => {
      void worker.terminate()
      fail(new Error(`load worker for ${input.scenario} did not finish in ${limitMs} ms`))
    }, limitMs)
    const fail = (err: Error): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      active.delete(worker)
      reject(err)
    }
    worker.on('message', (msg: { type: string; result?: LoadResult; clientCpuMs?: number }) => {
      if (msg.type === 'measure-start') cpuStart = snapshot(serverPid)
      else if (msg.type === 'measure-end' && cpuStart) {
        ;({ server: serverCpuMs, other: otherCpuMs } = diff(cpuStart, snapshot(serverPid)))
        serverRssKb = processTreeRssKb(serverPid)
      } else if (msg.type === 'result' && msg.result && !settled) {
        settled = true
        clearTimeout(timer)
        active.delete(worker)
        void worker.terminate()
        resolve({
          ...msg.result,
          scenario: input.scenario,
          clientCpuMs: msg.clientCpuMs ?? 0,
          serverCpuMs,
          otherCpuMs,
          serverRssKb,
        })
      }
    })
    worker.on('error', fail)
    worker.on('exit', (code) => fail(new Error(`load worker exited with code ${code}`)))
  })
}

/**
 * One result of runs made at the same time against several nodes (`--nodes`): counts, CPU and
 * memory summed, latencies pooled, the longest window. Every run's "other" CPU includes the
 * other nodes and their load workers, which are taken out again.
 */
export function mergeRuns(runs: readonly RunResult[]): RunResult {
  if (runs.length === 1) return runs[0]!
  const sum = (f: (r: RunResult) => number | undefined) =>
    runs.some((r) => f(r) === undefined) ? undefined : runs.reduce((a, r) => a + f(r)!, 0)
  const server = sum((r) => r.serverCpuMs)
  const client = runs.reduce((a, r) => a + r.clientCpuMs, 0)
  const statuses: Record<string, number> = {}
  for (const r of runs) {
    for (const [code, n] of Object.entries(r.statuses)) statuses[code] = (statuses[code] ?? 0) + n
  }
  const latencies = new Float64Array(runs.reduce((a, r) => a + r.latencies.length, 0))
  let at = 0
  for (const r of runs) {
    latencies.set(r.latencies, at)
    at += r.latencies.length
  }
  const others = runs.map((r) =>
    r.otherCpuMs === undefined || server === undefined
      ? undefined
      : r.otherCpuMs - (server - (r.serverCpuMs ?? 0)) - (client - r.clientCpuMs),
  )
  return {
    scenario: runs[0]!.scenario,
    ok: runs.reduce((a, r) => a + r.ok, 0),
    statuses,
    netErrors: runs.reduce((a, r) => a + r.netErrors, 0),
    firstError: runs.find((r) => r.firstError !== undefined)?.firstError,
    elapsedMs: Math.max(...runs.map((r) => r.elapsedMs)),
    latencies,
    bytesIn: runs.reduce((a, r) => a + r.bytesIn, 0),
    clientCpuMs: client,
    serverCpuMs: server,
    otherCpuMs: others.some((x) => x === undefined)
      ? undefined
      : Math.max(0, Math.min(...(others as number[]))),
    serverRssKb: sum((r) => r.serverRssKb),
  }
}

/** The port of a http://127.0.0.1:PORT URL; any other host is refused (loopback only). */
export function loopbackPort(url: string): number {
  const { protocol, hostname, port } = new URL(url)
  if (protocol !== 'http:' || hostname !== '127.0.0.1' || !port) {
    throw new Error(`the bench only targets http://127.0.0.1:PORT, not ${url}`)
  }
  return Number(port)
}

/** A one-line progress summary of a run or summary. */
export function describe(r: Summary | RunResult): string {
  const s = 'rps' in r ? r : summarize([r])
  return `${Math.round(s.rps)} req/s, p99 ${s.latencyMs.p99.toFixed(1)} ms, ${s.ok} ok`
}
