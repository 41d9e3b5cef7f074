import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Hono } from 'hono'
import { afterAll, describe, expect, test } from 'vitest'
import { errorResponse } from './api-error.ts'
import { bindDashboard } from './dashboard.ts'
import type { Env } from './middlewares.ts'

const dir = mkdtempSync(join(tmpdir(), 'satchel-dashboard-'))
mkdirSync(join(dir, 'assets'))
writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Satchel</title>')
writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)')

afterAll(() => rmSync(dir, { recursive: true, force: true }))

function router(root = dir): Hono<Env> {
  const r = new Hono<Env>()
  r.onError((err, c) => errorResponse(c, err))
  bindDashboard(r, root)
  return r
}

describe('dashboard at /_/', () => {
  test('hashed assets are cached for a year, immutable', async () => {
    const res = await router().request('/_/assets/index-abc123.js')
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(res.headers.get('content-type')).toMatch(/javascript/)
  })

  test('index.html is revalidated and answers every SPA path', async () => {
    for (const path of ['/_/', '/_/collections/posts', '/_/install']) {
      const res = await router().request(path)
      expect(res.status, path).toBe(200)
      expect(res.headers.get('cache-control'), path).toBe('no-cache')
      expect(res.headers.get('content-security-policy'), path).toContain("default-src 'self'")
      expect(await res.text(), path).toContain('<title>Satchel</title>')
    }
  })

  test('a missing asset is a 404, never the page', async () => {
    const res = await router().request('/_/assets/index-old999.js')
    expect(res.status).toBe(404)
  })

  test('without a build: 503 saying how to build', async () => {
    const res = await router(join(dir, 'nope')).request('/_/')
    expect(res.status).toBe(503)
    expect(await res.text()).toContain('npm run build:ui')
  })
})
