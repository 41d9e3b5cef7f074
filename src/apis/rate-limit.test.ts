import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { RateLimitRule } from '../core/settings-model.ts'
import { TestApp } from '../tests/test-app.ts'
import { MemoryRateLimitStore, SqliteRateLimitStore } from '../tools/ratelimit/store.ts'
import { findRateLimitRule, isExcludedIP } from './rate-limit.ts'

const rule = (label: string, audience = '', maxRequests = 1): RateLimitRule => ({
  label,
  audience,
  duration: 10,
  maxRequests,
})

describe('findRateLimitRule (label matching)', () => {
  const rules = [
    rule('*:auth'),
    rule('*:create'),
    rule('users:create'),
    rule('/api/batch'),
    rule('/api/'),
    rule('/api/collections/'),
    rule('POST /api/health'),
    rule('/api/files/', '@guest'),
    rule('/api/files/', '@auth'),
  ]
  const table: [string, string[], string[], string | undefined][] = [
    ['exact path', ['GET /api/batch', '/api/batch'], ['', '@guest'], '/api/batch'],
    [
      'method + path first',
      ['POST /api/health', '/api/health'],
      ['', '@guest'],
      'POST /api/health',
    ],
    [
      'other method falls to the /api/ prefix',
      ['GET /api/health', '/api/health'],
      ['', '@guest'],
      '/api/',
    ],
    [
      'longest prefix wins',
      ['GET /api/collections/x/records', '/api/collections/x/records'],
      ['', '@guest'],
      '/api/collections/',
    ],
    [
      'path equal to a prefix rule without its slash',
      ['GET /api', '/api'],
      ['', '@guest'],
      '/api/',
    ],
    [
      'collection tag before wildcard',
      ['users:create', '*:create', 'POST /api/x', '/api/x'],
      ['', '@guest'],
      'users:create',
    ],
    [
      'wildcard tag',
      ['posts:create', '*:create', 'POST /api/x', '/api/x'],
      ['', '@guest'],
      '*:create',
    ],
    [
      'tag order: first tag label wins',
      ['users:authWithPassword', 'users:auth', '*:authWithPassword', '*:auth'],
      ['', '@guest'],
      '*:auth',
    ],
    ['guest audience', ['GET /api/files/a/b', '/api/files/a/b'], ['', '@guest'], '/api/files/'],
    ['no match outside /api/', ['GET /_/', '/_/'], ['', '@guest'], undefined],
  ]
  test.each(table)('%s', (_name, labels, audiences, expected) => {
    expect(findRateLimitRule(rules, labels, audiences)?.label).toBe(expected)
  })
  test('audience picks the rule of the requester', () => {
    expect(findRateLimitRule(rules, ['/api/files/x'], ['', '@auth'])).toMatchObject({
      label: '/api/files/',
      audience: '@auth',
    })
    expect(findRateLimitRule([rule('/api/x', '@auth')], ['/api/x'], ['', '@guest'])).toBeUndefined()
  })
})

describe('isExcludedIP', () => {
  test('addresses and subnets', () => {
    expect(isExcludedIP(['10.0.0.1'], '10.0.0.1')).toBe(true)
    expect(isExcludedIP(['10.0.0.0/8'], '10.2.3.4')).toBe(true)
    expect(isExcludedIP(['10.0.0.0/8'], '11.2.3.4')).toBe(false)
    expect(isExcludedIP(['::1'], '::1')).toBe(true)
    expect(isExcludedIP([], '1.2.3.4')).toBe(false)
  })
})

describe('rate-limit stores (fixed window)', () => {
  test('memory: N per window, then refused until the window passed', async () => {
    const s = new MemoryRateLimitStore()
    const got = []
    for (let i = 0; i < 4; i++) got.push(await s.consume('k', 3, 10, 100))
    expect(got).toEqual([true, true, true, false])
    expect(await s.consume('k', 3, 10, 109)).toBe(false)
    expect(await s.consume('k', 3, 10, 112)).toBe(true)
    expect(await s.consume('other', 3, 10, 112)).toBe(true)
  })
  test('sqlite: the same semantics through one UPSERT', async () => {
    const app = await TestApp.create()
    try {
      const s = new SqliteRateLimitStore(app.auxDb)
      const got = await Promise.all([0, 1, 2, 3, 4].map(() => s.consume('k', 3, 10, 100)))
      expect(got.filter(Boolean)).toHaveLength(3)
      expect(await s.consume('k', 3, 10, 109)).toBe(false)
      expect(await s.consume('k', 3, 10, 112)).toBe(true)
    } finally {
      await app.cleanup()
    }
  })
})

describe('rate limiting over HTTP', () => {
  let app: TestApp
  let su: string
  let user: string
  beforeAll(async () => {
    app = await TestApp.create()
    su = (await app.createSuperuser()).token
    user = (await app.createAuthRecord('users', { email: 'u@example.com', password: '1234567890' }))
      .token
    const s = structuredClone(app.settings())
    s.trustedProxy = { headers: ['X-Forwarded-For'], useLeftmostIP: false }
    s.rateLimits = {
      enabled: true,
      excludedIPs: ['10.9.0.0/16'],
      rules: [
        { label: '/api/health', audience: '', duration: 60, maxRequests: 2 },
        { label: '*:listAuthMethods', audience: '@guest', duration: 60, maxRequests: 1 },
        { label: 'users:create', audience: '', duration: 60, maxRequests: 1 },
      ],
    }
    await app.saveSettings(s)
  })
  afterAll(() => app.cleanup())

  const get = (url: string, ip: string, token?: string) =>
    app.request('GET', url, {
      headers: { 'X-Forwarded-For': ip, ...(token ? { Authorization: token } : {}) },
    })

  test('429 in PocketBase shape after maxRequests per client IP', async () => {
    expect((await get('/api/health', '1.1.1.1')).status).toBe(200)
    expect((await get('/api/health', '1.1.1.1')).status).toBe(200)
    const res = await get('/api/health', '1.1.1.1')
    expect(res.status).toBe(429)
    expect(await res.json()).toEqual({ data: {}, message: 'Too Many Requests.', status: 429 })
    expect((await get('/api/health', '1.1.1.2')).status).toBe(200)
  })

  test('superusers and excluded IPs are exempt', async () => {
    for (let i = 0; i < 4; i++) expect((await get('/api/health', '2.2.2.2', su)).status).toBe(200)
    for (let i = 0; i < 4; i++) expect((await get('/api/health', '10.9.1.1')).status).toBe(200)
  })

  test('collection tag with audience: guests limited, auth records not', async () => {
    const url = '/api/collections/users/auth-methods'
    expect((await get(url, '3.3.3.3')).status).toBe(200)
    expect((await get(url, '3.3.3.3')).status).toBe(429)
    for (let i = 0; i < 3; i++) expect((await get(url, '3.3.3.3', user)).status).toBe(200)
  })

  test('collection:tag rule on record create', async () => {
    const post = (email: string) =>
      app.request('POST', '/api/collections/users/records', {
        headers: { 'X-Forwarded-For': '4.4.4.4' },
        body: { email, password: '1234567890', passwordConfirm: '1234567890' },
      })
    expect((await post('a1@example.com')).status).toBe(200)
    expect((await post('a2@example.com')).status).toBe(429)
  })

  test('disabled rate limits let everything through', async () => {
    const s = structuredClone(app.settings())
    s.rateLimits.enabled = false
    await app.saveSettings(s)
    for (let i = 0; i < 4; i++) expect((await get('/api/health', '1.1.1.1')).status).toBe(200)
  })
})
