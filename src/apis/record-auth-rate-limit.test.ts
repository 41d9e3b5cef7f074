import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { mergeSettings } from '../core/settings-model.ts'
import { TestApp } from '../tests/test-app.ts'

const IP = { 'X-Forwarded-For': '203.0.113.7' }

describe('rate limit tags of the email and OTP auth routes', () => {
  let app: TestApp
  beforeEach(async () => {
    app = await TestApp.create()
    // In-process requests have no socket: the client IP comes from a trusted proxy header.
    await app.saveSettings(
      mergeSettings(app.settings(), {
        rateLimits: { enabled: true },
        trustedProxy: { headers: ['X-Forwarded-For'] },
      }),
    )
  })
  afterEach(async () => {
    await app.cleanup()
  })

  test.each([
    ['auth-with-otp (*:auth, 2 per 3 s)', 'auth-with-otp', { otpId: 'x', password: 'y' }, 2],
  ])('%s', async (_name, route, body, allowed) => {
    const statuses: number[] = []
    for (let i = 0; i < allowed + 1; i++) {
      const res = await app.request('POST', `/api/collections/users/${route}`, {
        body,
        headers: IP,
      })
      statuses.push(res.status)
    }
    expect(statuses.slice(0, allowed).every((s) => s !== 429)).toBe(true)
    expect(statuses[allowed]).toBe(429)
  })

  test('a users:requestVerification rule limits only that route', async () => {
    const s = app.settings()
    await app.saveSettings(
      mergeSettings(s, {
        rateLimits: {
          rules: [
            ...s.rateLimits.rules,
            { label: 'users:requestVerification', audience: '', duration: 60, maxRequests: 1 },
          ],
        },
      }),
    )
    const send = (route: string) =>
      app.request('POST', `/api/collections/users/${route}`, {
        body: { email: 'a@example.com' },
        headers: IP,
      })
    expect((await send('request-verification')).status).toBe(204)
    expect((await send('request-verification')).status).toBe(429)
    expect((await send('request-password-reset')).status).toBe(204)
  })
})
