import cluster from 'node:cluster'
import { existsSync, readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
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
import { writeHooksTypes } from '../plugins/jsvm/types.ts'
import { hasPendingMigrations, runAppMigrations } from '../plugins/migrations-loader.ts'
import { configFromFlags, type GlobalFlags, openApp, publicDirFromFlags } from '../pocketbase.ts'
import { ClusterBus } from '../tools/subscriptions/cluster-bus.ts'
import { sendLogsToPrimary } from './cluster-logs.ts'
import { installCronProbe } from './cron-probe.ts'
import { flag } from './flags.ts'
import { goLogLine } from './log-line.ts'
import {
  ADDRESS_MARK,
  HOOKS_REPORT_ENV,
  INSTALLER_ENV,
  onStopSignal,
  PRIMARY_PLAN_ENV,
  type PrimaryPlan,
  printBanner,
  RESTORE_ENV,
  runPrimary,
  type WorkerMessage,
} from './serve-primary.ts'

/** The `serve` flags as commander hands them over (after `normalizeArgs`). */
interface ServeFlags {
  http?: string
  https?: string
  origins: string[]
  workers: number
  tlsCert?: string
  tlsKey?: string
}

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
  printBanner(options.baseURL(address), installer, INSTALLER_TTL_MS / 60_000)
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
    app.watchCaches(bus)
    app.onTerminate.bind(async (e) => {
      await e.next()
      bus.close()
    })
  }
  // the pb_migrations files: once per data dir (with --workers, in the primary before forking)
  if (!app.config.sharedDataDir) await runAppMigrations(app)
  await app.syncCacheChanges()
  return app
}

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

/**
 * The primary of `serve --workers`: sets up the data dir once (a restore asked for before an
 * `execve` back here first, then migrations and the first-run installer), then forks and
 * supervises the workers (`runPrimary`). Where it can, it first replaces itself (same process,
 * `process.execve`) by `serve-primary-main`, which loads none of the server's modules: the
 * primary, which serves nothing, then holds ≈40 MiB instead of ≈100 MiB.
 */
async function servePrimary(
  flags: GlobalFlags,
  count: number,
  options: StartOptions,
): Promise<void> {
  const restoring = process.env[RESTORE_ENV]
  if (restoring !== undefined) {
    delete process.env[RESTORE_ENV]
    await restoreDataDir(flags, JSON.parse(restoring) as PendingRestore)
  }
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
  const config = configFromFlags(flags)
  const plan: PrimaryPlan = {
    count,
    exec: process.argv[1] ?? '',
    args: process.argv.slice(2),
    execArgv: process.execArgv,
    installer,
    installerMinutes: INSTALLER_TTL_MS / 60_000,
    baseURL: options.baseURL(ADDRESS_MARK),
    hooksWatchDir: config.hooksWatch ? config.hooksDir : undefined,
    logsDb: config.databaseUrl === undefined ? app.dataDir.auxiliaryDb : undefined,
  }
  const lean = leanPrimaryEntry()
  if (lean !== undefined) {
    process.execve!(process.execPath, [process.execPath, ...process.execArgv, lean], {
      ...process.env,
      [PRIMARY_PLAN_ENV]: JSON.stringify(plan),
    })
  }
  runPrimary(plan, (pending) => restoreDataDir(flags, pending))
}

/**
 * The file of `serve-primary-main` beside this module (in the bundle's folder, in `dist/cmd/`, or
 * the source file), when this Node can `execve` into it; undefined otherwise (Windows, Bun, the
 * single executable), where the primary stays as it is.
 */
function leanPrimaryEntry(): string | undefined {
  if (typeof process.execve !== 'function' || process.platform === 'win32') return undefined
  if (process.getBuiltinModule?.('node:sea')?.isSea()) return undefined
  for (const name of ['./serve-primary-main.js', './serve-primary-main.ts']) {
    const url = new URL(name, import.meta.url)
    if (url.protocol === 'file:' && existsSync(url)) return fileURLToPath(url)
  }
  return undefined
}

/**
 * Swaps pb_data for a prepared restore once every worker has stopped, back again if the
 * restored data does not open or migrate (the failure is printed; the old data is served).
 */
async function restoreDataDir(flags: GlobalFlags, pending: PendingRestore): Promise<void> {
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
  if (app.config.databaseUrl === undefined) sendLogsToPrimary(app)
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
      const closed = server.close()
      // NOTE: after the close request on this IPC channel: the primary hands out no more
      send({ type: 'unlistened' })
      await closed
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
