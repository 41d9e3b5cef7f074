import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { TestApp } from '../tests/test-app.ts'
import { errorResponse } from './api-error.ts'
import { type RunningServer, startServer } from './serve.ts'
import { IMMUTABLE_CACHE_CONTROL, serveStatic } from './static.ts'

let base: string
let pub: string
let app: TestApp
let server: RunningServer
let noFallback: RunningServer

/** A raw HTTP GET (the path is sent exactly as given: no URL normalisation on the client). */
function raw(
  srv: RunningServer,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const [host, port] = srv.address.split(':')
  return new Promise((resolve, reject) => {
    const req = request({ host, port: Number(port), path, method, headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => {
        body += d
      })
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers as Record<string, string>,
          body,
        }),
      )
    })
    req.on('error', reject)
    req.end()
  })
}

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'satchel-static-'))
  pub = join(base, 'pb_public')
  mkdirSync(join(pub, 'sub'), { recursive: true })
  mkdirSync(join(pub, 'noindex'))
  mkdirSync(join(pub, 'assets'))
  mkdirSync(join(base, 'outside'))
  writeFileSync(join(pub, 'index.html'), '<h1>index</h1>')
  writeFileSync(join(pub, 'sub', 'index.html'), 'sub index')
  writeFileSync(join(pub, 'noindex', 'file.txt'), 'x')
  writeFileSync(join(pub, 'assets', 'app.css'), 'body{}')
  writeFileSync(join(pub, 'data.json'), '{"a":1}')
  writeFileSync(join(pub, 'app.mjs'), 'export {}')
  writeFileSync(join(pub, 'noext'), '<!DOCTYPE html><p>sniffed</p>')
  writeFileSync(join(pub, 'inner.txt'), 'inner')
  writeFileSync(join(base, 'outside', 'secret.txt'), 'SECRET')
  symlinkSync(join(base, 'outside', 'secret.txt'), join(pub, 'link.txt'))
  symlinkSync(join(base, 'outside'), join(pub, 'linkdir'))
  symlinkSync('inner.txt', join(pub, 'inlink.txt'))
  const t = new Date('2026-01-02T03:04:05Z')
  utimesSync(join(pub, 'assets', 'app.css'), t, t)
  app = await TestApp.create()
  server = await startServer(app, { http: '127.0.0.1:0', publicDir: pub })
  noFallback = await startServer(app, {
    http: '127.0.0.1:0',
    publicDir: pub,
    indexFallback: false,
  })
})

afterAll(async () => {
  await server.close()
  await noFallback.close()
  await app.cleanup()
  rmSync(base, { recursive: true, force: true })
})

describe('pb_public at / (PocketBase apis.Static)', () => {
  test('files, with content types, Last-Modified, ETag, no Cache-Control', async () => {
    const css = await raw(server, '/assets/app.css')
    expect(css.status).toBe(200)
    expect(css.body).toBe('body{}')
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8')
    expect(css.headers['content-length']).toBe('6')
    expect(css.headers['last-modified']).toBe('Fri, 02 Jan 2026 03:04:05 GMT')
    expect(css.headers.etag).toMatch(/^W\/"[0-9a-f]+-[0-9a-f]+"$/)
    expect(css.headers['accept-ranges']).toBe('bytes')
    expect(css.headers['cache-control']).toBeUndefined()
    expect((await raw(server, '/data.json')).headers['content-type']).toBe('application/json')
    expect((await raw(server, '/app.mjs')).headers['content-type']).toBe(
      'text/javascript; charset=utf-8',
    )
    // unknown extension: sniffed like Go's ServeContent
    expect((await raw(server, '/noext')).headers['content-type']).toBe('text/html; charset=utf-8')
  })

  test('directories and index.html redirect like PocketBase (301)', async () => {
    expect(await raw(server, '/')).toMatchObject({ status: 200, body: '<h1>index</h1>' })
    expect((await raw(server, '/sub')).headers.location).toBe('/sub/')
    expect(await raw(server, '/sub/')).toMatchObject({ status: 200, body: 'sub index' })
    for (const [from, to] of [
      ['/index.html', '/'],
      ['/sub/index.html', '/sub/'],
      ['/assets/app.css/', '/assets/app.css'],
      ['/noindex', '/noindex/'],
    ]) {
      const res = await raw(server, from!)
      expect([from, res.status, res.headers.location]).toEqual([from, 301, to])
    }
    // a redirect never becomes protocol-relative (an open redirect to another host)
    const dbl = await raw(server, '//sub')
    expect(dbl.status).toBe(301)
    expect(dbl.headers.location).toBe('/sub/')
  })

  test('missing paths fall back to index.html (including /api/unknown), POST stays JSON 404', async () => {
    for (const path of ['/missing', '/deep/route/x.js', '/api/unknown', '/noindex/']) {
      const res = await raw(server, path)
      expect([path, res.status, res.body]).toEqual([path, 200, '<h1>index</h1>'])
    }
    const post = await raw(server, '/api/unknown', {}, 'POST')
    expect(post.status).toBe(404)
    expect(JSON.parse(post.body)).toEqual({
      data: {},
      message: "The requested resource wasn't found.",
      status: 404,
    })
  })

  test('without indexFallback a missing path is 404 "File not found."', async () => {
    for (const path of ['/missing', '/api/unknown', '/noindex/']) {
      const res = await raw(noFallback, path)
      expect([path, res.status, JSON.parse(res.body)]).toEqual([
        path,
        404,
        { data: {}, message: 'File not found.', status: 404 },
      ])
    }
    expect((await raw(noFallback, '/sub/')).body).toBe('sub index')
  })

  test('escape attempts never serve a file outside the folder', async () => {
    const attempts = [
      '/../outside/secret.txt',
      '/%2e%2e/outside/secret.txt',
      '/.%2e/outside/secret.txt',
      '/sub/..%2f..%2foutside/secret.txt',
      '/sub/..%5c..%5coutside%5csecret.txt',
      '/sub%2f..%2f..%2foutside%2fsecret.txt',
      '/inner.txt%00.html',
      '/%ZZ',
      '/link.txt',
      '/linkdir/secret.txt',
      '/linkdir/',
    ]
    for (const path of attempts) {
      for (const srv of [server, noFallback]) {
        const res = await raw(srv, path)
        expect(res.body, path).not.toContain('SECRET')
        if (srv === noFallback && res.status !== 301)
          expect([path, res.status], path).toEqual([path, 404])
      }
    }
    // symlinks inside the folder are followed
    expect((await raw(server, '/inlink.txt')).body).toBe('inner')
  })

  test('conditional requests: If-None-Match, If-Modified-Since → 304; HEAD; Range', async () => {
    const first = await raw(server, '/assets/app.css')
    const etag = first.headers.etag!
    const inm = await raw(server, '/assets/app.css', { 'If-None-Match': etag })
    expect(inm.status).toBe(304)
    expect(inm.body).toBe('')
    expect(inm.headers.etag).toBe(etag)
    // If-None-Match wins over If-Modified-Since
    const mismatch = await raw(server, '/assets/app.css', {
      'If-None-Match': '"other"',
      'If-Modified-Since': first.headers['last-modified']!,
    })
    expect(mismatch.status).toBe(200)
    const ims = await raw(server, '/assets/app.css', {
      'If-Modified-Since': first.headers['last-modified']!,
    })
    expect(ims.status).toBe(304)
    const older = await raw(server, '/assets/app.css', {
      'If-Modified-Since': 'Thu, 01 Jan 2026 00:00:00 GMT',
    })
    expect(older.status).toBe(200)

    const head = await raw(server, '/assets/app.css', {}, 'HEAD')
    expect(head.status).toBe(200)
    expect(head.body).toBe('')
    expect(head.headers['content-length']).toBe('6')
    expect(head.headers['content-type']).toBe('text/css; charset=utf-8')

    const part = await raw(server, '/assets/app.css', { Range: 'bytes=0-1' })
    expect(part).toMatchObject({ status: 206, body: 'bo' })
    expect(part.headers['content-range']).toBe('bytes 0-1/6')
    expect((await raw(server, '/assets/app.css', { Range: 'bytes=9-' })).status).toBe(416)
  })

  test('/_ redirects to /_/ with 307 like PocketBase', async () => {
    const res = await raw(server, '/_')
    expect(res.status).toBe(307)
    expect(res.headers.location).toBe('/_/')
  })

  test('the API still wins over the catch-all', async () => {
    const res = await raw(server, '/api/health')
    expect(res.status).toBe(200)
    expect(JSON.parse(res.body).message).toBe('API is healthy.')
  })
})

describe('serveStatic mounted under a prefix (the dashboard shape)', () => {
  let router: Hono
  const get = (path: string) => router.request(path)

  beforeAll(() => {
    router = new Hono()
    router.onError((err, c) => errorResponse(c, err))
    router.get(
      '/_/*',
      serveStatic(pub, {
        mountPath: '/_/',
        immutablePrefix: 'assets/',
        cacheControl: 'no-cache',
        indexFallback: true,
        headers: { 'Content-Security-Policy': "default-src 'self'" },
      }),
    )
  })

  test('hashed assets are immutable, index.html revalidates, extra headers join', async () => {
    const asset = await get('/_/assets/app.css')
    expect(asset.status).toBe(200)
    expect(asset.headers.get('cache-control')).toBe(IMMUTABLE_CACHE_CONTROL)
    expect(asset.headers.get('content-security-policy')).toBe("default-src 'self'")
    const index = await get('/_/')
    expect(await index.text()).toBe('<h1>index</h1>')
    expect(index.headers.get('cache-control')).toBe('no-cache')
  })

  test('a missing hashed asset is a 404, never index.html; other paths fall back', async () => {
    const gone = await get('/_/assets/old-1234.js')
    expect(gone.status).toBe(404)
    const route = await get('/_/collections/posts')
    expect(route.status).toBe(200)
    expect(await route.text()).toBe('<h1>index</h1>')
    expect(route.headers.get('cache-control')).toBe('no-cache')
  })
})
