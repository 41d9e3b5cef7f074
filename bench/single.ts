/** Single-server mode: seed the server at --url, run every scenario, print one table. */
import type { BenchOptions } from './options.ts'
import { singleReport } from './report.ts'
import { describe, loopbackPort, runScenario } from './run.ts'
import { connectionsFor } from './scenarios/scenario.ts'
import { seed } from './seed.ts'
import { type Summary, summarize } from './stats.ts'

/** Runs the selected scenarios against `o.url` and prints the results. */
export async function runSingle(o: BenchOptions, log: (msg: string) => void): Promise<void> {
  const url = o.url!
  const port = loopbackPort(url)
  const ctx = await seed(url, {
    email: o.email!,
    password: o.password!,
    reset: o.reset,
    logs: o.logs,
    posts: o.posts,
    users: o.users,
    log,
  })
  const results: Summary[] = []
  for (const [i, s] of o.scenarios.entries()) {
    const run = await runScenario({
      ...o.load,
      connections: connectionsFor(s, o.load.connections),
      scenario: s.name,
      ctx,
      host: '127.0.0.1',
      port,
      seed: 1000 + i,
    })
    const r = summarize([run])
    log(`${s.name}: ${describe(r)}`)
    results.push(r)
  }
  console.log(`\n${singleReport(results)}`)
}
