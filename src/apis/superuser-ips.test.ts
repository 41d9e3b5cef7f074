import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { mergeSettings } from '../core/settings-model.ts'
import { TestApp } from '../tests/test-app.ts'

// In-process requests have no socket: the client IP comes from a trusted proxy header.
const from = (ip: string) => ({ 'X-Forwarded-For': ip })

describe('settings.superuserIPs (as PocketBase 0.40.4 answers)', () => {
  let app: TestApp
  let token: string
  beforeEach(async () => {
    app = await TestApp.create()
    token = (await app.createSuperuser()).token
    await app.saveSettings(
      mergeSettings(app.settings(), {
        superuserIPs: ['10.9.9.9', '192.168.0.0/16'],
        trustedProxy: { headers: ['X-Forwarded-For'] },
      }),
    )
  })
  afterEach(async () => {
    await app.cleanup()
  })

  test.each(['/api/health', '/api/settings', '/api/collections'])(
    'a superuser token from another IP gets 403 on %s',
    async (url) => {
      const res = await app.request('GET', url, {
        headers: { Authorization: token, ...from('203.0.113.7') },
      })
      expect(res.status).toBe(403)
      expect(await res.json()).toEqual({
        data: {},
        message: 'You are not allowed to perform this request.',
        status: 403,
      })
    },
  )

  test('listed addresses and ranges pass', async () => {
    for (const ip of ['10.9.9.9', '192.168.3.4']) {
      const res = await app.request('GET', '/api/settings', {
        headers: { Authorization: token, ...from(ip) },
      })
      expect(res.status, ip).toBe(200)
    }
  })

  test('superuser sign-in from another IP is refused; guests and users are unaffected', async () => {
    const body = { identity: 'admin@example.com', password: '1234567890' }
    const denied = await app.request('POST', '/api/collections/_superusers/auth-with-password', {
      body,
      headers: from('203.0.113.7'),
    })
    expect(denied.status).toBe(403)
    const allowed = await app.request('POST', '/api/collections/_superusers/auth-with-password', {
      body,
      headers: from('10.9.9.9'),
    })
    expect(allowed.status).toBe(200)
    const guest = await app.request('GET', '/api/health', { headers: from('203.0.113.7') })
    expect(guest.status).toBe(200)
  })
})
