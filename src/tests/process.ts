import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root (two levels above this file). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** The `satchel` executable script. */
export const SATCHEL_BIN = join(REPO_ROOT, 'bin', 'satchel.js')

/**
 * The Node 24 executable: the current one when it is Node ≥ 22 (vitest run via npm/npx), else the
 * pinned `node_modules/.bin/node`.
 */
export function nodeExecutable(): string {
  const major = Number(process.versions.node.split('.')[0])
  if (major >= 22) return process.execPath
  const pinned = join(REPO_ROOT, 'node_modules', '.bin', 'node')
  return existsSync(pinned) ? pinned : process.execPath
}

/** Returns a currently free TCP port on 127.0.0.1 (binds port 0 briefly, then releases it). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer()
    srv.once('error', rej)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0
      srv.close(() => res(port))
    })
  })
}

const tempDirs = new Set<string>()
/** Process-group ids of every spawned child (each child leads its own group). */
const groups = new Set<number>()

/**
 * Sends `signal` to the whole process group led by `pid` (a server and its worker processes),
 * falling back to the process alone; ignores processes that are already gone.
 */
export function killTree(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(-pid, signal)
  } catch {
    try {
      process.kill(pid, signal)
    } catch {
      // already gone
    }
  }
}

// A detached janitor process cleans up after this process if it dies without running its own
// cleanup (vitest SIGKILLs its test workers on Ctrl-C): it polls our pid and then kills the
// registered children and removes the registered dirs, read from a small JSON registry file.
let registryFile: string | undefined
const JANITOR = `
const fs = require('node:fs')
const [parent, file] = [Number(process.argv[1]), process.argv[2]]
const timer = setInterval(() => {
  try { process.kill(parent, 0); return } catch {}
  clearInterval(timer)
  let reg = { pids: [], dirs: [] }
  try { reg = JSON.parse(fs.readFileSync(file, 'utf8')) } catch {}
  for (const pid of reg.pids) { try { process.kill(-pid, 'SIGKILL') } catch { try { process.kill(pid, 'SIGKILL') } catch {} } }
  setTimeout(() => {
    for (const dir of reg.dirs) { try { fs.rmSync(dir, { recursive: true, force: true, maxRetries: 10 }) } catch {} }
    try { fs.rmSync(require('node:path').dirname(file), { recursive: true, force: true }) } catch {}
  }, 300)
}, 500)
`

function register(): void {
  if (registryFile === undefined) {
    registryFile = join(mkdtempSync(join(tmpdir(), 'satchel-janitor-')), 'registry.json')
    spawn(process.execPath, ['-e', JANITOR, String(process.pid), registryFile], {
      detached: true,
      stdio: 'ignore',
    }).unref()
  }
  const pids = [...groups]
  writeFileSync(registryFile, JSON.stringify({ pids, dirs: [...tempDirs] }))
}

/**
 * Creates a fresh data dir that `cleanupAll()` removes: `<new temp dir>/pb_data`. The data dir is
 * nested because PocketBase reads (and, with automigrate, writes) `<dataDir>/../pb_migrations` and
 * `../pb_hooks`: a data dir directly under /tmp would pick up whatever others left in /tmp.
 */
export function makeTempDir(prefix = 'satchel-e2e-'): string {
  const root = mkdtempSync(join(tmpdir(), prefix))
  tempDirs.add(root)
  register()
  return join(root, 'pb_data')
}

/**
 * Kills every spawned child with its process group (SIGKILL) and removes every temp dir. Safe to
 * call twice.
 */
export function cleanupAll(): void {
  for (const pid of groups) killTree(pid, 'SIGKILL')
  groups.clear()
  for (const dir of tempDirs) {
    try {
      // a killed server may still be flushing files for a moment: retry ENOTEMPTY/EBUSY
      rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 })
    } catch {
      // leave it; the OS cleans tmp
    }
  }
  tempDirs.clear()
  if (registryFile !== undefined) writeFileSync(registryFile, '{"pids":[],"dirs":[]}')
}

let exitHooked = false
function hookExit(): void {
  if (exitHooked) return
  exitHooked = true
  process.once('exit', cleanupAll)
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      cleanupAll()
      process.exit(130)
    })
  }
}

/** A spawned child process with its collected output. */
export interface SpawnedProcess {
  readonly child: ChildProcess
  /** stdout + stderr collected so far. */
  output(): string
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>
  /** Whether the process has exited. */
  hasExited(): boolean
  /**
   * Sends `signal` (default SIGTERM) and waits up to `timeoutMs` (default 10 s) for the exit;
   * SIGKILLs after that. Resolves with the exit code (or signal name).
   */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | string>
}

/** A spawned server process (Satchel or PocketBase) that answers on `url`. */
export interface ServerProcess extends SpawnedProcess {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string
  readonly port: number
  readonly dir: string
}

/**
 * Spawns `command args` in the repo root, collecting its output; the child is registered for
 * `cleanupAll()` (also run on process exit, SIGINT and SIGTERM).
 */
export function spawnProcess(
  command: string,
  args: readonly string[],
  env: { readonly [name: string]: string } = {},
  cwd: string = REPO_ROOT,
): SpawnedProcess {
  hookExit()
  const child = spawn(command, [...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', ...env },
    // its own process group, so a server's worker processes can be killed with it
    detached: true,
  })
  if (child.pid !== undefined) groups.add(child.pid)
  register()
  let out = ''
  child.stdout?.on('data', (b: Buffer) => {
    out += b.toString()
  })
  child.stderr?.on('data', (b: Buffer) => {
    out += b.toString()
  })
  let done = false
  const exited = new Promise<number | string>((res) => {
    child.once('exit', (code, signal) => {
      done = true
      register()
      res(code ?? signal ?? -1)
    })
  })
  return {
    child,
    output: () => out,
    exited,
    hasExited: () => done,
    async stop(signal = 'SIGTERM', timeoutMs = 10_000) {
      const pid = child.pid
      if (!done && pid !== undefined) {
        // graceful signals go to the main process only (like `kill PID`); SIGKILL to the group
        if (signal === 'SIGKILL') killTree(pid)
        else child.kill(signal)
      }
      const timer = setTimeout(() => pid !== undefined && killTree(pid), timeoutMs)
      try {
        return await exited
      } finally {
        clearTimeout(timer)
        // reap any worker left behind by the main process
        if (pid !== undefined) {
          killTree(pid)
          groups.delete(pid)
          register()
        }
      }
    },
  }
}

/** Options of `spawnServer`. */
export interface SpawnServerOptions {
  /** Executable and its arguments (including the address and data dir flags). */
  readonly command: string
  readonly args: readonly string[]
  readonly port: number
  readonly dir: string
  /** Max time to wait for `GET /api/health` to answer 200 (default 20 s). */
  readonly readyTimeoutMs?: number
  /** Extra environment variables for the process. */
  readonly env?: { readonly [name: string]: string }
  /** Working directory (default: the repo root). */
  readonly cwd?: string
}

/**
 * Spawns a server process and waits until `GET /api/health` answers 200 on 127.0.0.1:port.
 * Throws (after killing the process) when it exits early or does not become ready in time; the
 * error message includes the process output.
 */
export async function spawnServer(opts: SpawnServerOptions): Promise<ServerProcess> {
  const proc = spawnProcess(opts.command, opts.args, opts.env, opts.cwd)
  const server: ServerProcess = {
    ...proc,
    url: `http://127.0.0.1:${opts.port}`,
    port: opts.port,
    dir: opts.dir,
  }
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 20_000)
  while (Date.now() < deadline) {
    if (proc.hasExited()) {
      throw new Error(`${opts.command} exited before becoming ready:\n${proc.output()}`)
    }
    try {
      const res = await fetch(`${server.url}/api/health`, { signal: AbortSignal.timeout(1000) })
      if (res.status === 200) return server
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  await proc.stop('SIGKILL')
  throw new Error(`${opts.command} did not answer /api/health in time:\n${proc.output()}`)
}

/** The argv (after the executable) of `satchel serve` on 127.0.0.1:port and dir. */
export function satchelServeArgs(dir: string, port: number): string[] {
  return [SATCHEL_BIN, 'serve', `--http=127.0.0.1:${port}`, `--dir=${dir}`]
}

/** Extra flags and environment for a server started by `startSatchel` / `startPocketBase`. */
export interface ServerExtras {
  /** Flags appended to `serve …` (e.g. `--encryptionEnv=NAME`). */
  readonly args?: readonly string[]
  readonly env?: { readonly [name: string]: string }
}

/** Starts `satchel serve --http=127.0.0.1:PORT --dir=DIR` (a fresh free port unless given). */
export async function startSatchel(
  dir: string,
  port?: number,
  extras: ServerExtras = {},
): Promise<ServerProcess> {
  const p = port ?? (await freePort())
  const sc = satchelCommand()
  return spawnServer({
    command: sc.command,
    args: [...sc.args, 'serve', `--http=127.0.0.1:${p}`, `--dir=${dir}`, ...(extras.args ?? [])],
    port: p,
    dir,
    env: { ...sc.env, ...extras.env },
    cwd: sc.cwd,
  })
}

/** How to run `satchel`: `node bin/satchel.js`, or the single executable (`SATCHEL_E2E_BIN`). */
export interface SatchelCommand {
  readonly command: string
  /** Arguments before the command's own (the script path under node). */
  readonly args: readonly string[]
  readonly cwd: string
  /** Environment overrides for the process. */
  readonly env: { readonly [name: string]: string }
}

let exeSandbox: { cwd: string; env: { [name: string]: string } } | undefined

/**
 * The command that runs Satchel in the tests: `node bin/satchel.js` from the repo root, or — when
 * `SATCHEL_E2E_BIN` names the executable built by `npm run build:exe` — that executable, started
 * the way a machine without Node would: from an empty folder, with a `PATH` in which no `node`
 * can be found (an empty folder) and a fresh `HOME`, so it extracts its native addons into an
 * empty cache. The sandbox is shared by the processes of one test file (removed by
 * `cleanupAll()`).
 */
export function satchelCommand(): SatchelCommand {
  const bin = process.env.SATCHEL_E2E_BIN
  if (!bin) return { command: nodeExecutable(), args: [SATCHEL_BIN], cwd: REPO_ROOT, env: {} }
  if (!existsSync(bin)) throw new Error(`SATCHEL_E2E_BIN: no executable at ${bin}.`)
  if (exeSandbox === undefined || !existsSync(exeSandbox.cwd)) {
    const root = mkdtempSync(join(tmpdir(), 'satchel-exe-'))
    tempDirs.add(root)
    register()
    const dirs = {
      cwd: join(root, 'cwd'),
      path: join(root, 'empty-path'),
      home: join(root, 'home'),
    }
    for (const d of Object.values(dirs)) mkdirSync(d)
    exeSandbox = { cwd: dirs.cwd, env: { PATH: dirs.path, HOME: dirs.home } }
  }
  return { command: resolve(bin), args: [], ...exeSandbox }
}

/** Spawns `satchel ARGS` (see `satchelCommand`) without waiting for anything. */
export function spawnSatchel(
  args: readonly string[],
  env: { readonly [name: string]: string } = {},
): SpawnedProcess {
  const sc = satchelCommand()
  return spawnProcess(sc.command, [...sc.args, ...args], { ...sc.env, ...env }, sc.cwd)
}

/** Runs a `satchel` CLI command to completion (e.g. `superuser upsert`); returns its output. */
export function runSatchelCli(args: readonly string[], timeoutMs = 20_000): string {
  const sc = satchelCommand()
  return execFileSync(sc.command, [...sc.args, ...args], {
    cwd: sc.cwd,
    env: { ...process.env, ...sc.env },
    timeout: timeoutMs,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

/**
 * Path of the real PocketBase executable (the oracle), via `../shared/peers/get-pocketbase
 * .peers/pocketbase` run from the repo root (downloads it on first use).
 */
export function pocketBaseExecutable(): string {
  const local = join(REPO_ROOT, '.peers', 'pocketbase', 'usr', 'bin', 'base')
  if (existsSync(local)) return local
  const script = resolve(REPO_ROOT, '..', 'shared', 'peers', 'get-pocketbase')
  const out = execFileSync('bash', [script, '.peers/pocketbase'], {
    cwd: REPO_ROOT,
    timeout: 120_000,
    encoding: 'utf8',
  })
  const lines = out.trim().split('\n')
  return lines[lines.length - 1]!.trim()
}

/** Starts the real PocketBase: `base serve --http=127.0.0.1:PORT --dir=DIR`. */
export async function startPocketBase(
  dir: string,
  port?: number,
  extras: ServerExtras = {},
): Promise<ServerProcess> {
  const p = port ?? (await freePort())
  return spawnServer({
    command: pocketBaseExecutable(),
    args: ['serve', `--http=127.0.0.1:${p}`, `--dir=${dir}`, ...(extras.args ?? [])],
    port: p,
    dir,
    env: extras.env,
  })
}

/** Runs a PocketBase CLI command to completion (e.g. `superuser upsert`); returns its output. */
export function runPocketBaseCli(args: readonly string[], timeoutMs = 20_000): string {
  return execFileSync(pocketBaseExecutable(), [...args], {
    cwd: REPO_ROOT,
    timeout: timeoutMs,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}
