import { describe, expect, test } from 'vitest'
import { apiScenarios } from '../tests/api-scenario.ts'
import { TestApp } from '../tests/test-app.ts'

const superuser = async (app: TestApp) => ({ Authorization: (await app.createSuperuser()).token })
const user = async (app: TestApp) => ({
  Authorization: (
    await app.createAuthRecord('users', { email: 'u@example.com', password: '1234567890' })
  ).token,
})

// Statuses and messages as PocketBase 0.40.4 answered the same requests.
const UNAUTHORIZED = '"message":"The request requires valid record authorization token."'
const FORBIDDEN = '"message":"The authorized record is not allowed to perform this action."'

describe('GET /api/crons', () => {
  apiScenarios([
    {
      name: 'list (guest)',
      method: 'GET',
      url: '/api/crons',
      expectedStatus: 401,
      expectedContent: [UNAUTHORIZED],
    },
    {
      name: 'list (user)',
      method: 'GET',
      url: '/api/crons',
      headers: user,
      expectedStatus: 403,
      expectedContent: [FORBIDDEN],
    },
    {
      name: 'list (superuser, no jobs)',
      method: 'GET',
      url: '/api/crons',
      headers: superuser,
      beforeTest: async (app) => app.cron().removeAll(),
      expectedStatus: 200,
      expectedContent: ['[]'],
    },
    {
      name: 'list (superuser): user jobs by id (byte order), then system jobs as registered',
      method: 'GET',
      url: '/api/crons',
      headers: superuser,
      beforeTest: async (app) => {
        // the ids PocketBase 0.40.4 was given through pb_hooks cronAdd, in this order
        for (const [id, expr] of [
          ['b', '* * * * *'],
          ['a', '@daily'],
          ['B', '@hourly'],
          ['_x', '0 0 1 1 *'],
          ['__pbZ', '0 0 1 1 *'],
          ['z__pb', '0 0 1 1 *'],
        ] as const) {
          app.cron().add(id, expr, () => {})
        }
      },
      expectedStatus: 200,
      afterTest: async (_app, body) => {
        expect(JSON.parse(body)).toEqual([
          { id: 'B', expression: '0 * * * *' },
          { id: '_x', expression: '0 0 1 1 *' },
          { id: 'a', expression: '0 0 * * *' },
          { id: 'b', expression: '* * * * *' },
          { id: 'z__pb', expression: '0 0 1 1 *' },
          { id: '__pbDBOptimize__', expression: '0 0 * * *' },
          { id: '__pbMFACleanup__', expression: '0 * * * *' },
          { id: '__pbOTPCleanup__', expression: '0 * * * *' },
          // NOTE: PocketBase listed __pbZ before __pbLogsCleanup__: its pb_hooks (cronAdd) run
          // before the logger registers that job; here every system job exists at bootstrap
          { id: '__pbLogsCleanup__', expression: '0 */6 * * *' },
          { id: '__pbZ', expression: '0 0 1 1 *' },
        ])
      },
    },
    {
      name: 'list (superuser, ?fields=id)',
      method: 'GET',
      url: '/api/crons?fields=id',
      headers: superuser,
      expectedStatus: 200,
      expectedContent: ['[{"id":"__pbDBOptimize__"},{"id":"__pbMFACleanup__"}'],
      notExpectedContent: ['expression'],
    },
  ])
})

describe('POST /api/crons/{id}', () => {
  apiScenarios([
    {
      name: 'run (guest)',
      method: 'POST',
      url: '/api/crons/__pbDBOptimize__',
      expectedStatus: 401,
      expectedContent: [UNAUTHORIZED],
    },
    {
      name: 'run (user)',
      method: 'POST',
      url: '/api/crons/__pbDBOptimize__',
      headers: user,
      expectedStatus: 403,
      expectedContent: [FORBIDDEN],
    },
    {
      name: 'run an unknown job (superuser)',
      method: 'POST',
      url: '/api/crons/missing',
      headers: superuser,
      expectedStatus: 404,
      expectedContent: ['"status":404', '"message":"Missing or invalid cron job."', '"data":{}'],
    },
  ])

  test('run (superuser): 204 at once, the job runs in the background', async () => {
    const app = await TestApp.create()
    try {
      const { token } = await app.createSuperuser()
      let release!: () => void
      const gate = new Promise<void>((r) => {
        release = r
      })
      let finished = false
      const done = new Promise<void>((resolve) => {
        app.cron().add('slow', '0 0 1 1 *', async () => {
          await gate
          finished = true
          resolve()
        })
      })
      const res = await app.request('POST', '/api/crons/slow', {
        headers: { Authorization: token },
      })
      expect(res.status).toBe(204)
      expect(await res.text()).toBe('')
      expect(finished).toBe(false)
      release()
      await done
      expect(finished).toBe(true)
    } finally {
      await app.cleanup()
    }
  })
})

describe('__pbRateLimitersCleanup__', () => {
  test('is added with the rate limiter on the first limited request, like PocketBase', async () => {
    const app = await TestApp.create()
    try {
      const { token } = await app.createSuperuser()
      const ids = () =>
        app
          .cron()
          .jobs()
          .map((j) => j.id)
      await app.request('GET', '/api/health')
      expect(ids()).not.toContain('__pbRateLimitersCleanup__')
      await app.saveSettings({
        ...app.settings(),
        rateLimits: {
          ...app.settings().rateLimits,
          enabled: true,
          rules: [{ label: '/api/health', audience: '', duration: 60, maxRequests: 100 }],
        },
        // in-process requests have no socket address: the client IP comes from this header
        trustedProxy: { headers: ['X-Forwarded-For'], useLeftmostIP: false },
      })
      await app.request('GET', '/api/health', { headers: { 'X-Forwarded-For': '10.0.0.1' } })
      const res = await app.request('GET', '/api/crons', { headers: { Authorization: token } })
      const list = (await res.json()) as { id: string; expression: string }[]
      expect(list.at(-1)).toEqual({ id: '__pbRateLimitersCleanup__', expression: '2 * * * *' })
      await app.cron().job('__pbRateLimitersCleanup__')?.run()
    } finally {
      await app.cleanup()
    }
  })
})
