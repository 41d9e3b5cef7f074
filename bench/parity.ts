/**
 * A pre-flight check that both servers answer the scenarios' requests alike (status and JSON,
 * minus timestamps, tokens and fresh ids), so a fast side is not fast because it returns less.
 */
import { createRng } from './rng.ts'
import type { BenchContext, Scenario } from './scenarios/scenario.ts'

/** A server and its seeded context. */
export interface Side {
  label: string
  url: string
  ctx: BenchContext
}

/** Keys whose values legitimately differ between two servers seeded at different times. */
const VOLATILE = new Set(['created', 'updated', 'token'])

function normalize(value: unknown, dropId: boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => normalize(v, dropId))
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value).sort()) {
    if (VOLATILE.has(key) || (dropId && key === 'id')) continue
    out[key] = normalize((value as Record<string, unknown>)[key], dropId)
  }
  return out
}

/** The path of the first difference between two normalized JSON values, or undefined. */
export function firstDifference(a: unknown, b: unknown, path = '$'): string | undefined {
  if (a === b) return undefined
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return `${path}: ${JSON.stringify(a)?.slice(0, 60)} vs ${JSON.stringify(b)?.slice(0, 60)}`
  }
  if (Array.isArray(a) !== Array.isArray(b)) return `${path}: array vs object`
  const keys = new Set([...Object.keys(a), ...Object.keys(b)])
  for (const k of keys) {
    const d = firstDifference(
      (a as Record<string, unknown>)[k],
      (b as Record<string, unknown>)[k],
      Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`,
    )
    if (d) return d
  }
  return undefined
}

async function send(side: Side, s: Scenario, seed: number, i: number) {
  const rng = createRng(seed)
  for (let k = 0; k < i; k++) s.request(side.ctx, rng)
  const req = s.request(side.ctx, rng)
  const headers: Record<string, string> = {}
  if (req.token) headers.Authorization = req.token
  if (req.body !== undefined) headers['Content-Type'] = 'application/json'
  const res = await fetch(side.url + req.path, {
    method: req.method,
    headers,
    body: req.body,
    signal: AbortSignal.timeout(10_000),
  })
  const text = await res.text()
  let json: unknown = text
  try {
    json = JSON.parse(text)
  } catch {
    // keep the raw text
  }
  const body = normalize(json, req.method === 'POST')
  return { req, status: res.status, body: s.parityView ? s.parityView(body) : body }
}

/** Sends `samples` requests of each scenario to both sides; returns one line per mismatch. */
export async function checkParity(
  a: Side,
  b: Side,
  scenarios: readonly Scenario[],
  samples = 5,
): Promise<string[]> {
  const problems: string[] = []
  for (const s of scenarios) {
    for (let i = 0; i < samples; i++) {
      const ra = await send(a, s, 7, i)
      const rb = await send(b, s, 7, i)
      const where = `${s.name} ${ra.req.method} ${ra.req.path.slice(0, 80)}`
      if (ra.status !== rb.status) {
        problems.push(`${where}: status ${a.label} ${ra.status} vs ${b.label} ${rb.status}`)
      } else {
        const d = firstDifference(ra.body, rb.body)
        if (d) problems.push(`${where}: body differs at ${d}`)
      }
    }
  }
  return problems
}
