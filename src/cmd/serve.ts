import cluster, { type Worker } from 'node:cluster'
import { availableParallelism } from 'node:os'
import type { Command } from 'commander'
import { type RunningServer, startServer } from '../apis/serve.ts'
import type { App } from '../core/app.ts'
import {
  hasSuperusers,
  INSTALLER_TTL_MS,
  type InstallerToken,
  newInstallerToken,
} from '../core/installer.ts'
import { realtimeHub } from '../core/realtime-hub.ts'
import { type GlobalFlags, openApp, publicDirFromFlags } from '../pocketbase.ts'
import { ClusterBus, relayClusterBus } from '../tools/subscriptions/cluster-bus.ts'

interface ServeOptions {
  http: string
  origins: string
  workers: string
}

/** Messages between the primary process and its workers. */
type WorkerMessage = { type: 'listening'; address: string } | { type: 'error'; message: string }

/**
 * `satchel serve [--http=ADDR] [--origins=…] [--workers=N]`: bootstraps the data dir (migrations
 * run once, in this process), then serves the API — in this process when N is 1, otherwise in N
 * worker processes sharing the port and the SQLite data dir (WAL), which lets Satchel use every
 * core. SIGINT/SIGTERM let in-flight requests finish and close the databases.
 */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('starts the web server (default 127.0.0.1:8090)')
    .option('--http <address>', 'TCP address to listen for HTTP', '127.0.0.1:8090')
    .option('--origins <list>', 'CORS allowed domain origins list (comma separated)', '*')
    .option(
      '--workers <n>',
      'number of server processes (default: the number of CPU cores)',
      String(availableParallelism()),
    )
    .action(async (opts: ServeOptions, cmd: Command) => {
      const flags = cmd.optsWithGlobals() as GlobalFlags
      const workers = Math.max(1, Math.trunc(Number(opts.workers)) || 1)
      if (cluster.isWorker) return serveWorker(flags, opts)
      if (workers === 1) return serveSingle(flags, opts)
      return servePrimary(flags, workers)
    })
}

function routerOptions(flags: GlobalFlags, opts: ServeOptions) {
  return {
    http: opts.http,
    publicDir: publicDirFromFlags(flags),
    indexFallback: flags.indexFallback ?? true,
    origins: opts.origins
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
  }
}

function printStarted(address: string, installer?: InstallerToken): void {
  const base = `http://${address}`
  console.log(`Server started at ${base}`)
  console.log(`├─ REST API:  ${base}/api/`)
  console.log(`└─ Dashboard: ${base}/_/`)
  if (installer === undefined) return
  const minutes = INSTALLER_TTL_MS / 60_000
  console.log(
    `\n(!) No superuser yet. Open this link to create the first one (works once, for ${minutes} minutes):`,
  )
  console.log(`${base}/_/install#${installer.token}`)
  console.log(`(or run: satchel superuser upsert EMAIL PASS)\n`)
}

/** A first-run installer token when `_superusers` is empty (see `core/installer.ts`). */
async function installerFor(app: App): Promise<InstallerToken | undefined> {
  return (await hasSuperusers(app)) ? undefined : newInstallerToken()
}

/** Environment variable carrying the installer token from the primary to its workers. */
const INSTALLER_ENV = 'SATCHEL_INSTALLER_TOKEN'

async function serveSingle(flags: GlobalFlags, opts: ServeOptions): Promise<void> {
  const app = await openApp(flags)
  const installer = await installerFor(app)
  let server: RunningServer
  try {
    server = await startServer(app, { ...routerOptions(flags, opts), installer })
  } catch (err) {
    await app.close()
    console.error(`Error: ${(err as Error).message}`)
    process.exitCode = 1
    return
  }
  printStarted(server.address, installer)
  onStopSignal(async () => {
    await server.close()
    await app.close()
    process.exit(0)
  })
}

async function servePrimary(flags: GlobalFlags, count: number): Promise<void> {
  // Migrations and first-run setup happen once, here, before any worker opens the data dir.
  const app = await openApp(flags)
  const installer = await installerFor(app)
  await app.close()
  const workers: Worker[] = []
  let stopping = false
  let listening = 0
  const stopAll = (code: number) => {
    if (stopping) return
    stopping = true
    process.exitCode = code
    for (const w of workers) if (w.isConnected()) w.send('shutdown')
  }
  const fork = (): Worker => {
    const w = cluster.fork(
      installer ? { [INSTALLER_ENV]: `${installer.token}.${installer.expiresAt}` } : {},
    )
    // Realtime: record events and client requests travel between workers through here.
    relayClusterBus(w, () => workers)
    w.on('message', (msg: WorkerMessage) => {
      if (msg.type === 'listening' && ++listening === count) printStarted(msg.address, installer)
      if (msg.type === 'error') {
        if (!stopping) console.error(`Error: ${msg.message}`)
        stopAll(1)
      }
    })
    w.on('exit', (code) => {
      workers.splice(workers.indexOf(w), 1)
      if (stopping) {
        if (workers.length === 0) process.exit(process.exitCode ?? 0)
        return
      }
      // NOTE: a crashed worker is replaced so the server keeps its capacity.
      console.error(`Worker ${w.process.pid} exited with code ${code}; starting a new one.`)
      workers.push(fork())
    })
    return w
  }
  for (let i = 0; i < count; i++) workers.push(fork())
  onStopSignal(async () => stopAll(0))
}

async function serveWorker(flags: GlobalFlags, opts: ServeOptions): Promise<void> {
  const send = (msg: WorkerMessage) => process.send?.(msg)
  const app = await openApp(flags, { sharedDataDir: true })
  // Realtime clients live in one worker; the bus reaches the others (relayed by the primary).
  realtimeHub(app).useBus(new ClusterBus())
  let server: RunningServer
  try {
    server = await startServer(app, {
      ...routerOptions(flags, opts),
      installer: workerInstaller(),
    })
  } catch (err) {
    await app.close()
    send({ type: 'error', message: (err as Error).message })
    process.exit(1)
  }
  send({ type: 'listening', address: server.address })
  const stop = async () => {
    await server.close()
    await app.close()
    process.exit(0)
  }
  process.on('message', (msg) => {
    if (msg === 'shutdown') void stop()
  })
  // The primary relays signals as 'shutdown'; a worker ignores the terminal's SIGINT itself.
  process.on('SIGINT', () => {})
  process.on('SIGTERM', () => void stop())
}

/** The installer token handed down by the primary (`token.expiresAt`), if any. */
function workerInstaller(): InstallerToken | undefined {
  const m = /^([\w-]+)\.(\d+)$/.exec(process.env[INSTALLER_ENV] ?? '')
  return m === null ? undefined : { token: m[1]!, expiresAt: Number(m[2]) }
}

function onStopSignal(fn: () => Promise<void>): void {
  let called = false
  const handler = () => {
    if (called) return
    called = true
    void fn()
  }
  process.once('SIGINT', handler)
  process.once('SIGTERM', handler)
}
