import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { ClientResponseError } from 'pocketbase'
import { afterAll, beforeEach, describe, expect, test } from 'vitest'
import { freshPostgresDatabase } from '../src/tests/postgres.ts'
import { cleanupAll, makeTempDir, REPO_ROOT, startSatchel } from '../src/tests/process.ts'
import { client, upsertSuperuser } from '../src/tests/sdk.ts'

// `satchel serve` with a `pb_hooks` folder beside the data dir: TypeScript and ES-module
// JavaScript hooks files loaded in name order, importing a local module, an npm package and
// `satchel` itself; a file that throws at load is reported with file:line while the rest serve.

const FILES: { [path: string]: string } = {
  'lib/slug.ts': `
export function slugify(text: string): string {
  return text.toLowerCase().trim().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')
}
`,
  '01_posts.pb.ts': `
import { z } from 'zod'
import { ApiError, type App, type RequestEvent, requireAuth } from 'satchel'
import { slugify } from './lib/slug.ts'

const Name = z.string().min(2)

export function hooks(app: App): void {
  app.onRecordCreate('posts').bind(async (e) => {
    e.record.set('slug', slugify(String(e.record.get('title'))))
    await e.next()
  })
  app.onServe.bind(async (e) => {
    e.router.get('/api/greet/{name}', (e: RequestEvent) => {
      const name = Name.safeParse(e.pathValue('name'))
      if (!name.success) throw new ApiError(400, 'the name is too short', { name: { code: 'too_short', message: 'Too short.' } })
      e.json(200, { hello: name.data, pid: process.pid })
    })
    e.router.group('/api/mine').bind(requireAuth('_superusers')).get('/posts', async (e) => {
      e.json(200, { count: app.findCollectionByNameOrId('posts').fields.length > 0, by: e.auth?.collection.name })
    })
    await e.next()
  })
}
`,
  '02_broken.pb.ts': `
export function hooks(): void {}
const settings: { [k: string]: string } = {}
throw new Error('broken on purpose: ' + Object.keys(settings).length)
`,
  '03_more.pb.js': `
export function hooks(app) {
  app.onServe.bind(async (e) => {
    e.router.post('/api/echo', async (e) => {
      const info = await e.requestInfo()
      e.json(200, { body: info.body })
    })
    await e.next()
  })
}
`,
  'not-a-hook.ts': `throw new Error('must not be loaded')`,
}

afterAll(cleanupAll)

/** A data dir with `pb_hooks` beside it, and `node_modules` where the hooks can find zod. */
function projectWithHooks(): string {
  const dir = makeTempDir('satchel-hooks-')
  const root = dirname(dir)
  for (const [path, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(root, 'pb_hooks', path)), { recursive: true })
    writeFileSync(join(root, 'pb_hooks', path), text)
  }
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'))
  upsertSuperuser('satchel', dir, 'admin@example.com', '1234567890')
  return dir
}

describe('satchel serve with pb_hooks (*.pb.ts, *.pb.js)', () => {
  // each test starts on a new data dir (on PostgreSQL, hooks-serve-postgres.test.ts: a new database)
  beforeEach(freshPostgresDatabase)
  test.each([1, 2])(
    'routes and record hooks from hooks files, with --workers=%i',
    async (workers) => {
      const dir = projectWithHooks()
      const server = await startSatchel(dir, undefined, { args: [`--workers=${workers}`] })
      try {
        // with workers, /api/health may answer before every worker is up: the banner comes
        // once all listen (each loaded the hooks before)
        const deadline = Date.now() + 20_000
        while (!server.output().includes('Server started') && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 50))
        }
        // the broken file is reported once, with its file:line, and the others still load
        const reported = server
          .output()
          .split('\n')
          .filter((l) => l.includes('Failed to load hooks file'))
        expect(reported).toHaveLength(1)
        expect(reported[0]).toContain(`${join(dirname(dir), 'pb_hooks', '02_broken.pb.ts')}:4`)
        expect(reported[0]).toContain('broken on purpose: 0')
        // pb_data/types.d.ts, for editor completion in pb_hooks
        const types = readFileSync(join(dir, 'types.d.ts'), 'utf8')
        expect(types).toContain('declare function onRecordCreate(')
        expect(types).toContain('declare var $app: PocketBaseApp')
        expect(server.output()).not.toContain('must not be loaded')

        const pb = client(server.url)
        await pb.collection('_superusers').authWithPassword('admin@example.com', '1234567890')
        await pb.collections.create({
          name: 'posts',
          type: 'base',
          createRule: '',
          fields: [
            { name: 'title', type: 'text' },
            { name: 'slug', type: 'text' },
          ],
        })
        // with workers, every process serves the routes (several requests reach both)
        const pids = new Set<number>()
        for (let i = 0; i < 6; i++) {
          const res = await pb.send<{ hello: string; pid: number }>('/api/greet/ann', {})
          expect(res.hello).toBe('ann')
          pids.add(res.pid)
        }
        expect(pids.size).toBeGreaterThanOrEqual(1)
        const short = await pb.send('/api/greet/a', {}).catch((e: unknown) => e)
        expect(short).toBeInstanceOf(ClientResponseError)
        expect((short as ClientResponseError).status).toBe(400)
        expect((short as ClientResponseError).response).toEqual({
          data: { name: { code: 'too_short', message: 'Too short.' } },
          message: 'The name is too short.',
          status: 400,
        })
        expect(await pb.send('/api/mine/posts', {})).toEqual({ count: true, by: '_superusers' })
        const guest = client(server.url)
        const denied = await guest.send('/api/mine/posts', {}).catch((e: unknown) => e)
        expect((denied as ClientResponseError).status).toBe(401)

        // the record hook, tagged with the collection, through the records API
        const post = await guest.collection('posts').create({ title: 'Hello Hooks World!' })
        expect(post.slug).toBe('hello-hooks-world')
        // the later .pb.js file loaded after the broken one
        expect(await guest.send('/api/echo', { method: 'POST', body: { a: 1 } })).toEqual({
          body: { a: 1 },
        })
      } finally {
        await server.stop()
      }
    },
    60_000,
  )

  test('--hooksWatch: a changed hooks file replaces the workers; every request is answered', async () => {
    const dir = makeTempDir('satchel-hooks-watch-')
    const hooksDir = join(dirname(dir), 'pb_hooks')
    const version = (v: string) => `
export function hooks(app) {
  app.onServe.bind(async (e) => {
    e.router.get('/api/version', (e) => e.string(200, '${v}'))
    await e.next()
  })
}
`
    mkdirSync(hooksDir)
    writeFileSync(join(hooksDir, 'version.pb.js'), version('v1'))
    const server = await startSatchel(dir, undefined, { args: ['--workers=2'] })
    try {
      const deadline = Date.now() + 20_000
      while (!server.output().includes('Server started') && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50))
      }
      const get = async () => {
        let res: Response
        try {
          res = await fetch(`${server.url}/api/version`)
        } catch (err) {
          // NOTE: HTTP/1.1 has no way to announce a closing keep-alive connection: a GET sent on
          // an idle connection just as its stopping worker closes it is reset before any answer,
          // and clients retry such idempotent requests once on a new connection (RFC 9110
          // §9.2.2; browsers do). Only a reset or closed socket counts (Node's and undici's codes); any HTTP answer is checked as it is.
          const code = (err as { cause?: { code?: string } }).cause?.code ?? ''
          if (!['ECONNRESET', 'UND_ERR_SOCKET'].includes(code)) throw err
          res = await fetch(`${server.url}/api/version`)
        }
        return `${res.status} ${await res.text()}`
      }
      expect(await get()).toBe('200 v1')
      writeFileSync(join(hooksDir, 'version.pb.js'), version('v2'))
      const seen = new Set<string>()
      const until = Date.now() + 30_000
      while (Date.now() < until) {
        const got = await get()
        seen.add(got)
        if (got === '200 v2') break
        await new Promise((r) => setTimeout(r, 20))
      }
      // the requests made during the reload got v1 or v2, never an error
      expect([...seen].sort()).toEqual(['200 v1', '200 v2'])
      expect(server.output()).toContain('Hooks changed: reloading the workers.')
      // once the reload is over, every worker answers v2 (new connections each time)
      const settle = Date.now() + 30_000
      while (!server.output().includes('Hooks reloaded.') && Date.now() < settle) {
        expect((await get()).startsWith('200 ')).toBe(true)
        await new Promise((r) => setTimeout(r, 20))
      }
      for (let i = 0; i < 6; i++) expect(await get()).toBe('200 v2')
    } finally {
      await server.stop()
    }
  }, 60_000)
})
