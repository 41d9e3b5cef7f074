/** Formatting of results: plain-text tables, ratios and the geometric mean. */
import { geometricMean, type Summary } from './stats.ts'

/** Renders rows as an aligned table; the first column is left-aligned, the rest right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const fmt = (r: string[]): string =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)].join('\n')
}

const n0 = (v: number): string => Math.round(v).toLocaleString('en-US')
const ms = (v: number): string => v.toFixed(v < 10 ? 2 : 1)

/** Count of failed requests (non-2xx plus network errors). */
export function errorCount(r: Summary): number {
  return Object.values(r.statuses).reduce((a, b) => a + b, 0) + r.netErrors
}

/** Client CPU as a share of one core, and per successful request. */
export function clientCpu(r: Summary): string {
  const pct = (100 * r.clientCpuMs) / r.elapsedMs
  const perReq = r.ok ? (1000 * r.clientCpuMs) / r.ok : 0
  return `${pct.toFixed(0)}% ${perReq.toFixed(0)}µs`
}

/** Server CPU per successful request in µs, or '-' when not sampled. */
export function serverCpuPerReq(r: Summary): string {
  if (r.serverCpuMs === undefined || r.ok === 0) return '-'
  return `${((1000 * r.serverCpuMs) / r.ok).toFixed(0)}µs`
}

/** Lines describing the errors of a run (empty when there were none). */
export function errorLines(label: string, r: Summary): string[] {
  if (errorCount(r) === 0) return []
  const byStatus = Object.entries(r.statuses).map(([s, c]) => `${s}×${c}`)
  if (r.netErrors) byStatus.push(`network×${r.netErrors}`)
  const first = r.firstError ? ` first: ${r.firstError.replace(/\s+/g, ' ').slice(0, 200)}` : ''
  return [`  ${label} ${r.scenario}: ${byStatus.join(' ')}${first}`]
}

/** The table for a single-server run. */
export function singleReport(results: readonly Summary[]): string {
  const rows = results.map((r) => [
    r.scenario,
    n0(r.rps),
    ms(r.latencyMs.p50),
    ms(r.latencyMs.p99),
    String(errorCount(r)),
    clientCpu(r),
  ])
  const head = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'client cpu (core%, /req)']
  const errors = results.flatMap((r) => errorLines('', r))
  return [
    table(head, rows),
    ...(errors.length ? ['errors:', ...errors] : []),
    '',
    clientCpuLine(results),
  ].join('\n')
}

/** One scenario measured on both servers. */
export interface Pair {
  scenario: string
  pocketbase: Summary
  satchel: Summary
}

/** Summary line of the load generator's own CPU cost over a set of runs. */
export function clientCpuLine(runs: readonly Summary[]): string {
  const cpu = runs.reduce((a, r) => a + r.clientCpuMs, 0)
  const elapsed = runs.reduce((a, r) => a + r.elapsedMs, 0)
  const ok = runs.reduce((a, r) => a + r.ok, 0)
  const peak = Math.max(...runs.map((r) => r.clientCpuMs / r.elapsedMs))
  return (
    `load generator CPU: ${((100 * cpu) / elapsed).toFixed(0)}% of one core on average ` +
    `(peak ${(100 * peak).toFixed(0)}%), ${((1000 * cpu) / ok).toFixed(0)} µs per request`
  )
}

/** PocketBase's server CPU per request divided by Satchel's (>1: Satchel does less work). */
function cpuRatio(p: Pair): number | undefined {
  const a = p.pocketbase.serverCpuMs
  const b = p.satchel.serverCpuMs
  if (a === undefined || b === undefined || !p.pocketbase.ok || !p.satchel.ok || b <= 0) return
  return a / p.pocketbase.ok / (b / p.satchel.ok)
}

/** A warning when other programs took enough CPU to make the ratios unreliable. */
function interferenceWarning(runs: readonly Summary[]): string[] {
  const worst = Math.max(...runs.map((r) => r.otherCores ?? 0))
  if (worst < NOISY_CORES) return []
  return [
    `warning: other programs used up to ${worst.toFixed(2)} cores while measuring; req/s ratios ` +
      'are noisy (cpu/req is steadier). Rerun on a quiet machine or with --rounds=5.',
  ]
}

const NOISY_CORES = 0.15

const rss = (r: Summary): string =>
  r.serverRssKb === undefined ? '-' : (r.serverRssKb / 1024).toFixed(0)
const cores = (r: Summary): string => (r.otherCores === undefined ? '-' : r.otherCores.toFixed(2))
const slices = (r: Summary): string => r.sliceRps.map((v) => Math.round(v)).join(' ')

/** How the report names the baseline (the `pocketbase` side of a {@link Pair}). */
export interface ReportNames {
  readonly base: string
  readonly short: string
  /** Whether the ≥ 1.5× target line applies (only against PocketBase). */
  readonly target: boolean
}

/** The baseline is PocketBase (the default). */
export const PB_NAMES: ReportNames = { base: 'PocketBase', short: 'PB', target: true }
/** The baseline is Satchel with request logs off (`--logs=compare`). */
export const LOGS_OFF_NAMES: ReportNames = { base: 'logs off', short: 'Off', target: false }
/** The baseline is Satchel without hooks (`--hooks=compare`). */
export const NO_HOOKS_NAMES: ReportNames = { base: 'no hooks', short: 'None', target: false }

/**
 * The comparison tables: throughput and ratio, then latency and CPU detail, then the verdict.
 * `names` labels the baseline side.
 */
export function compareReport(pairs: readonly Pair[], names: ReportNames = PB_NAMES): string {
  const { base, short } = names
  const ratios = pairs.map((p) => (p.pocketbase.rps > 0 ? p.satchel.rps / p.pocketbase.rps : 0))
  const gm = geometricMean(ratios)
  const cpuRatios = pairs.map((p) => cpuRatio(p))
  const known = cpuRatios.filter((r): r is number => r !== undefined)
  const cpuGm = known.length === pairs.length ? `${geometricMean(known).toFixed(2)}×` : '-'
  const main = table(
    ['scenario', `${base} req/s`, 'Satchel req/s', 'ratio', `cpu/req ${short}÷Sat`],
    [
      ...pairs.map((p, i) => [
        p.scenario,
        n0(p.pocketbase.rps),
        n0(p.satchel.rps),
        `${ratios[i]!.toFixed(2)}×`,
        cpuRatios[i] === undefined ? '-' : `${cpuRatios[i]!.toFixed(2)}×`,
      ]),
      ['geometric mean', '', '', `${gm.toFixed(2)}×`, cpuGm],
    ],
  )
  const detail = table(
    [
      'scenario',
      `${short} p50/p99 ms`,
      'Sat p50/p99 ms',
      `${short} cpu/req`,
      'Sat cpu/req',
      `${short}|Sat RSS MiB`,
      `${short} slices req/s`,
      'Sat slices req/s',
      `others cores ${short}|Sat`,
    ],
    pairs.map((p) => [
      p.scenario,
      `${ms(p.pocketbase.latencyMs.p50)}/${ms(p.pocketbase.latencyMs.p99)}`,
      `${ms(p.satchel.latencyMs.p50)}/${ms(p.satchel.latencyMs.p99)}`,
      serverCpuPerReq(p.pocketbase),
      serverCpuPerReq(p.satchel),
      `${rss(p.pocketbase)}|${rss(p.satchel)}`,
      slices(p.pocketbase),
      slices(p.satchel),
      `${cores(p.pocketbase)}|${cores(p.satchel)}`,
    ]),
  )
  const errors = pairs.flatMap((p) => [
    ...errorLines(base, p.pocketbase),
    ...errorLines('Satchel', p.satchel),
  ])
  const pass = gm >= 1.5 && ratios.every((r) => r >= 1)
  return [
    main,
    '',
    'req/s is the best slice of each side; cpu/req is server CPU time per successful request;',
    'RSS is the resident memory of the server with its worker processes at the end of a slice (max);',
    '"others" is CPU used meanwhile by programs other than the bench and the measured server.',
    detail,
    ...(errors.length ? ['', 'errors (non-2xx / network):', ...errors] : []),
    '',
    clientCpuLine(pairs.flatMap((p) => [p.pocketbase, p.satchel])),
    ...interferenceWarning(pairs.flatMap((p) => [p.pocketbase, p.satchel])),
    ...(names.target
      ? [`target (geomean ≥ 1.5×, every scenario ≥ 1.0×): ${pass ? 'PASS' : 'FAIL'}`]
      : []),
  ].join('\n')
}
