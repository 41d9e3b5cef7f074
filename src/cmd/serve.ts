import cluster, { type Worker } from 'node:cluster'
import { readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import type { Command } from 'commander'
import { type RunningServer, type ServeOptions, startServer, type TlsFiles } from '../apis/serve.ts'
import { App, type AppConfig } from '../core/app.ts'
import { type PendingRestore, swapDataDir } from '../core/backup-restore.ts'
import {
  hasSuperusers,
  INSTALLER_TTL_MS,
  type InstallerToken,
  newInstallerToken,
} from '../core/installer.ts'
import { registerAutomigrate } from '../plugins/automigrate.ts'
import { formatHooksFailure, loadHooks } from '../plugins/hooks-loader.ts'
import { watchHooksDir } from '../plugins/hooks-watch.ts'
import { writeHooksTypes } from '../plugins/jsvm/types.ts'
import { hasPendingMigrations, runAppMigrations } from '../plugins/migrations-loader.ts'
import { configFromFlags, type GlobalFlags, openApp, publicDirFromFlags } from '../pocketbase.ts'
import { ClusterBus, relayClusterBus } from '../tools/subscriptions/cluster-bus.ts'
import { installCronProbe } from './cron-probe.ts'
import { flag } from './flags.ts'
import { goLogLine } from './log-line.ts'

/** The `serve` flags as commander hands them over (after `normalizeArgs`). */
interface ServeFlags {
  http?: string
  https?: string
  origins: string[]
  workers: number
  tlsCert?: string
  tlsKey?: string
}

/** Messages between the primary process and its workers. */
type WorkerMessage =
  | { type: 'listening'; address: string }
  | { type: 'error'; message: string }
  /** A worker prepared a restore: every worker must stop, then pb_data is swapped. */
  | { type: 'restore'; pending: PendingRestore }

/**
 * `satchel serve [domain(s)] [--http=ADDR] [--https=ADDR] [--origins=…] [--workers=N]
 * [--tlsCert=FILE --tlsKey=FILE]` (PocketBase's `serve`): bootstraps the data dir (migrations run
 * once, in this process), then serves the API — in this process when N is 1, otherwise in N
 * worker processes sharing the port and the SQLite data dir (WAL), which lets Satchel use every
 * core. SIGINT/SIGTERM let in-flight requests finish and close the databases.
 *
 * HTTPS: PocketBase obtains certificates for the domain arguments from Let's Encrypt (ACME).
 * Satchel serves the certificate given by `--tlsCert`/`--tlsKey` instead and refuses to start
 * (exit 1) when HTTPS is asked for without one.
 */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Starts the web server (default to 127.0.0.1:8090 if no domain is specified)')
    .argument('[domains...]', 'the domains to serve over HTTPS (needs --tlsCert and --tlsKey)')
    .addOption(
      flag(
        'http',
        'string',
        'TCP address to listen for the HTTP server (if domain args are specified - default to 0.0.0.0:80, otherwise - default to 127.0.0.1:8090)',
      ),
    )
    .addOption(
      flag(
        'https',
        'string',
        'TCP address to listen for the HTTPS server (if domain args are specified - default to 0.0.0.0:443, otherwise - default to empty string, aka. no TLS); the HTTP traffic is then redirected to HTTPS',
      ),
    )
    .addOption(flag('origins', 'strings', 'CORS allowed domain origins list', ['*']))
    .addOption(
      flag(
        'workers',
        'int',
        'Satchel: number of server processes, one per CPU core by default',
        availableParallelism(),
      ),
    )
    .addOption(
      flag(
        'tlsCert',
        'string',
        "Satchel: PEM certificate (chain) served on --https, instead of PocketBase's ACME certificates",
      ),
    )
    .addOption(flag('tlsKey', 'string', 'Satchel: PEM private key of --tlsCert'))
    .action(async (domains: string[], opts: ServeFlags, cmd: Command) => {
      const flags = cmd.optsWithGlobals() as GlobalFlags
      let options: StartOptions
      try {
        options = startOptions(flags, opts, domains)
      } catch (err) {
        if (cluster.isWorker) throw err
        process.stderr.write(goLogLine((err as Error).message))
        process.exitCode = 1
        return
      }
      const workers = Math.max(1, Math.trunc(opts.workers) || 1)
      if (cluster.isWorker) return serveWorker(flags, options)
      if (workers === 1) return serveSingle(flags, options)
      return servePrimary(flags, workers, options)
    })
}

/** What every server process starts with, plus the URL the banner prints. */
interface StartOptions extends ServeOptions {
  readonly baseURL: (address: string) => string
}

/**
 * Resolves the listen addresses like PocketBase (domain arguments switch the defaults to
 * `0.0.0.0:80` + `0.0.0.0:443`) and loads the TLS files. Throws with the message to print.
 */
function startOptions(flags: GlobalFlags, opts: ServeFlags, domains: string[]): StartOptions {
  let http = opts.http || undefined
  let https = opts.https || undefined
  if (domains.length > 0) {
    http ??= '0.0.0.0:80'
    https ??= '0.0.0.0:443'
  } else {
    http ??= '127.0.0.1:8090'
  }
  if ((opts.tlsCert === undefined) !== (opts.tlsKey === undefined))
    throw new Error('--tlsCert and --tlsKey go together: give both or neither.')
  let tls: TlsFiles | undefined
  if (https !== undefined) {
    if (opts.tlsCert === undefined) {
      throw new Error(
        "HTTPS needs a certificate: PocketBase requests one from Let's Encrypt (ACME), which needs internet access and public DNS for the domain; Satchel does not do ACME. Pass --tlsCert=FILE --tlsKey=FILE (PEM), or serve plain HTTP behind a TLS-terminating proxy.",
      )
    }
    try {
      tls = { cert: readFileSync(opts.tlsCert), key: readFileSync(opts.tlsKey!) }
    } catch (err) {
      throw new Error(`Cannot read the TLS files: ${(err as Error).message}`)
    }
  } else if (opts.tlsCert !== undefined) {
    throw new Error('--tlsCert/--tlsKey need --https=ADDR (or domain arguments).')
  }
  const secure = https !== undefined
  return {
    http,
    https,
    tls,
    origins: opts.origins,
    publicDir: publicDirFromFlags(flags),
    indexFallback: flags.indexFallback ?? true,
    baseURL: (address) =>
      `${secure ? 'https' : 'http'}://${secure && domains.length > 0 ? domains[0] : address}`,
  }
}

function printStarted(options: StartOptions, address: string, installer?: InstallerToken): void {
  const base = options.baseURL(address)
  process.stdout.write(goLogLine(`Server started at ${base}`))
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

/**
 * Opens the app of a process that serves: loads the `--hooksDir` files (`*.pb.ts`, `*.pb.js`)
 * before bootstrapping, so they can bind `onBootstrap` as well as `onServe` and the record
 * hooks, and writes `pb_data/types.d.ts` (the JS globals, for editors) after. Every `--workers` process loads them (each has its own app); a file that fails is
 * reported with its file:line (by one worker of each generation) and skipped, and the server starts
 * with the others, as PocketBase's does.
 */
async function openServeApp(flags: GlobalFlags, extra: Partial<AppConfig> = {}): Promise<App> {
  const app = new App(configFromFlags(flags, extra))
  if (app.config.automigrate) registerAutomigrate(app)
  const { failures } = await loadHooks(app, app.config.hooksDir ?? '')
  // one process of each generation reports (and writes the types file)
  const reporter = !cluster.isWorker || process.env[HOOKS_REPORT_ENV] === '1'
  if (reporter) {
    for (const f of failures) process.stderr.write(goLogLine(formatHooksFailure(f)))
  }
  await app.bootstrap()
  // pb_data/types.d.ts for editor completion in pb_hooks (PocketBase writes its own there)
  if (reporter) writeHooksTypes(app.dataDir.root)
  // PostgreSQL: every process is a node of one app; realtime events cross them by NOTIFY.
  const url = app.config.databaseUrl
  if (url !== undefined) {
    const { PostgresBus } = await import('../tools/subscriptions/postgres-bus.ts')
    const bus = await PostgresBus.open(url)
    app.realtime.useBus(bus)
    app.onTerminate.bind(async (e) => {
      await e.next()
      bus.close()
    })
  }
  // the pb_migrations files: once per data dir (with --workers, in the primary before forking)
  if (!app.config.sharedDataDir) await runAppMigrations(app)
  return app
}

/** Set to `1` for the worker (one per generation) that reports hooks files failing to load. */
const HOOKS_REPORT_ENV = 'SATCHEL_HOOKS_REPORT'

/** Environment variable carrying the installer token from the primary to its workers. */
const INSTALLER_ENV = 'SATCHEL_INSTALLER_TOKEN'

async function serveSingle(flags: GlobalFlags, options: StartOptions): Promise<void> {
  let app = await openServeApp(flags)
  const installer = await installerFor(app)
  await installCronProbe(app, process.env.SATCHEL_CRON_PROBE)
  let server: RunningServer
  try {
    server = await startServer(app, { ...options, installer })
  } catch (err) {
    await app.close()
    process.stderr.write(goLogLine((err as Error).message))
    process.exitCode = 1
    return
  }
  printStarted(options, server.address, installer)
  // A restore restarts the app in this process: stop serving (in-flight requests finish),
  // close, swap pb_data, open and serve again; the old content comes back if the new fails.
  const restartable = (current: App) => {
    current.restarter = async (pending: PendingRestore) => {
      await server.close()
      await current.close()
      const swap = await swapDataDir(current.dataDir, pending)
      let failure: unknown
      try {
        app = await openServeApp(flags)
        await swap.discard()
      } catch (err) {
        failure = err
        await swap.revert()
        app = await openServeApp(flags)
      }
      restartable(app)
      server = await startServer(app, { ...options, installer: await installerFor(app) })
      if (failure !== undefined) throw failure
    }
  }
  restartable(app)
  onStopSignal(async () => {
    await server.close()
    await app.close()
    process.exit(0)
  })
}

async function servePrimary(
  flags: GlobalFlags,
  count: number,
  options: StartOptions,
): Promise<void> {
  // Migrations and first-run setup happen once, here, before any worker opens the data dir.
  let app = await openApp(flags)
  if (await hasPendingMigrations(app)) {
    // the migrations' saves fire the pb_hooks record hooks, as in PocketBase (the first worker
    // reports the files that fail to load)
    await app.close()
    app = new App(configFromFlags(flags))
    await loadHooks(app, app.config.hooksDir ?? '')
    await app.bootstrap()
    await runAppMigrations(app)
  }
  const installer = await installerFor(app)
  await app.close()
  const workers: Worker[] = []
  let stopping = false
  let restarting = false
  let listening = 0
  // NOTE: a worker still booting may miss a 'shutdown' sent now (its listener is not attached
  // yet); the ones asked to stop get it again when they report 'listening'.
  const toStop = new WeakSet<Worker>()
  const shutdown = (w: Worker) => {
    toStop.add(w)
    if (w.isConnected()) w.send('shutdown')
  }
  const stopAll = (code: number) => {
    if (stopping) return
    stopping = true
    process.exitCode = code
    for (const w of workers) shutdown(w)
  }
  let banner = false
  /** Workers replaced by a hooks reload: they finish their requests and are not respawned. */
  const retired = new WeakSet<Worker>()
  const fork = (reportHooks = false): Worker => {
    const w = cluster.fork({
      ...(installer ? { [INSTALLER_ENV]: `${installer.token}.${installer.expiresAt}` } : {}),
      [HOOKS_REPORT_ENV]: reportHooks ? '1' : '',
    })
    // Realtime: record events and client requests travel between workers through here.
    relayClusterBus(w, () => workers)
    w.on('message', (msg: WorkerMessage) => {
      if (msg.type === 'listening' && toStop.has(w)) {
        if (w.isConnected()) w.send('shutdown')
        return
      }
      if (msg.type === 'listening' && ++listening === count && !banner) {
        banner = true
        printStarted(options, msg.address, installer)
      }
      if (msg.type === 'error') {
        if (!stopping) process.stderr.write(goLogLine(msg.message))
        stopAll(1)
      }
      if (msg.type === 'restore' && !restarting && !stopping) void restoreAll(msg.pending)
    })
    w.on('exit', (code) => {
      workers.splice(workers.indexOf(w), 1)
      if (stopping) {
        if (workers.length === 0) process.exit(process.exitCode ?? 0)
        return
      }
      if (restarting || retired.has(w)) return
      // NOTE: a crashed worker is replaced so the server keeps its capacity.
      console.error(`Worker ${w.process.pid} exited with code ${code}; starting a new one.`)
      workers.push(fork())
    })
    return w
  }
  /**
   * A restore with workers: all of them stop (in-flight requests finish, databases close), the
   * primary swaps pb_data (back again if the restored data does not open) and forks new ones.
   */
  const restoreAll = async (pending: PendingRestore) => {
    restarting = true
    const exited = workers.map(
      (w) => new Promise<void>((resolve) => w.once('exit', () => resolve())),
    )
    for (const w of workers) shutdown(w)
    await Promise.all(exited)
    try {
      const swap = await swapDataDir(new App(configFromFlags(flags)).dataDir, pending)
      try {
        const restored = await openApp(flags)
        await runAppMigrations(restored)
        await restored.close()
        await swap.discard()
      } catch (err) {
        process.stderr.write(goLogLine(`Failed to restore the backup: ${(err as Error).message}`))
        await swap.revert()
      }
    } catch (err) {
      process.stderr.write(goLogLine(`Failed to restore the backup: ${(err as Error).message}`))
    }
    restarting = false
    listening = 0
    banner = false
    if (!stopping) for (let i = 0; i < count; i++) workers.push(fork(i === 0))
  }
  /**
   * `--hooksWatch`: a change in the hooks folder replaces the workers one by one (PocketBase
   * restarts its process instead): a new worker loads the hooks afresh (local modules too)
   * and, once it listens, an old one stops accepting connections and finishes its in-flight
   * requests, so the server never stops answering. Its realtime clients reconnect to another.
   */
  let reloading: Promise<void> | undefined
  let reloadAgain = false
  const reloadHooks = async () => {
    for (const old of [...workers]) {
      if (stopping || restarting) return
      const fresh = fork(old === workers[0])
      workers.push(fresh)
      const up = await new Promise<boolean>((resolve) => {
        fresh.on('message', (msg: WorkerMessage) => msg.type === 'listening' && resolve(true))
        fresh.once('exit', () => resolve(false))
      })
      if (!up) return
      retired.add(old)
      shutdown(old)
    }
  }
  const onHooksChange = () => {
    if (reloading !== undefined) {
      reloadAgain = true
      return
    }
    reloading = (async () => {
      do {
        reloadAgain = false
        process.stdout.write(goLogLine('Hooks changed: reloading the workers.'))
        await reloadHooks()
      } while (reloadAgain && !stopping)
      if (!stopping) process.stdout.write(goLogLine('Hooks reloaded.'))
      reloading = undefined
    })()
  }
  const config = configFromFlags(flags)
  const unwatch =
    config.hooksWatch && config.hooksDir !== undefined
      ? watchHooksDir(config.hooksDir, onHooksChange)
      : () => {}
  for (let i = 0; i < count; i++) workers.push(fork(i === 0))
  onStopSignal(async () => {
    unwatch()
    stopAll(0)
  })
}

async function serveWorker(flags: GlobalFlags, options: StartOptions): Promise<void> {
  const send = (msg: WorkerMessage) => process.send?.(msg)
  // Listen for 'shutdown' (and SIGTERM) from the start: one arriving while this worker boots
  // stops it as soon as it is up.
  let stop: (() => Promise<void>) | undefined
  let stopRequested = false
  const requestStop = () => {
    stopRequested = true
    if (stop !== undefined) void stop()
  }
  process.on('message', (msg) => {
    if (msg === 'shutdown') requestStop()
  })
  // The primary relays signals as 'shutdown'; a worker ignores the terminal's SIGINT itself.
  process.on('SIGINT', () => {})
  process.on('SIGTERM', requestStop)
  const app = await openServeApp(flags, { sharedDataDir: true })
  await installCronProbe(app, process.env.SATCHEL_CRON_PROBE)
  // Realtime clients live in one worker; the bus reaches the others (relayed by the primary).
  // On PostgreSQL the NOTIFY bus set up by openServeApp reaches every process of every node.
  const bus = app.config.databaseUrl === undefined ? new ClusterBus() : undefined
  if (bus !== undefined) app.realtime.useBus(bus)
  let server: RunningServer
  try {
    server = await startServer(app, { ...options, installer: workerInstaller() })
  } catch (err) {
    await app.close()
    send({ type: 'error', message: (err as Error).message })
    process.exit(1)
  }
  send({ type: 'listening', address: server.address })
  // A restore is finished by the primary, once every worker has stopped (see `servePrimary`).
  app.restarter = async (pending) => {
    send({ type: 'restore', pending })
    await new Promise<never>(() => {})
  }
  let stopping: Promise<void> | undefined
  stop = () => {
    stopping ??= (async () => {
      await server.close()
      await app.close()
      bus?.close()
      process.exit(0)
    })()
    return stopping
  }
  if (stopRequested) void stop()
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
