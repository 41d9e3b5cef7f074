/**
 * `npm run bench` — HTTP load scenarios against one server (--url), or PocketBase and Satchel side
 * by side on identical seeded data (--compare), printing per-scenario throughput and ratios.
 * Whatever happens (success, error, SIGINT), the servers it started are stopped and removed.
 */
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { coldStartReport, measureColdStart } from './cold-start.ts'
import { runCompare } from './compare.ts'
import { type BenchOptions, parseOptions, USAGE } from './options.ts'
import { stopWorkers } from './run.ts'
import { resolvePocketBase, stopAll } from './servers.ts'
import { runSingle } from './single.ts'
import { runSoak } from './soak.ts'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const log = (msg: string): void => console.error(`[bench] ${msg}`)

let cleanup: Promise<unknown> | undefined
let exitCode: number | undefined

/** Stops workers and servers once (later callers wait for the same cleanup), then exits. */
async function shutdown(code: number): Promise<never> {
  exitCode ??= code
  cleanup ??= Promise.allSettled([stopWorkers(), stopAll()])
  await cleanup
  process.exit(exitCode)
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    log(`${sig}: stopping servers`)
    void shutdown(130)
  })
}

try {
  const o: BenchOptions = parseOptions()
  if (o.mode === 'help') console.log(USAGE)
  else if (o.mode === 'compare') await runCompare(o, repoRoot, log)
  else if (o.mode === 'soak') await runSoak(o, repoRoot, log)
  else if (o.mode === 'cold-start') {
    const satchel = o.satchelCmd ?? [process.execPath, resolve(repoRoot, 'bin/satchel.js')]
    log(`Satchel: ${satchel.join(' ')}`)
    const results = await measureColdStart(satchel, await resolvePocketBase(repoRoot), o.runs, log)
    console.log(coldStartReport(results))
  } else await runSingle(o, log)
  await shutdown(0)
} catch (err) {
  if (!cleanup) console.error(err instanceof Error ? err.message : err)
  await shutdown(1)
}
