import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { TestApp } from '../tests/test-app.ts'

describe('global middlewares', () => {
  let app: TestApp
  beforeEach(async () => {
    app = await TestApp.create()
  })
  afterEach(async () => {
    await app.cleanup()
  })

  test.each([
    ['a JSON success', 'GET', '/api/health', 200],
    ['an error', 'GET', '/api/collections', 401],
    ['an unknown route', 'DELETE', '/nope', 404],
  ])('security headers on %s', async (_name, method, url, status) => {
    const res = await app.request(method, url)
    expect(res.status).toBe(status)
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN')
    expect(res.headers.get('x-xss-protection')).toBe('1; mode=block')
  })

  test.each([
    ['GET', 'File not found.'],
    ['POST', "The requested resource wasn't found."],
    ['DELETE', "The requested resource wasn't found."],
  ])('unknown route, %s: 404 with PocketBase message', async (method, message) => {
    const res = await app.request(method, '/api/nope')
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ data: {}, message, status: 404 })
  })

  test('a declared Content-Length over 32 MiB is refused with 413 before the body is read', async () => {
    const res = await app.request('PATCH', '/api/settings', {
      headers: { 'content-type': 'application/json', 'content-length': String((32 << 20) + 1) },
      body: '{}',
    })
    expect(res.status).toBe(413)
    expect(await res.json()).toEqual({
      data: {},
      message: 'Request entity too large.',
      status: 413,
    })
  })
})
