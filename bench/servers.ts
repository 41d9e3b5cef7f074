/**
 * Starting and stopping the servers for --compare: each gets a fresh temp dir, a superuser made
 * through its own CLI and a free loopback port. Every started server registers a cleanup, so
 * `stopAll()` (run on success, error and SIGINT) leaves no process or temp dir behind.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { openSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** How to launch one server: an executable with leading args, plus extra `serve` flags. */
export interface ServerSpec {
  label: string
  cmd: string[]
  serveArgs: string[]
  /** Raise `serve`'s scheduling priority by this much (via nice(1), needs privilege; 0 = off). */
  priority?: number
}

/** A started server. */
export interface RunningServer {
  label: string
  url: string
  port: number
  pid: number
  /** The server's `pb_data` folder. */
  dataDir: string
  stop(): Promise<void>
}

const cleanups = new Set<() => Promise<void>>()

/** Stops every server started by this process and removes their temp dirs. */
export async function stopAll(): Promise<void> {
  await Promise.allSettled([...cleanups].map((fn) => fn()))
}

/** Runs `../shared/peers/get-pocketbase` and returns the path of the PocketBase executable. */
export async function resolvePocketBase(repoRoot: string): Promise<string> {
  const script = resolve(repoRoot, '../shared/peers/get-pocketbase')
  const { stdout } = await run(script, [join(repoRoot, '.peers/pocketbase')], { timeout: 300_000 })
  const path = stdout.trim().split('\n').at(-1)
  if (!path) throw new Error(`${script} printed no path`)
  return path
}

/** Finds a free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      srv.close(() => (typeof addr === 'object' && addr ? resolvePort(addr.port) : reject()))
    })
  })
}

/** Creates a temp data dir, upserts the superuser via the CLI, starts `serve` and waits for health. */
export async function startServer(
  spec: ServerSpec,
  email: string,
  password: string,
): Promise<RunningServer> {
  const root = await mkdtemp(join(tmpdir(), `satchel-bench-${spec.label.toLowerCase()}-`))
  let child: ChildProcess | undefined
  let stopped = false
  const stop = async (): Promise<void> => {
    stopped = true
    cleanups.delete(stop)
    if (child) await killChild(child)
    await rm(root, { recursive: true, force: true })
  }
  cleanups.add(stop)

  const dataDir = join(root, 'pb_data')
  const [bin, ...pre] = spec.cmd as [string, ...string[]]
  try {
    await run(bin, [...pre, 'superuser', 'upsert', email, password, `--dir=${dataDir}`], {
      cwd: root,
      timeout: 60_000,
    })
  } catch (err) {
    await stop()
    throw new Error(`${spec.label}: superuser upsert failed: ${(err as Error).message}`)
  }

  const port = await freePort()
  if (stopped) throw new Error(`${spec.label}: stopped before it started`)
  const logPath = join(root, 'server.log')
  const log = openSync(logPath, 'a')
  const args = [...pre, 'serve', `--http=127.0.0.1:${port}`, `--dir=${dataDir}`, ...spec.serveArgs]
  // nice(1) execs the server, so the pid stays the server's and all its threads inherit the priority.
  const [exe, argv] = spec.priority
    ? ['nice', ['-n', String(-spec.priority), bin, ...args]]
    : [bin, args]
  child = spawn(exe, argv, { cwd: root, stdio: ['ignore', log, log] })
  const url = `http://127.0.0.1:${port}`
  try {
    await waitHealthy(url, child, 30_000)
  } catch (err) {
    const tail = readFileSync(logPath, 'utf8').split('\n').slice(-15).join('\n')
    await stop()
    throw new Error(`${spec.label}: ${(err as Error).message}\n--- server log tail ---\n${tail}`)
  }
  return { label: spec.label, url, port, pid: child.pid!, dataDir, stop }
}

async function waitHealthy(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`server exited early (${child.exitCode ?? child.signalCode})`)
    }
    try {
      const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(1000) })
      if (res.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`not healthy after ${timeoutMs} ms`)
}

async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
  await exited
  clearTimeout(timer)
}
