import { execFileSync } from 'node:child_process'
import { chownSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll } from 'vitest'
import { freePort, makeTempDir, type SpawnedProcess, spawnProcess } from './process.ts'

/** A throwaway PostgreSQL cluster on loopback for tests (password auth, user `satchel`). */
export interface TestPostgres {
  /** The server's major version (e.g. 15). */
  readonly version: number
  /** `postgres://satchel:satchel@127.0.0.1:<port>/postgres` (the maintenance database). */
  readonly adminUrl: string
  /** Creates a new empty database and returns its URL (`…/satchel_<n>`). */
  createDatabase(): Promise<string>
  /** Stops the server (fast shutdown) and removes its folder. */
  close(): Promise<void>
}

const USER = 'satchel'
const PASSWORD = 'satchel'

/**
 * The folder with PostgreSQL's server binaries (`initdb`, `postgres`, `pg_ctl`): Debian's
 * `/usr/lib/postgresql/<major>/bin` (the highest version). Throws, saying how to install them,
 * when there is none, so a test that needs PostgreSQL fails instead of passing unrun.
 */
export function postgresBinDir(): string {
  const base = '/usr/lib/postgresql'
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : []
  if (versions.length === 0) {
    throw new Error(
      'PostgreSQL is not installed (no /usr/lib/postgresql/<version>/bin/initdb): ' +
        'run `apt-get install -y postgresql` (.ci/run does).',
    )
  }
  return join(base, versions[0]!, 'bin')
}

/**
 * Runs `bin args` as the unprivileged `postgres` user when this process is root (PostgreSQL
 * refuses to run as root), else as the current user.
 */
function asPostgresUser(bin: string, args: readonly string[]): [string, string[]] {
  return process.getuid?.() === 0
    ? ['runuser', ['-u', 'postgres', '--', bin, ...args]]
    : [bin, [...args]]
}

/**
 * Creates a cluster with `initdb` in a new temp folder (UTF-8, C collation so text sorts by
 * bytes like SQLite's BINARY, no fsync) and starts `postgres` on 127.0.0.1 and a free port,
 * without a Unix socket. The process and folder are registered with `process.ts`'s cleanup, so
 * they go away even when the test process dies; call `close()` for an orderly stop.
 */
export async function startPostgres(): Promise<TestPostgres> {
  const bin = postgresBinDir()
  const root = dirname(makeTempDir('satchel-pg-'))
  const data = join(root, 'cluster')
  const pwfile = join(root, 'pw')
  writeFileSync(pwfile, `${PASSWORD}\n`)
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim())
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim())
    chownSync(root, uid, gid)
    chownSync(pwfile, uid, gid)
  }
  const [initCmd, initArgs] = asPostgresUser(join(bin, 'initdb'), [
    `--pgdata=${data}`,
    `--username=${USER}`,
    `--pwfile=${pwfile}`,
    '--auth=scram-sha-256',
    '--encoding=UTF8',
    '--locale=C',
    '--no-sync',
  ])
  execFileSync(initCmd, initArgs, { cwd: root, stdio: 'pipe', timeout: 60_000 })
  const port = await freePort()
  const [cmd, args] = asPostgresUser(join(bin, 'postgres'), [
    '-D',
    data,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
    '-c',
    'shared_buffers=32MB',
    '-c',
    'max_connections=200',
  ])
  const proc = spawnProcess(cmd, args, {}, root)
  await waitReady(proc)
  // postmaster.pid: line 1 the pid, line 7 the System V shared memory key and id
  const pidLines = readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')
  const postmasterPid = Number(pidLines[0])
  const shmId = pidLines[6]?.trim().split(/\s+/)[1]
  const adminUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`
  const version = Number(/\/(\d+)\/bin$/.exec(bin)?.[1] ?? 0)
  let n = 0
  return {
    version,
    adminUrl,
    async createDatabase() {
      const name = `satchel_${++n}`
      const client = new pg.Client({ connectionString: adminUrl })
      await client.connect()
      try {
        await client.query(`CREATE DATABASE ${name}`)
      } finally {
        await client.end()
      }
      return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${name}`
    },
    async close() {
      if (!proc.hasExited()) {
        // SIGINT to the postmaster itself (not to `runuser`, which would turn it into a
        // SIGTERM, the "smart" shutdown that waits for clients) is PostgreSQL's fast shutdown:
        // it ends the sessions and exits cleanly. SIGKILL after 10 s.
        try {
          process.kill(postmasterPid, 'SIGINT')
        } catch {
          // already gone
        }
        const timer = setTimeout(() => void proc.stop('SIGKILL'), 10_000)
        await proc.exited
        clearTimeout(timer)
      }
      // NOTE: a postmaster killed by `cleanupAll()` leaves its small System V segment behind
      // (an orderly shutdown removed it already, and then this fails harmlessly).
      if (shmId !== undefined && /^\d+$/.test(shmId)) {
        try {
          execFileSync('ipcrm', ['-m', shmId], { stdio: 'ignore' })
        } catch {
          // already removed
        }
      }
      rmSync(root, { recursive: true, force: true })
    },
  }
}

/** Waits (bounded, 30 s) for the server's "ready to accept connections" log line. */
async function waitReady(proc: SpawnedProcess): Promise<void> {
  const ready = /database system is ready to accept connections/
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup()
      reject(new Error(`PostgreSQL did not start in 30 s:\n${proc.output()}`))
    }, 30_000)
    const check = () => {
      if (!ready.test(proc.output())) return
      cleanup()
      resolve()
    }
    const exited = () => {
      cleanup()
      reject(new Error(`PostgreSQL exited before becoming ready:\n${proc.output()}`))
    }
    const cleanup = () => {
      clearTimeout(timer)
      proc.child.stdout?.off('data', check)
      proc.child.stderr?.off('data', check)
      proc.child.off('exit', exited)
    }
    proc.child.stdout?.on('data', check)
    proc.child.stderr?.on('data', check)
    proc.child.once('exit', exited)
    check()
  })
}

let onPostgres = false
let twoNodes = false
let shared: TestPostgres | undefined

/** True in a test file that called {@link usePostgresForSatchel} (suites leave out SQLite-only cases). */
export function satchelUsesPostgres(): boolean {
  return onPostgres
}

/**
 * Makes every Satchel process the calling test file starts (servers and CLI commands, which
 * inherit the environment) keep its data in one fresh PostgreSQL database: registers a
 * `beforeAll` that starts a cluster, creates the database and sets `SATCHEL_DB_URL`, and an
 * `afterAll` that unsets it and stops the cluster. Call it at the top of a file, before
 * importing a suite written for SQLite, to run that suite on PostgreSQL unchanged.
 */
export function usePostgresForSatchel(): void {
  onPostgres = true
  beforeAll(async () => {
    shared = await startPostgres()
    process.env.SATCHEL_DB_URL = await shared.createDatabase()
  }, 60_000)
  afterAll(async () => {
    delete process.env.SATCHEL_DB_URL
    await shared?.close()
    shared = undefined
  })
}

/**
 * After {@link usePostgresForSatchel}: a suite that supports it (e2e-sdk) starts a second
 * Satchel node on the same database and data dir (files stay local: one machine) and sends
 * its signed-in users' and guests' requests there, while the superuser talks to the first.
 */
export function useTwoSatchelNodes(): void {
  twoNodes = true
}

/** True in a file that called {@link useTwoSatchelNodes}. */
export function satchelOnTwoNodes(): boolean {
  return twoNodes
}

/**
 * In a file that called {@link usePostgresForSatchel}, points `SATCHEL_DB_URL` at a new empty
 * database, so the next Satchel started gets a fresh app, as it would on a new data dir (for
 * suites whose tests each start their own server); does nothing on SQLite.
 */
export async function freshPostgresDatabase(): Promise<void> {
  if (shared !== undefined) process.env.SATCHEL_DB_URL = await shared.createDatabase()
}
