// `satchel serve` as an operating-system process: busy port, graceful SIGINT with a request in
// flight. Run with SATCHEL_E2E_TARGET=pocketbase to check the same assertions against PocketBase.
import { Agent, request } from 'node:http'
import { createServer } from 'node:net'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, test } from 'vitest'
import { cleanupAll, freePort, makeTempDir } from '../src/tests/process.ts'
import { client, spawnServe, startServer, targetKind, upsertSuperuser } from '../src/tests/sdk.ts'

const kind = targetKind()

afterAll(() => {
  cleanupAll()
})

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe(`serve process (${kind})`, () => {
  test('serve on a busy port exits non-zero with a clear message', async () => {
    const blocker = createServer()
    const port = await freePort()
    await new Promise<void>((res) => blocker.listen(port, '127.0.0.1', () => res()))
    try {
      const proc = spawnServe(kind, makeTempDir(), port)
      const timer = setTimeout(() => void proc.stop('SIGKILL'), 15_000)
      const code = await proc.exited
      clearTimeout(timer)
      expect(code).not.toBe(0)
      expect(typeof code).toBe('number')
      expect(proc.output()).toMatch(/already in use/i)
      expect(proc.output()).toContain(String(port))
    } finally {
      await new Promise<void>((res) => blocker.close(() => res()))
    }
  })

  test('SIGINT lets an in-flight request complete, refuses new ones, exits 0', async () => {
    const server = await startServer(kind)
    upsertSuperuser(kind, server.dir, 'root@example.com', 'root-pass-123')
    // a browser-like client that keeps idle connections open for a long time
    const agent = new Agent({ keepAlive: true, timeout: 120_000 })
    // a request whose body arrives slowly: the server is mid-request when SIGINT lands
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        `${server.url}/api/collections/_superusers/auth-with-password`,
        { agent, method: 'POST', headers: { 'content-type': 'application/json' } },
        (res) => {
          let body = ''
          res.setEncoding('utf8')
          res.on('data', (c: string) => {
            body += c
          })
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
          res.on('error', reject)
        },
      )
      req.on('error', reject)
      req.write('{"identity":"root@example.com",')
      setTimeout(() => {
        server.child.kill('SIGINT')
        // PocketBase waits about one second for in-flight requests; stay well inside that
        setTimeout(() => {
          req.end('"password":"root-pass-123"}')
        }, 600)
      }, 500)
    })
    await sleep(800)
    // after SIGINT: no new connections, but the process is still finishing the request
    expect(server.hasExited()).toBe(false)
    await expect(
      fetch(`${server.url}/api/health`, { signal: AbortSignal.timeout(2000) }),
    ).rejects.toThrow()
    const res = await response
    expect(res.status).toBe(200)
    expect(JSON.parse(res.body)).toMatchObject({ record: { email: 'root@example.com' } })
    // the client keeps its connection alive: the server must still exit promptly (like PocketBase)
    const answered = Date.now()
    const timer = setTimeout(() => void server.stop('SIGKILL'), 10_000)
    const code = await server.exited
    clearTimeout(timer)
    expect(code).toBe(0)
    expect(Date.now() - answered).toBeLessThan(3000)
  })

  test('SIGINT lets an in-flight create commit (with the default workers), then exits 0', async () => {
    const server = await startServer(kind)
    upsertSuperuser(kind, server.dir, 'root@example.com', 'root-pass-123')
    const su = client(server.url)
    await su.collection('_superusers').authWithPassword('root@example.com', 'root-pass-123')
    await su.collections.create({
      name: 'inflight',
      type: 'base',
      createRule: '',
      fields: [{ name: 'title', type: 'text' }],
    })
    const response = new Promise<number>((resolve, reject) => {
      const req = request(
        `${server.url}/api/collections/inflight/records`,
        { agent: false, method: 'POST', headers: { 'content-type': 'application/json' } },
        (res) => {
          res.resume()
          res.on('end', () => resolve(res.statusCode ?? 0))
          res.on('error', reject)
        },
      )
      req.on('error', reject)
      // the body arrives after the signal: the write happens while the server stops
      req.write('{"title":')
      setTimeout(() => {
        server.child.kill('SIGINT')
        setTimeout(() => req.end('"written while stopping"}'), 400)
      }, 300)
    })
    expect(await response).toBe(200)
    const timer = setTimeout(() => void server.stop('SIGKILL'), 10_000)
    const code = await server.exited
    clearTimeout(timer)
    expect(code).toBe(0)
    const db = new Database(join(server.dir, 'data.db'), { readonly: true })
    try {
      expect(db.prepare('SELECT title FROM inflight').all()).toEqual([
        { title: 'written while stopping' },
      ])
    } finally {
      db.close()
    }
  })
})
