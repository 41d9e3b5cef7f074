import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import {
  cleanupAll,
  makeTempDir,
  type ServerProcess,
  startPocketBase,
  startSatchel,
} from '../src/tests/process.ts'

// The same custom routes written as a PocketBase 0.40.4 pb_hooks file (goja globals) and as a
// Satchel TypeScript hooks file answer the same requests alike: statuses, bodies, the error
// shape, content types, redirects and the require*/bodyLimit middlewares; and the PocketBase
// file itself runs on Satchel's JSVM with the same answers.

const PB_JS = `
routerAdd("GET", "/api/c/hello/{name}", (e) => e.json(200, { hello: e.request.pathValue("name") }))
routerAdd("GET", "/api/c/page", (e) => e.html(200, "<p>hi</p>"))
routerAdd("GET", "/api/c/text", (e) => e.string(201, "plain"))
routerAdd("GET", "/api/c/go", (e) => e.redirect(307, "/api/c/page"))
routerAdd("DELETE", "/api/c/thing/{id}", (e) => e.noContent(204))
routerAdd("GET", "/api/c/tea", (e) => { throw new ApiError(418, "short and stout") })
routerAdd("GET", "/api/c/bad", (e) => { throw new BadRequestError("no good") })
routerAdd("GET", "/api/c/missing", (e) => { throw new NotFoundError("") })
routerAdd("GET", "/api/c/crash", (e) => { throw new Error("secret detail") })
routerAdd("GET", "/api/c/auth", (e) => e.json(200, { ok: true }), $apis.requireAuth())
routerAdd("GET", "/api/c/users", (e) => e.json(200, { ok: true }), $apis.requireAuth("users"))
routerAdd("GET", "/api/c/su", (e) => e.json(200, { ok: true }), $apis.requireSuperuserAuth())
routerAdd("GET", "/api/c/guest", (e) => e.json(200, { ok: true }), $apis.requireGuestOnly())
routerAdd("POST", "/api/c/small", (e) => e.noContent(204), $apis.bodyLimit(10))
routerAdd("POST", "/api/c/echo", (e) => {
  const info = e.requestInfo()
  return e.json(200, { body: info.body, q: info.query["q"] || "" })
})
`

const SATCHEL_TS = `
import { ApiError, type App, badRequestError, bodyLimit, notFoundError, requireAuth, requireGuestOnly, requireSuperuserAuth } from 'satchel'

export function hooks(app: App): void {
  app.onServe.bind(async (se) => {
    const r = se.router
    r.get('/api/c/hello/{name}', (e) => e.json(200, { hello: e.pathValue('name') }))
    r.get('/api/c/page', (e) => e.html(200, '<p>hi</p>'))
    r.get('/api/c/text', (e) => e.string(201, 'plain'))
    r.get('/api/c/go', (e) => e.redirect(307, '/api/c/page'))
    r.delete('/api/c/thing/{id}', (e) => e.noContent(204))
    r.get('/api/c/tea', () => { throw new ApiError(418, 'short and stout') })
    r.get('/api/c/bad', () => { throw badRequestError('no good') })
    r.get('/api/c/missing', () => { throw notFoundError('') })
    r.get('/api/c/crash', () => { throw new Error('secret detail') })
    r.get('/api/c/auth', (e) => e.json(200, { ok: true })).bind(requireAuth())
    r.get('/api/c/users', (e) => e.json(200, { ok: true })).bind(requireAuth('users'))
    r.get('/api/c/su', (e) => e.json(200, { ok: true })).bind(requireSuperuserAuth())
    r.get('/api/c/guest', (e) => e.json(200, { ok: true })).bind(requireGuestOnly())
    r.post('/api/c/small', (e) => e.noContent(204)).bind(bodyLimit(10))
    r.post('/api/c/echo', async (e) => {
      const info = await e.requestInfo()
      e.json(200, { body: info.body, q: info.query.q ?? '' })
    })
    await se.next()
  })
}
`

const REQUESTS: [string, string, { body?: string; user?: boolean }?][] = [
  ['GET', '/api/c/hello/ann'],
  ['GET', '/api/c/page'],
  ['GET', '/api/c/text'],
  ['GET', '/api/c/go'],
  ['DELETE', '/api/c/thing/1'],
  ['GET', '/api/c/tea'],
  ['GET', '/api/c/bad'],
  ['GET', '/api/c/missing'],
  ['GET', '/api/c/crash'],
  ['GET', '/api/c/auth'],
  ['GET', '/api/c/auth', { user: true }],
  ['GET', '/api/c/users', { user: true }],
  ['GET', '/api/c/su'],
  ['GET', '/api/c/su', { user: true }],
  ['GET', '/api/c/guest'],
  ['GET', '/api/c/guest', { user: true }],
  ['POST', '/api/c/small', { body: 'x'.repeat(11) }],
  ['POST', '/api/c/small', { body: 'x'.repeat(10) }],
  ['POST', '/api/c/echo?q=1', { body: '{"a":1,"b":[true]}' }],
]

afterAll(cleanupAll)

async function answers(server: ServerProcess): Promise<unknown[]> {
  const post = (path: string, body: object) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  const cred = { email: 'u@example.com', password: '1234567890' }
  await post('/api/collections/users/records', { ...cred, passwordConfirm: cred.password })
  const auth = await post('/api/collections/users/auth-with-password', {
    identity: cred.email,
    password: cred.password,
  })
  const token = ((await auth.json()) as { token: string }).token
  const out: unknown[] = []
  for (const [method, path, opts = {}] of REQUESTS) {
    const headers: { [k: string]: string } = {}
    if (opts.user) headers.authorization = token
    if (opts.body?.startsWith('{')) headers['content-type'] = 'application/json'
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers,
      body: opts.body,
      redirect: 'manual',
    })
    const text = await res.text()
    out.push({
      request: `${method} ${path}${opts.user ? ' (user)' : ''}`,
      status: res.status,
      type: (res.headers.get('content-type') ?? '').replace(/; ?charset=utf-8/i, ''),
      location: res.headers.get('location'),
      body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text,
    })
  }
  return out
}

function withHooks(file: string, text: string): string {
  const dir = makeTempDir('satchel-hooks-compat-')
  mkdirSync(join(dirname(dir), 'pb_hooks'))
  writeFileSync(join(dirname(dir), 'pb_hooks', file), text)
  return dir
}

describe('custom routes: Satchel TypeScript hooks vs PocketBase pb_hooks', () => {
  test('the same requests get the same answers', async () => {
    const pb = await startPocketBase(withHooks('routes.pb.js', PB_JS))
    const sa = await startSatchel(withHooks('routes.pb.ts', SATCHEL_TS))
    try {
      const [expected, actual] = await Promise.all([answers(pb), answers(sa)])
      expect(actual).toEqual(expected)
      // and the routes exist (not the same 404 twice)
      expect(expected[0]).toMatchObject({ status: 200, body: { hello: 'ann' } })
      expect(expected.filter((a) => (a as { status: number }).status === 404)).toHaveLength(1)
    } finally {
      await Promise.all([pb.stop(), sa.stop()])
    }
  }, 60_000)

  test('the PocketBase pb_hooks file itself runs on Satchel with the same answers', async () => {
    const pb = await startPocketBase(withHooks('routes.pb.js', PB_JS))
    const sa = await startSatchel(withHooks('routes.pb.js', PB_JS))
    try {
      const [expected, actual] = await Promise.all([answers(pb), answers(sa)])
      expect(actual).toEqual(expected)
    } finally {
      await Promise.all([pb.stop(), sa.stop()])
    }
  }, 60_000)
})
