import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { RequestEvent } from '../core/request-event.ts'
import { TestApp } from '../tests/test-app.ts'
import { ApiError } from '../tools/router/api-error.ts'
import { Router } from '../tools/router/router.ts'
import {
  bodyLimit,
  honoPath,
  requireAuth,
  requireGuestOnly,
  requireSuperuserAuth,
} from './custom-routes.ts'
import { createRouter } from './router.ts'

describe('custom routes (onServe e.router)', () => {
  let app: TestApp
  let request: (method: string, url: string, init?: RequestInit) => Promise<Response>
  let userToken: string
  let superToken: string
  const seen: string[] = []

  beforeEach(async () => {
    app = await TestApp.create()
    userToken = (
      await app.createAuthRecord('users', { email: 'u@example.com', password: '1234567890' })
    ).token
    superToken = (await app.createSuperuser()).token
    seen.length = 0
    const r = new Router<RequestEvent>()
    r.bindFunc(async (e) => {
      seen.push(`global ${new URL(e.request.url).pathname}`)
      await e.next()
      e.response?.headers.set('x-custom', 'yes')
    })
    r.get('/api/hello/{name}', (e) =>
      e.json(200, { hello: e.pathValue('name'), auth: e.auth?.id ?? null }),
    )
    r.get('/page', (e) => e.html(200, '<p>hi</p>'))
    r.get('/go', (e) => e.redirect(307, '/page'))
    r.delete('/api/thing/{id}', (e) => e.noContent(204))
    r.post('/api/echo', async (e) => {
      const info = await e.requestInfo()
      e.json(201, { body: info.body, q: info.query.q ?? null })
    })
    r.get('/api/fail', () => {
      throw new ApiError(418, 'teapot here', { field: { code: 'x', message: 'y' } })
    })
    r.get('/api/crash', () => {
      throw new Error('secret detail')
    })
    r.get('/files/{path...}', (e) => e.string(200, e.pathValue('path')))
    const g = r.group('/api/members').bind(requireAuth('users'))
    g.get('/me', (e) => e.json(200, { id: e.auth?.id }))
    r.get('/api/admin', (e) => e.string(200, 'ok')).bind(requireSuperuserAuth())
    r.get('/api/guest', (e) => e.string(200, 'hi guest')).bind(requireGuestOnly())
    r.post('/api/small', (e) => e.noContent()).bind(bodyLimit(10))
    r.post('/api/big', async (e) => e.json(200, { n: (await e.request.text()).length })).bind(
      bodyLimit(40 << 20),
    )
    const router = createRouter(app, { routes: r })
    request = async (method, url, init = {}) => router.request(url, { ...init, method })
  })
  afterEach(async () => {
    await app.cleanup()
  })

  test('path syntax translation', () => {
    expect(honoPath('/a/{id}/b/{rest...}')).toBe('/a/:id/b/:rest{.+}')
    expect(honoPath('/x/{$}')).toBe('/x/')
  })

  test('writers: json, html, redirect, noContent, string with a wildcard', async () => {
    const res = await request('GET', '/api/hello/ann')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ hello: 'ann', auth: null })
    expect(res.headers.get('x-custom')).toBe('yes')
    // the security headers of every response
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN')
    const html = await request('GET', '/page')
    expect(html.headers.get('content-type')).toContain('text/html')
    expect(await html.text()).toBe('<p>hi</p>')
    const go = await request('GET', '/go')
    expect([go.status, go.headers.get('location')]).toEqual([307, '/page'])
    expect((await request('DELETE', '/api/thing/1')).status).toBe(204)
    expect(await (await request('GET', '/files/a/b.txt')).text()).toBe('a/b.txt')
  })

  test('requestInfo parses the body and query; auth from the token', async () => {
    const res = await request('POST', '/api/echo?q=1', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ a: 1 }),
    })
    expect(res.status).toBe(201)
    expect(await res.json()).toEqual({ body: { a: 1 }, q: '1' })
    const me = await request('GET', '/api/hello/x', { headers: { authorization: userToken } })
    expect(((await me.json()) as { auth: unknown }).auth).not.toBeNull()
  })

  test('thrown errors get PocketBase error shape; other errors a generic 400', async () => {
    const res = await request('GET', '/api/fail')
    expect(res.status).toBe(418)
    expect(await res.json()).toEqual({
      data: { field: { code: 'x', message: 'y' } },
      message: 'Teapot here.',
      status: 418,
    })
    const crash = await request('GET', '/api/crash')
    expect(crash.status).toBe(400)
    expect(JSON.stringify(await crash.json())).not.toContain('secret')
  })

  test('requireAuth on a group and requireSuperuserAuth on a route', async () => {
    expect((await request('GET', '/api/members/me')).status).toBe(401)
    expect(
      (await request('GET', '/api/members/me', { headers: { authorization: superToken } })).status,
    ).toBe(403)
    expect(
      (await request('GET', '/api/members/me', { headers: { authorization: userToken } })).status,
    ).toBe(200)
    // PocketBase 0.40.4 answers these statuses and messages for $apis.require* in a pb_hooks file
    const guest = await request('GET', '/api/admin')
    expect([guest.status, ((await guest.json()) as { message: string }).message]).toEqual([
      401,
      'The request requires valid record authorization token.',
    ])
    const denied = await request('GET', '/api/members/me', {
      headers: { authorization: superToken },
    })
    expect(((await denied.json()) as { message: string }).message).toBe(
      'The authorized record is not allowed to perform this action.',
    )
    expect((await request('GET', '/api/guest')).status).toBe(200)
    const notGuest = await request('GET', '/api/guest', { headers: { authorization: userToken } })
    expect([notGuest.status, ((await notGuest.json()) as { message: string }).message]).toEqual([
      400,
      'The request can be accessed only by guests.',
    ])
    expect(
      (await request('GET', '/api/admin', { headers: { authorization: userToken } })).status,
    ).toBe(403)
    const ok = await request('GET', '/api/admin', { headers: { authorization: superToken } })
    expect([ok.status, await ok.text()]).toEqual([200, 'ok'])
  })

  test('bodyLimit lowers and raises the default limit', async () => {
    const small = await request('POST', '/api/small', { body: 'x'.repeat(11) })
    expect(small.status).toBe(413)
    expect(((await small.json()) as { message: string }).message).toBe('Request entity too large.')
    expect((await request('POST', '/api/small', { body: 'x'.repeat(10) })).status).toBe(204)
    // over the default 32 MiB, under the route's own 40 MiB (declared length, not sent)
    const big = await request('POST', '/api/big', {
      headers: { 'content-length': String(33 << 20) },
      body: 'abc',
    })
    expect(big.status).not.toBe(413)
    const tooBig = await request('POST', '/api/echo', {
      headers: { 'content-length': String(33 << 20) },
      body: '{}',
    })
    expect(tooBig.status).toBe(413)
  })

  test('global middlewares wrap built-in routes too; unknown routes still 404', async () => {
    const res = await request('GET', '/api/health')
    expect(res.status).toBe(200)
    expect(res.headers.get('x-custom')).toBe('yes')
    expect(seen).toContain('global /api/health')
    expect((await request('GET', '/api/hello')).status).toBe(404)
  })
})
