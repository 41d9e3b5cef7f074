import cluster, { type Worker } from 'node:cluster'
import type { PendingRestore } from '../core/backup-restore.ts'
import { watchHooksDir } from '../plugins/hooks-watch.ts'
import { relayClusterBus } from '../tools/subscriptions/cluster-bus.ts'
import { isLogsMessage, type LogsMessage, PrimaryLogsWriter } from './cluster-logs.ts'
import { goLogLine } from './log-line.ts'

// NOTE: this module is all the primary process of `serve --workers` runs once the data dir is set
// up (see `servePrimary` in serve.ts): it imports only Node's cluster, the bus relay, the hooks
// watcher and the logs writer (which loads SQLite with the first batch; type imports aside), so the primary, which serves nothing, holds ≈40 MiB instead of the
// whole server (≈100 MiB).

/** Messages between the primary process and its workers. */
export type WorkerMessage =
  | { type: 'listening'; address: string }
  | { type: 'error'; message: string }
  /** A worker prepared a restore: every worker must stop, then pb_data is swapped. */
  | { type: 'restore'; pending: PendingRestore }
  /** A stopping worker accepts no new connection (it finishes the ones it has). */
  | { type: 'unlistened' }
  /** A batch of log rows, which the primary writes (see `sendLogsToPrimary`). */
  | LogsMessage

/** Set to `1` for the worker (one per generation) that reports hooks files failing to load. */
export const HOOKS_REPORT_ENV = 'SATCHEL_HOOKS_REPORT'

/** Environment variable carrying the installer token from the primary to its workers. */
export const INSTALLER_ENV = 'SATCHEL_INSTALLER_TOKEN'

/** Environment variable carrying the {@link PrimaryPlan} (JSON) across `execve`. */
export const PRIMARY_PLAN_ENV = 'SATCHEL_PRIMARY_PLAN'

/** Environment variable carrying a pending restore (JSON) back to `serve`'s setup. */
export const RESTORE_ENV = 'SATCHEL_PENDING_RESTORE'

/** Stands for the listening address in {@link PrimaryPlan.baseURL}. */
export const ADDRESS_MARK = '\u0000'

/** What the primary needs once the data dir is set up (JSON: it may cross an `execve`). */
export interface PrimaryPlan {
  /** Worker processes to keep running. */
  readonly count: number
  /** The workers' script, arguments and Node flags (the command line `serve` was started with). */
  readonly exec: string
  readonly args: readonly string[]
  readonly execArgv: readonly string[]
  /** The first-run installer token while no superuser exists. */
  readonly installer?: { readonly token: string; readonly expiresAt: number }
  /** How long the installer link works, in minutes (printed in the banner). */
  readonly installerMinutes: number
  /** The banner's base URL, {@link ADDRESS_MARK} standing for the address the workers listen on. */
  readonly baseURL: string
  /** `--hooksWatch`: the hooks folder whose changes replace the workers one by one. */
  readonly hooksWatchDir?: string
  /** `auxiliary.db`, where the primary writes the workers' log batches (unset on PostgreSQL). */
  readonly logsDb?: string
}

/**
 * Forks `plan.count` workers and keeps them running: relays the realtime bus between them,
 * prints the banner once all listen, replaces a crashed worker, stops them all on SIGINT/SIGTERM
 * or a worker's start error (exit 1), replaces them one by one when the hooks change, and on a
 * worker's restore request stops them all, calls `restore` (which swaps pb_data, or does not
 * return) and forks new ones.
 */
export function runPrimary(
  plan: PrimaryPlan,
  restore: (pending: PendingRestore) => Promise<void>,
): void {
  // NOTE: the workers accept connections from the shared listening socket themselves (Node's
  // SCHED_NONE) instead of the primary accepting each and passing it over IPC (Linux's default
  // round robin): a new connection per request cost ≈150 µs more CPU that way (bench
  // insert-new-conn 0.96× → 1.28× PocketBase, keep-alive scenarios unchanged). Node's
  // NODE_CLUSTER_SCHED_POLICY still decides when set.
  if (process.env.NODE_CLUSTER_SCHED_POLICY === undefined) {
    cluster.schedulingPolicy = cluster.SCHED_NONE
  }
  cluster.setupPrimary({ exec: plan.exec, args: [...plan.args], execArgv: [...plan.execArgv] })
  const count = plan.count
  const installer = plan.installer
  const logs = plan.logsDb === undefined ? undefined : new PrimaryLogsWriter(plan.logsDb)
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
      if (isLogsMessage(msg)) {
        logs?.write(msg)
        return
      }
      if (msg.type === 'listening' && toStop.has(w)) {
        if (w.isConnected()) w.send('shutdown')
        return
      }
      if (msg.type === 'listening' && ++listening === count && !banner) {
        banner = true
        printBanner(
          plan.baseURL.replace(ADDRESS_MARK, msg.address),
          plan.installer,
          plan.installerMinutes,
        )
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
        if (workers.length === 0) {
          // the workers' last batches first
          void (logs?.close() ?? Promise.resolve()).finally(() =>
            process.exit(process.exitCode ?? 0),
          )
        }
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
   * A restore with workers: all of them stop (in-flight requests finish, databases close), then
   * `restore` swaps pb_data (back again if the restored data does not open) and new ones fork.
   */
  const restoreAll = async (pending: PendingRestore) => {
    restarting = true
    const exited = workers.map(
      (w) => new Promise<void>((resolve) => w.once('exit', () => resolve())),
    )
    for (const w of workers) shutdown(w)
    await Promise.all(exited)
    // the workers' last log batches go into the old auxiliary.db, which the swap replaces
    await logs?.close()
    await restore(pending)
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
      // NOTE: until the old worker has closed its listener the primary may still hand it new
      // connections (answered with the old hooks): the next step, and 'Hooks reloaded.', wait
      const unlistened = new Promise<void>((resolve) => {
        old.on('message', (msg: WorkerMessage) => msg.type === 'unlistened' && resolve())
        old.once('exit', () => resolve())
      })
      shutdown(old)
      await unlistened
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
  const unwatch =
    plan.hooksWatchDir !== undefined ? watchHooksDir(plan.hooksWatchDir, onHooksChange) : () => {}
  for (let i = 0; i < count; i++) workers.push(fork(i === 0))
  onStopSignal(async () => {
    unwatch()
    stopAll(0)
  })
}

/**
 * Prints PocketBase's startup banner for `base` (e.g. `http://127.0.0.1:8090`), with the
 * first-run installer link (valid `installerMinutes`) while no superuser exists.
 */
export function printBanner(
  base: string,
  installer: { readonly token: string } | undefined,
  installerMinutes: number,
): void {
  process.stdout.write(goLogLine(`Server started at ${base}`))
  console.log(`├─ REST API:  ${base}/api/`)
  console.log(`└─ Dashboard: ${base}/_/`)
  if (installer === undefined) return
  console.log(
    `\n(!) No superuser yet. Open this link to create the first one (works once, for ${installerMinutes} minutes):`,
  )
  console.log(`${base}/_/install#${installer.token}`)
  console.log(`(or run: satchel superuser upsert EMAIL PASS)\n`)
}

/** Runs `fn` once, on the first SIGINT or SIGTERM. */
export function onStopSignal(fn: () => Promise<void>): void {
  let called = false
  const handler = () => {
    if (called) return
    called = true
    void fn()
  }
  process.once('SIGINT', handler)
  process.once('SIGTERM', handler)
}
