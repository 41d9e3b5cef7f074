// pb_public served by Satchel and by PocketBase 0.40.4 from the same folder: the same requests
// must get the same status, Location, Content-Type, Last-Modified, Cache-Control and body, with and without
// --indexFallback. Where Satchel deliberately differs (symlinks out of the folder) the
// difference is asserted explicitly.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  cleanupAll,
  makeTempDir,
  type ServerProcess,
  startPocketBase,
  startSatchel,
} from '../src/tests/process.ts'

let pub: string
let dirs: { satchel: string; pocketbase: string }

beforeAll(() => {
  const root = dirname(makeTempDir('satchel-static-compat-'))
  pub = join(root, 'public')
  for (const d of ['sub', 'noindex', 'assets']) mkdirSync(join(pub, d), { recursive: true })
  mkdirSync(join(root, 'outside'))
  writeFileSync(join(pub, 'index.html'), '<h1>index</h1>')
  writeFileSync(join(pub, 'sub', 'index.html'), 'sub index')
  writeFileSync(join(pub, 'noindex', 'file.txt'), 'x')
  writeFileSync(join(pub, 'assets', 'app.css'), 'body{}')
  writeFileSync(join(pub, 'assets', 'app.js'), 'console.log(1)')
  writeFileSync(join(pub, 'data.json'), '{"a":1}')
  writeFileSync(join(pub, 'x.mjs'), 'export {}')
  writeFileSync(join(pub, 'i.svg'), '<svg/>')
  writeFileSync(join(pub, 'noext'), 'plain words\n')
  writeFileSync(join(root, 'outside', 'secret.txt'), 'SECRET')
  symlinkSync(join(root, 'outside', 'secret.txt'), join(pub, 'link.txt'))
  dirs = { satchel: makeTempDir('satchel-static-s-'), pocketbase: makeTempDir('satchel-static-p-') }
})

afterAll(() => {
  cleanupAll()
})

interface Answer {
  status: number
  location?: string
  type?: string
  lastModified?: string
  cacheControl?: string
  body: string
}

function send(
  server: ServerProcess,
  path: string,
  method = 'GET',
  headers: Record<string, string> = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method, headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => {
        body += d
      })
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          location: res.headers.location,
          type: res.statusCode === 200 ? res.headers['content-type'] : undefined,
          lastModified: res.headers['last-modified'],
          cacheControl: res.headers['cache-control'],
          // Go's redirect bodies are HTML snippets; only the status and Location matter there
          body: res.statusCode! >= 300 && res.statusCode! < 400 ? '' : body,
        }),
      )
    })
    req.on('error', reject)
    req.end()
  })
}

const PATHS = [
  '/',
  '/index.html',
  '/sub',
  '/sub/',
  '/sub/index.html',
  '/noindex',
  '/noindex/',
  '/assets/app.css',
  '/assets/app.css/',
  '/assets/app.js',
  '/data.json',
  '/x.mjs',
  '/i.svg',
  '/noext',
  '/missing',
  '/missing.js',
  '/api/unknown',
  '/api/',
  '/_',
  '/%2e%2e/outside/secret.txt',
  '/sub/..%2f..%2foutside/secret.txt',
  '/sub%5cindex.html',
  '/a%00b',
]

describe.each([true, false])('pb_public side by side (indexFallback=%s)', (fallback) => {
  let satchel: ServerProcess
  let pocketbase: ServerProcess
  beforeAll(async () => {
    const args = [`--publicDir=${pub}`, `--indexFallback=${fallback}`]
    ;[satchel, pocketbase] = await Promise.all([
      startSatchel(dirs.satchel, undefined, { args: [...args, '--workers=1'] }),
      startPocketBase(dirs.pocketbase, undefined, { args }),
    ])
  }, 60_000)
  afterAll(async () => {
    await Promise.all([satchel?.stop(), pocketbase?.stop()])
  })

  test('GET and HEAD answer alike', async () => {
    for (const method of ['GET', 'HEAD']) {
      for (const path of PATHS) {
        const [ours, theirs] = await Promise.all([
          send(satchel, path, method),
          send(pocketbase, path, method),
        ])
        expect({ method, path, ...ours }).toEqual({ method, path, ...theirs })
      }
    }
  })

  test('POST to an unknown path and conditional GETs answer alike', async () => {
    for (const [path, method, headers] of [
      ['/api/unknown', 'POST', {}],
      ['/nothing', 'DELETE', {}],
      [
        '/assets/app.css',
        'GET',
        { 'If-Modified-Since': new Date(Date.now() + 60_000).toUTCString() },
      ],
      ['/assets/app.css', 'GET', { 'If-Modified-Since': 'Thu, 01 Jan 2015 00:00:00 GMT' }],
      ['/assets/app.css', 'GET', { Range: 'bytes=0-1' }],
    ] as const) {
      const [ours, theirs] = await Promise.all([
        send(satchel, path, method, headers),
        send(pocketbase, path, method, headers),
      ])
      expect({ path, method, ...ours }).toEqual({ path, method, ...theirs })
    }
  })

  test('deliberate difference: a symlink pointing out of the folder', async () => {
    const [ours, theirs] = await Promise.all([
      send(satchel, '/link.txt'),
      send(pocketbase, '/link.txt'),
    ])
    // PocketBase (os.DirFS) follows the link out of the folder; Satchel treats it as missing
    expect(theirs.body).toBe('SECRET')
    expect(ours.body).not.toContain('SECRET')
    expect(ours.status).toBe(fallback ? 200 : 404)
  })
})
