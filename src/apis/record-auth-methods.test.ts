import { describe, expect, test } from 'vitest'
import { apiScenarios } from '../tests/api-scenario.ts'
import type { TestApp } from '../tests/test-app.ts'
import { parseUnverifiedJwt } from '../tools/security/jwt.ts'

async function userId(app: TestApp): Promise<string> {
  const { record } = await app.createAuthRecord('users', {
    email: 'u@example.com',
    password: '1234567890',
  })
  return record.id
}

describe('GET /api/collections/{collection}/auth-methods', () => {
  apiScenarios([
    {
      name: 'missing collection',
      method: 'GET',
      url: '/api/collections/missing/auth-methods',
      expectedStatus: 404,
      expectedContent: ['"message":"Missing or invalid collection context."'],
    },
    {
      name: 'users (guest), full shape with legacy keys',
      method: 'GET',
      url: '/api/collections/users/auth-methods',
      expectedStatus: 200,
      expectedContent: [
        '"password":{"identityFields":["email"],"enabled":true}',
        '"oauth2":{"providers":[],"enabled":false}',
        '"mfa":{"enabled":false,"duration":0}',
        '"otp":{"enabled":false,"duration":0}',
        '"authProviders":[]',
        '"usernamePassword":false',
        '"emailPassword":true',
      ],
      expectedEvents: { '*': 0 },
    },
    {
      name: 'what the SDK asks (fields=mfa,otp,password,oauth2)',
      method: 'GET',
      url: '/api/collections/users/auth-methods?fields=mfa,otp,password,oauth2',
      expectedStatus: 200,
      notExpectedContent: ['authProviders', 'emailPassword'],
      afterTest: async (_app, body) => {
        expect(Object.keys(JSON.parse(body) as object).sort()).toEqual([
          'mfa',
          'oauth2',
          'otp',
          'password',
        ])
      },
    },
    {
      name: 'disabled password auth → no identity fields; enabled MFA → duration',
      method: 'GET',
      url: '/api/collections/users/auth-methods',
      beforeTest: async (app) => {
        const o = app.findCollectionByNameOrId('users').auth!
        o.passwordAuth.enabled = false
        o.mfa.enabled = true
      },
      expectedStatus: 200,
      expectedContent: [
        '"password":{"identityFields":[],"enabled":false}',
        '"mfa":{"enabled":true,"duration":600}',
        '"emailPassword":false',
      ],
    },
  ])
})

describe('POST /api/collections/{collection}/impersonate/{id}', () => {
  apiScenarios([
    {
      name: 'guest',
      method: 'POST',
      url: '/api/collections/users/impersonate/x',
      expectedStatus: 401,
      expectedContent: ['"message":"The request requires valid record authorization token."'],
    },
    {
      name: 'regular user',
      method: 'POST',
      url: '/api/collections/users/impersonate/x',
      headers: async (app) => ({
        Authorization: (
          await app.createAuthRecord('users', { email: 'u@example.com', password: '1234567890' })
        ).token,
      }),
      expectedStatus: 403,
      expectedContent: ['"message":"The authorized record is not allowed to perform this action."'],
    },
    {
      name: 'missing collection (superuser)',
      method: 'POST',
      url: '/api/collections/missing/impersonate/x',
      headers: async (app) => ({ Authorization: (await app.createSuperuser()).token }),
      expectedStatus: 404,
      expectedContent: ['"message":"Missing or invalid auth collection context."'],
    },
    {
      name: 'missing record (superuser)',
      method: 'POST',
      url: '/api/collections/users/impersonate/missing',
      headers: async (app) => ({ Authorization: (await app.createSuperuser()).token }),
      expectedStatus: 404,
    },
    {
      name: 'negative duration',
      method: 'POST',
      url: '/api/collections/users/impersonate/x',
      headers: async (app) => ({ Authorization: (await app.createSuperuser()).token }),
      body: { duration: -1 },
      expectedStatus: 400,
      expectedContent: ['"duration":{"code":"validation_min_greater_equal_than_required"'],
    },
    {
      name: 'non-integer duration',
      method: 'POST',
      url: '/api/collections/users/impersonate/x',
      headers: async (app) => ({ Authorization: (await app.createSuperuser()).token }),
      body: { duration: 1.5 },
      expectedStatus: 400,
      expectedContent: ['An error occurred while loading the submitted data.'],
    },
  ])

  test('superuser gets a non-refreshable token with the given duration', async () => {
    const { TestApp } = await import('../tests/test-app.ts')
    const app = await TestApp.create()
    try {
      const id = await userId(app)
      const su = await app.createSuperuser()
      const res = await app.request('POST', `/api/collections/users/impersonate/${id}`, {
        headers: { Authorization: su.token },
        body: { duration: 100 },
      })
      expect(res.status).toBe(200)
      const body = (await res.json()) as { token: string; record: { id: string; email: string } }
      expect(body.record.id).toBe(id)
      expect(body.record.email).toBe('u@example.com')
      const claims = parseUnverifiedJwt(body.token)
      expect(claims.refreshable).toBe(false)
      const exp = claims.exp as number
      expect(Math.abs(exp - (Date.now() / 1000 + 100))).toBeLessThan(5)
      const refreshed = await app.request('POST', '/api/collections/users/auth-refresh', {
        headers: { Authorization: body.token },
      })
      expect(((await refreshed.json()) as { token: string }).token).toBe(body.token)
    } finally {
      await app.cleanup()
    }
  })
})
