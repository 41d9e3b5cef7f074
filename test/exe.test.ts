// The single `satchel` executable (`npm run build:exe`): started the way a machine without Node
// would (empty folder, no `node` on PATH, fresh HOME — see `satchelCommand`), it extracts its
// native addons safely when two processes start at once, forks `serve --workers` processes that
// re-enter the executable, makes thumbs through the sharp/libvips it carries, serves the
// dashboard (ui/dist) it embeds, and runs PocketBase's pb_migrations/*.js and pb_hooks/*.pb.js on
// the JSVM worker threads whose code it embeds.
// Uses the executable named by SATCHEL_E2E_BIN, else builds it into dist/exe (skipped when the
// inputs are unchanged).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { VERSION } from '../src/pocketbase.ts'
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
import { expectThumbnail } from '../src/tests/thumbnail.ts'

const SU_EMAIL = 'root@example.com'
const SU_PASS = 'root-pass-123'
const previousBin = process.env.SATCHEL_E2E_BIN

beforeAll(() => {
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
    await expectThumbnail(su)

    const page = await fetch(`${server.url}/_/`)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    expect(await page.text()).toBe(
      readFileSync(join(REPO_ROOT, 'ui', 'dist', 'index.html'), 'utf8'),
    )

    expect(await server.stop('SIGTERM')).toBe(0)
  })

  test('pb_migrations/*.js apply and pb_hooks/*.pb.js serve routes and fire hooks', async () => {
    const dir = makeTempDir()
    const app = dirname(dir)
    mkdirSync(join(app, 'pb_migrations'))
    mkdirSync(join(app, 'pb_hooks'))
    writeFileSync(
      join(app, 'pb_migrations', '1700000000_create_notes.js'),
      `migrate((app) => {
  const notes = new Collection({
    name: "notes",
    type: "base",
    listRule: "",
    createRule: "",
    fields: [{ name: "text", type: "text" }, { name: "by", type: "text" }],
  })
  app.save(notes)
  const seed = new Record(notes)
  seed.set("text", "seeded")
  app.save(seed)
}, (app) => {
  app.delete(app.findCollectionByNameOrId("notes"))
})
`,
    )
    writeFileSync(
      join(app, 'pb_hooks', 'util.js'),
      'module.exports = { shout: (s) => s.toUpperCase() }\n',
    )
    writeFileSync(
      join(app, 'pb_hooks', 'x.pb.js'),
      `routerAdd("GET", "/api/exe/hello/{name}", (e) => {
  const { shout } = require(\`\${__hooks}/util.js\`)
  const notes = $app.findRecordsByFilter("notes", "text != ''", "text", 10, 0)
  return e.json(200, { hi: shout(e.request.pathValue("name")), notes: notes.map((n) => n.getString("text")) })
})
routerAdd("POST", "/api/exe/check", (e) => {
  const body = e.requestInfo().body
  const user = $app.findAuthRecordByEmail("users", body.email)
  if (!user.validatePassword(body.password)) throw new BadRequestError("Wrong password.")
  return e.json(200, { ok: true })
})
onRecordCreateRequest((e) => {
  e.record.set("by", "hook")
  e.next()
}, "notes")
`,
    )
    const server = await startSatchel(dir)
    const res = await fetch(`${server.url}/api/exe/hello/ann`)
    expect([res.status, await res.json()]).toEqual([200, { hi: 'ANN', notes: ['seeded'] }])

    const pb = client(server.url)
    const created = await pb.collection('notes').create({ text: 'posted' })
    expect([created.text, created.by]).toEqual(['posted', 'hook'])
    const list = await pb.collection('notes').getFullList({ sort: 'text' })
    expect(list.map((n) => [n.text, n.by])).toEqual([
      ['posted', 'hook'],
      ['seeded', ''],
    ])

    // the worker thread loads the bcrypt addon the executable carries
    await pb.collection('users').create({
      email: 'u@example.com',
      password: SU_PASS,
      passwordConfirm: SU_PASS,
    })
    const check = (password: string) =>
      fetch(`${server.url}/api/exe/check`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'u@example.com', password }),
      }).then(async (r) => [r.status, await r.json()])
    expect(await check(SU_PASS)).toEqual([200, { ok: true }])
    expect(await check('wrong')).toEqual([
      400,
      { data: {}, message: 'Wrong password.', status: 400 },
    ])

    expect(await server.stop('SIGTERM')).toBe(0)
    // recorded as applied: a second start does not run it again (one seeded row)
    const again = await startSatchel(dir)
    const rows = await client(again.url).collection('notes').getFullList()
    expect(rows.map((n) => n.text).sort()).toEqual(['posted', 'seeded'])
    expect(await again.stop('SIGTERM')).toBe(0)
  })
})
