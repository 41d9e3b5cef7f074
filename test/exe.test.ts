// The single `satchel` executable (`npm run build:exe`): started the way a machine without Node
// would (empty folder, no `node` on PATH, fresh HOME — see `satchelCommand`), it extracts its
// native addons safely when two processes start at once, forks `serve --workers` processes that
// re-enter the executable, makes thumbs through the sharp/libvips it carries and serves the
// dashboard (ui/dist) it embeds.
// Uses the executable named by SATCHEL_E2E_BIN, else builds it into dist/exe (skipped when the
// inputs are unchanged).
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { VERSION } from '../src/pocketbase.ts'
import { ensureDashboardBuilt } from '../src/tests/browser.ts'
import {
  cleanupAll,
  makeTempDir,
  nodeExecutable,
  REPO_ROOT,
  satchelCommand,
  spawnSatchel,
  startSatchel,
} from '../src/tests/process.ts'
import { client } from '../src/tests/sdk.ts'

const SU_EMAIL = 'root@example.com'
const SU_PASS = 'root-pass-123'
const previousBin = process.env.SATCHEL_E2E_BIN

beforeAll(() => {
  ensureDashboardBuilt()
  if (!previousBin) {
    execFileSync(nodeExecutable(), ['scripts/build-exe.ts'], {
      cwd: REPO_ROOT,
      stdio: 'pipe',
      timeout: 120_000,
    })
    process.env.SATCHEL_E2E_BIN = join(REPO_ROOT, 'dist', 'exe', 'satchel')
  }
}, 150_000)

afterAll(() => {
  if (previousBin === undefined) delete process.env.SATCHEL_E2E_BIN
  cleanupAll()
})

/** Every file below `dir`, relative, sorted. */
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort()
}

/** The pids of `pid`'s child processes (Linux `/proc`). */
function childPids(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`)
    .flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean),
    )
    .map(Number)
}

describe('the single executable', () => {
  test('two processes starting at once extract the addons into a fresh cache', async () => {
    const { env, command } = satchelCommand()
    const cache = join(env.HOME!, '.cache', 'satchel')
    expect(existsSync(cache)).toBe(false)
    const runs = [makeTempDir(), makeTempDir()].map((dir) =>
      spawnSatchel(['superuser', 'upsert', SU_EMAIL, SU_PASS, `--dir=${dir}`]),
    )
    const codes = await Promise.all(runs.map((r) => r.exited))
    expect(codes, runs.map((r) => r.output()).join('\n')).toEqual([0, 0])
    for (const r of runs) expect(r.output()).toContain(`Successfully saved superuser "${SU_EMAIL}"`)
    // one folder per build; the addons the command used, whole; no temp file left
    const [build, ...others] = readdirSync(cache)
    expect(others).toEqual([])
    const extracted = files(join(cache, build!))
    expect(extracted).toEqual([
      'node_modules/@node-rs/bcrypt-linux-x64-gnu/bcrypt.linux-x64-gnu.node',
      'node_modules/better-sqlite3/prebuilds/linux-x64.node',
    ])
    for (const f of extracted) {
      const original = join(REPO_ROOT, f)
      expect(statSync(join(cache, build!, f)).size).toBe(statSync(original).size)
    }
    expect(execFileSync(command, ['--version'], { env, encoding: 'utf8' })).toContain(VERSION)
  })

  test('serve --workers=2: workers re-enter the executable, thumbs use its libvips, /_/ its ui/dist', async () => {
    const server = await startSatchel(makeTempDir(), undefined, { args: ['--workers=2'] })
    // /api/health answers once one worker listens; the primary prints once both do
    await expect.poll(() => server.output(), { timeout: 10_000 }).toContain('Server started at')
    expect(server.output().match(/Server started at/g)).toHaveLength(1)
    const { command } = satchelCommand()
    const workers = childPids(server.child.pid!)
    expect(workers).toHaveLength(2)
    for (const pid of workers) {
      expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]).toBe(command)
    }

    await spawnSatchel(['superuser', 'upsert', SU_EMAIL, SU_PASS, `--dir=${server.dir}`]).exited
    const su = client(server.url)
    await su.collection('_superusers').authWithPassword(SU_EMAIL, SU_PASS)
    await su.collections.create({
      name: 'pics',
      type: 'base',
      viewRule: '',
      fields: [{ name: 'img', type: 'file', maxSelect: 1, thumbs: ['8x6'] }],
    })
    const png = await sharp({
      create: { width: 40, height: 30, channels: 3, background: { r: 9, g: 99, b: 199 } },
    })
      .png()
      .toBuffer()
    const form = new FormData()
    form.append('img', new Blob([new Uint8Array(png)]), 'pic.png')
    const rec = await su.collection('pics').create(form)
    const res = await fetch(su.files.getURL(rec, rec.img, { thumb: '8x6' }))
    expect(res.status).toBe(200)
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata()
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 8, 6])

    const page = await fetch(`${server.url}/_/`)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    expect(await page.text()).toBe(
      readFileSync(join(REPO_ROOT, 'ui', 'dist', 'index.html'), 'utf8'),
    )

    expect(await server.stop('SIGTERM')).toBe(0)
  })
})
