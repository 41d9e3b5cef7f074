/**
 * `npx node bench/backup.ts [--mb=1024] [--files=0.4]` — backup and restore time of one large
 * pb_data, PocketBase and Satchel in the same run.
 *
 * Builds one pb_data with PocketBase (a `big` collection; `--mb` MiB in all, `--files` of it as
 * incompressible storage files, the rest as text rows in data.db), copies it for Satchel, then
 * on each server in turn: `POST /api/backups` (both answer once the zip is stored) and
 * `POST /api/backups/{key}/restore` until the restored settings are served again. Prints seconds
 * per server and step, the zip sizes, and Satchel's own progress log lines (where its time
 * goes). Every server is stopped and the temp dir removed at the end, also on failure.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { cpSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { type Api, call } from './api.ts'
import { processCpuMs } from './cpu.ts'
import { freePort, resolvePocketBase } from './servers.ts'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const EMAIL = 'bench@example.com'
const PASSWORD = 'bench-backup-123'
/** Longest wait for one backup or restore, in ms. */
const STEP_LIMIT_MS = 15 * 60_000

const { values } = parseArgs({
  options: { mb: { type: 'string', default: '1024' }, files: { type: 'string', default: '0.4' } },
})
const totalBytes = Number(values.mb) * 1024 * 1024
const fileShare = Math.min(1, Math.max(0, Number(values.files)))

interface LogLine {
  created: string
  message: string
  data: unknown
}

interface Server {
  api: Api
  child: ChildProcess
  logFile: string
}

const children = new Set<ChildProcess>()
const log = (msg: string): void => console.error(`[backup-bench] ${msg}`)

async function start(cmd: string[], dataDir: string, logFile: string): Promise<Server> {
  const port = await freePort()
  const [bin, ...pre] = cmd as [string, ...string[]]
  const out = openSync(logFile, 'a')
  const child = spawn(
    bin,
    [...pre, 'serve', `--http=127.0.0.1:${port}`, `--dir=${dataDir}`, '--dev=false'],
    { stdio: ['ignore', out, out] },
  )
  children.add(child)
  const api: Api = { baseUrl: `http://127.0.0.1:${port}` }
  await waitFor(async () => (await fetch(`${api.baseUrl}/api/health`)).ok, 60_000)
  const auth = await call<{ token: string }>(
    api,
    'POST',
    '/api/collections/_superusers/auth-with-password',
    { identity: EMAIL, password: PASSWORD },
  )
  api.token = auth.token
  return { api, child, logFile }
}

async function stop(s: Server): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return
  const exited = new Promise<void>((r) => s.child.once('exit', () => r()))
  s.child.kill('SIGTERM')
  const timer = setTimeout(() => s.child.kill('SIGKILL'), 10_000)
  await exited
  clearTimeout(timer)
  children.delete(s.child)
}

async function waitFor(ok: () => Promise<boolean>, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs
  for (;;) {
    try {
      if (await ok()) return
    } catch {
      // not up (yet)
    }
    if (Date.now() > deadline) throw new Error(`not reached in ${limitMs} ms`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

/** Fills `big` in data.db with text rows and storage with random files, up to `totalBytes`. */
function fill(dataDir: string, collectionId: string): void {
  const Database = createRequire(join(ROOT, 'package.json'))('better-sqlite3')
  const db = new Database(join(dataDir, 'data.db'))
  const rowBytes = 4096
  const rows = Math.floor((totalBytes * (1 - fileShare)) / rowBytes)
  const words =
    'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor'.split(' ')
  const insert = db.prepare('INSERT INTO `big` (`id`, `body`) VALUES (?, ?)')
  db.exec('BEGIN')
  for (let i = 0; i < rows; i++) {
    let body = ''
    while (body.length < rowBytes) body += `${words[(i * 7 + body.length) % words.length]} ${i} `
    insert.run(`r${String(i).padStart(14, '0')}`, body)
  }
  db.exec('COMMIT')
  db.pragma('wal_checkpoint(TRUNCATE)')
  db.close()
  const fileBytes = totalBytes * fileShare
  const fileSize = 4 * 1024 * 1024
  for (let i = 0; i * fileSize < fileBytes; i++) {
    const dir = join(dataDir, 'storage', collectionId, `r${String(i).padStart(14, '0')}`)
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, `photo_${i}.jpg`), randomBytes(fileSize))
  }
}

function duSize(path: string): string {
  return execFileSync('du', ['-sh', path], { encoding: 'utf8' }).split('\t')[0]!
}

/**
 * One backup and one restore on `s`: seconds of each, the server's CPU seconds of the backup
 * (of a restore they cannot be compared: Satchel's workers that did the work have exited), the
 * zip size.
 */
async function measure(
  label: string,
  s: Server,
  withLogs = false,
): Promise<{
  backup: number
  backupCpu: number
  restore: number
  answered: number
  zip: number
  logs: LogLine[]
}> {
  const name = `bench_${label.toLowerCase()}.zip`
  const cpu = () => processCpuMs(s.child.pid) ?? 0
  const c = cpu()
  let t = performance.now()
  await call(s.api, 'POST', '/api/backups', { name })
  const backup = (performance.now() - t) / 1000
  const backupCpu = (cpu() - c) / 1000
  const list = await call<{ key: string; size: number }[]>(s.api, 'GET', '/api/backups')
  const zip = list.find((b) => b.key === name)?.size ?? 0
  log(
    `${label}: backup ${backup.toFixed(1)} s (CPU ${backupCpu.toFixed(1)} s), ${(zip / 1024 / 1024).toFixed(0)} MiB`,
  )
  const logs: LogLine[] = []
  if (withLogs) {
    // Satchel's own progress lines (written within 3 s): where the time went
    const filter = encodeURIComponent("message ~ 'Backup'")
    await waitFor(async () => {
      const page = await call<{ items: LogLine[] }>(
        s.api,
        'GET',
        `/api/logs?perPage=200&sort=created&filter=${filter}`,
      )
      logs.splice(0, logs.length, ...page.items)
      return page.items.some((l) => l.message === 'Backup created')
    }, 30_000)
  }
  // the restored settings say "before", which is how the end of the restore is seen
  await call(s.api, 'PATCH', '/api/settings', { meta: { appName: 'after' } })
  t = performance.now()
  await call(s.api, 'POST', `/api/backups/${name}/restore`)
  const answered = (performance.now() - t) / 1000
  await waitFor(async () => {
    const st = await call<{ meta: { appName: string } }>(s.api, 'GET', '/api/settings')
    return st.meta.appName === 'before'
  }, STEP_LIMIT_MS)
  const restore = (performance.now() - t) / 1000
  log(`${label}: restore ${restore.toFixed(1)} s (answered after ${answered.toFixed(1)} s)`)
  return { backup, backupCpu, restore, answered, zip, logs }
}

const root = await mkdtemp(join(tmpdir(), 'satchel-bench-backup-'))
try {
  const pocketbase = await resolvePocketBase(ROOT)
  const satchel = [process.execPath, join(ROOT, 'bin', 'satchel.js')]
  const pbData = join(root, 'pb', 'pb_data')
  execFileSync(pocketbase, ['superuser', 'upsert', EMAIL, PASSWORD, `--dir=${pbData}`])
  let pb = await start([pocketbase], pbData, join(root, 'pb.log'))
  await call(pb.api, 'PATCH', '/api/settings', { meta: { appName: 'before' } })
  const col = await call<{ id: string }>(pb.api, 'POST', '/api/collections', {
    name: 'big',
    type: 'base',
    fields: [{ name: 'body', type: 'text', max: 100000 }],
  })
  await stop(pb)
  const t = performance.now()
  fill(pbData, col.id)
  log(`pb_data ${duSize(pbData)} built in ${((performance.now() - t) / 1000).toFixed(0)} s`)
  const satData = join(root, 'sat', 'pb_data')
  cpSync(pbData, satData, { recursive: true })

  pb = await start([pocketbase], pbData, join(root, 'pb.log'))
  const pbTimes = await measure('PocketBase', pb)
  await stop(pb)
  rmSync(join(pbData, 'backups'), { recursive: true, force: true })
  const sat = await start(satchel, satData, join(root, 'sat.log'))
  const satTimes = await measure('Satchel', sat, true)
  const logs = satTimes.logs
  await stop(sat)
  console.log(
    `\npb_data ${(totalBytes / 1024 / 1024).toFixed(0)} MiB (${fileShare * 100}% storage files)`,
  )
  console.log('server      backup s  (CPU s)  restore s  (answered)  zip MiB')
  for (const [label, r] of [
    ['PocketBase', pbTimes],
    ['Satchel', satTimes],
  ] as const) {
    console.log(
      `${label.padEnd(10)}  ${r.backup.toFixed(1).padStart(8)}  ${r.backupCpu.toFixed(1).padStart(7)}  ${r.restore.toFixed(1).padStart(9)}  ${r.answered.toFixed(1).padStart(10)}  ${(r.zip / 1024 / 1024).toFixed(0).padStart(7)}`,
    )
  }
  console.log(
    `Satchel ÷ PocketBase: backup ${(satTimes.backup / pbTimes.backup).toFixed(2)}× (CPU ${(satTimes.backupCpu / pbTimes.backupCpu).toFixed(2)}×), restore ${(satTimes.restore / pbTimes.restore).toFixed(2)}×`,
  )
  console.log('\nSatchel log lines of the backup:')
  for (const l of logs) console.log(`  ${l.created}  ${l.message}  ${JSON.stringify(l.data)}`)
} finally {
  for (const c of children) c.kill('SIGKILL')
  rmSync(root, { recursive: true, force: true })
}
