import { Hono } from 'hono'
import { describe, expect, test } from 'vitest'
import { cors } from './cors.ts'

function app(origins: string[]) {
  const h = new Hono()
  h.use('*', cors(origins))
  h.get('/x', (c) => c.json({ ok: true }))
  return h
}

describe('cors (as PocketBase 0.40 answers)', () => {
  test('default * allows any origin and always varies on Origin', async () => {
    const res = await app(['*']).request('/x', { headers: { Origin: 'https://a.example' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    expect(res.headers.get('vary')).toBe('Origin')
  })

  test('a request without Origin gets only Vary (no CORS request); OPTIONS is a bare 204', async () => {
    const res = await app(['*']).request('/x')
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
    expect(res.headers.get('vary')).toBe('Origin')
    const options = await app(['*']).request('/x', { method: 'OPTIONS' })
    expect(options.status).toBe(204)
    expect(options.headers.get('vary')).toBe('Origin')
    expect(options.headers.get('access-control-allow-methods')).toBeNull()
  })

  test('a listed origin with wildcards is echoed; others get no allow header', async () => {
    const h = app(['https://a.example', 'https://*.b.example'])
    const ok = await h.request('/x', { headers: { Origin: 'https://x.b.example' } })
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://x.b.example')
    const bad = await h.request('/x', { headers: { Origin: 'https://evil.example' } })
    expect(bad.headers.get('access-control-allow-origin')).toBeNull()
    expect(bad.headers.get('vary')).toBe('Origin')
    const lookalike = await h.request('/x', { headers: { Origin: 'https://a.example.evil' } })
    expect(lookalike.headers.get('access-control-allow-origin')).toBeNull()
  })

  test('preflight: 204 with methods, echoed request headers and three Vary values', async () => {
    const res = await app(['*']).request('/x', {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://a.example',
        'Access-Control-Request-Method': 'PATCH',
        'Access-Control-Request-Headers': 'content-type,authorization',
      },
    })
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-methods')).toBe('GET,HEAD,PUT,PATCH,POST,DELETE')
    expect(res.headers.get('access-control-allow-headers')).toBe('content-type,authorization')
    expect(res.headers.get('vary')).toBe(
      'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
    )
    expect(await res.text()).toBe('')
  })
})
