/** Merging the slices of a scenario run into one summary, and the geometric mean. */
import type { RunResult } from './run.ts'

/** One scenario on one server, over all its measured slices. */
export interface Summary {
  scenario: string
  ok: number
  /** Throughput of the best slice: interference from other programs only ever lowers it. */
  rps: number
  /** Throughput over all slices together. */
  meanRps: number
  sliceRps: number[]
  /** Average CPU other programs used during the slices, in cores (undefined off Linux). */
  otherCores?: number
  statuses: Record<string, number>
  netErrors: number
  firstError?: string
  elapsedMs: number
  latencyMs: { p50: number; p90: number; p99: number; max: number }
  clientCpuMs: number
  /** Undefined when the server's CPU could not be sampled (e.g. --url mode). */
  serverCpuMs?: number
  /** The largest resident memory of the server's process tree at a slice's end, in KiB. */
  serverRssKb?: number
}

const addOpt = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined || b === undefined ? undefined : a + b

/** Merges the slices of one scenario on one server (sums counts, pools latencies). */
export function summarize(runs: readonly RunResult[]): Summary {
  const first = runs[0]
  if (!first) throw new Error('summarize: no runs')
  const statuses: Record<string, number> = {}
  let ok = 0
  let netErrors = 0
  let elapsedMs = 0
  let clientCpuMs = 0
  let serverCpuMs: number | undefined = 0
  let otherCpuMs: number | undefined = 0
  let total = 0
  for (const r of runs) {
    ok += r.ok
    netErrors += r.netErrors
    elapsedMs += r.elapsedMs
    clientCpuMs += r.clientCpuMs
    serverCpuMs = addOpt(serverCpuMs, r.serverCpuMs)
    otherCpuMs = addOpt(otherCpuMs, r.otherCpuMs)
    total += r.latencies.length
    for (const [code, n] of Object.entries(r.statuses)) statuses[code] = (statuses[code] ?? 0) + n
  }
  const sliceRps = runs.map((r) => (r.elapsedMs > 0 ? (r.ok * 1000) / r.elapsedMs : 0))
  const pooled = new Float64Array(total)
  let at = 0
  for (const r of runs) {
    pooled.set(r.latencies, at)
    at += r.latencies.length
  }
  pooled.sort()
  const q = (p: number): number => (total ? pooled[Math.min(total - 1, Math.floor(p * total))]! : 0)
  return {
    scenario: first.scenario,
    ok,
    rps: Math.max(...sliceRps),
    meanRps: elapsedMs > 0 ? (ok * 1000) / elapsedMs : 0,
    sliceRps,
    otherCores: otherCpuMs === undefined || elapsedMs === 0 ? undefined : otherCpuMs / elapsedMs,
    statuses,
    netErrors,
    firstError: runs.find((r) => r.firstError)?.firstError,
    elapsedMs,
    latencyMs: { p50: q(0.5), p90: q(0.9), p99: q(0.99), max: total ? pooled[total - 1]! : 0 },
    clientCpuMs,
    serverCpuMs,
    serverRssKb: runs.every((r) => r.serverRssKb !== undefined)
      ? Math.max(...runs.map((r) => r.serverRssKb!))
      : undefined,
  }
}

/** Geometric mean of positive numbers (0 when any is 0, NaN for an empty list). */
export function geometricMean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  if (values.some((v) => v <= 0)) return 0
  return Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length)
}
