/**
 * Worker-thread entry: runs one scenario's load off the main thread and reports its own CPU time,
 * so the client's cost can be told apart from the server's.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { runLoad } from './loadgen.ts'
import { createRng } from './rng.ts'
import type { WorkerInput } from './run.ts'
import { getScenario } from './scenarios/registry.ts'

const input = workerData as WorkerInput
const scenario = getScenario(input.scenario)
const rng = createRng(input.seed)
let cpuAtStart = process.threadCpuUsage()
let cpu = { user: 0, system: 0 }

const result = await runLoad({
  host: input.host,
  port: input.port,
  connections: input.connections,
  warmupMs: input.warmupMs,
  durationMs: input.durationMs,
  timeoutMs: input.timeoutMs,
  next: () => scenario.request(input.ctx, rng),
  onMeasureStart: () => {
    cpuAtStart = process.threadCpuUsage()
    parentPort!.postMessage({ type: 'measure-start' })
  },
  onMeasureEnd: () => {
    cpu = process.threadCpuUsage(cpuAtStart)
    parentPort!.postMessage({ type: 'measure-end' })
  },
})
parentPort!.postMessage({ type: 'result', result, clientCpuMs: (cpu.user + cpu.system) / 1000 }, [
  result.latencies.buffer as ArrayBuffer,
])
