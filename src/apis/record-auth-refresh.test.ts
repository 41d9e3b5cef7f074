import { describe, expect, test } from 'vitest'
import { saveRecord } from '../core/record-save.ts'
import { newRecordToken, newStaticAuthToken } from '../core/record-tokens.ts'
import { apiScenarios } from '../tests/api-scenario.ts'
import type { TestApp } from '../tests/test-app.ts'
import { TestApp as App } from '../tests/test-app.ts'
import { parseUnverifiedJwt } from '../tools/security/jwt.ts'

const URL = '/api/collections/users/auth-refresh'

async function userToken(app: TestApp): Promise<string> {
  return (await app.createAuthRecord('users', { email: 'u@example.com', password: '1234567890' }))
    .token
}

describe('POST /api/collections/{collection}/auth-refresh', () => {
  apiScenarios([
    {
      name: 'missing collection (guest)',
      method: 'POST',
      url: '/api/collections/missing/auth-refresh',
      expectedStatus: 404,
      expectedContent: ['"message":"Missing or invalid collection context."'],
    },
    {
      name: 'guest',
      method: 'POST',
      url: URL,
      expectedStatus: 401,
      expectedContent: ['"message":"The request requires valid record authorization token."'],
    },
    {
      name: 'superuser token on users → 403 naming the token collection',
      method: 'POST',
      url: URL,
      headers: async (app) => ({ Authorization: (await app.createSuperuser()).token }),
      expectedStatus: 403,
      expectedContent: [
        '"message":"The request requires auth record from _superusers collection."',
      ],
    },
    {
      name: 'user token (refreshable → new token)',
      method: 'POST',
      url: `${URL}?fields=record.email,token`,
      headers: async (app) => ({ Authorization: await userToken(app) }),
      expectedStatus: 200,
      expectedContent: ['"email":"u@example.com"', '"token":"'],
      afterTest: async (_app, body) => {
        const claims = parseUnverifiedJwt((JSON.parse(body) as { token: string }).token)
        expect(claims.refreshable).toBe(true)
        expect(claims.type).toBe('auth')
      },
    },
    {
      name: 'user token with Bearer prefix, collection by id',
      method: 'POST',
      url: '/api/collections/_pb_users_auth_/auth-refresh',
      headers: async (app) => ({ Authorization: `Bearer ${await userToken(app)}` }),
      expectedStatus: 200,
    },
    {
      name: 'file token is not an auth token',
      method: 'POST',
      url: URL,
      headers: async (app) => {
        const { record } = await app.createAuthRecord('users', {
          email: 'u@example.com',
          password: '1234567890',
        })
        return { Authorization: await newRecordToken(record, 'fileToken') }
      },
      expectedStatus: 401,
    },
    {
      name: 'verification token is not an auth token',
      method: 'POST',
      url: URL,
      headers: async (app) => {
        const { record } = await app.createAuthRecord('users', {
          email: 'u@example.com',
          password: '1234567890',
        })
        return {
          Authorization: await newRecordToken(record, 'verificationToken', {
            email: 'u@example.com',
          }),
        }
      },
      expectedStatus: 401,
    },
    {
      name: 'authRule null → 403',
      method: 'POST',
      url: URL,
      headers: async (app) => {
        const token = await userToken(app)
        const users = app.findCollectionByNameOrId('users')
        users.auth!.authRule = null
        return { Authorization: token }
      },
      expectedStatus: 403,
      expectedContent: ["The request doesn't satisfy the collection requirements to authenticate."],
    },
    ...[
      { header: 'yes', status: 200 },
      { header: 'no', status: 403 },
    ].map(({ header, status }) => ({
      name: `authRule on @request.headers (X-Client: ${header}) → ${status}`,
      method: 'POST' as const,
      url: URL,
      headers: async (app: Parameters<typeof userToken>[0]) => {
        const token = await userToken(app)
        const users = app.findCollectionByNameOrId('users')
        users.auth!.authRule = "@request.headers.x_client = 'yes'"
        return { Authorization: token, 'X-Client': header }
      },
      expectedStatus: status,
    })),
  ])
})

describe('auth tokens', () => {
  test('a static (impersonate) token is echoed back by auth-refresh', async () => {
    const app = await App.create()
    try {
      const { record } = await app.createAuthRecord('users', {
        email: 'u@example.com',
        password: '1234567890',
      })
      const token = await newStaticAuthToken(record, 100)
      const res = await app.request('POST', URL, { headers: { Authorization: token } })
      expect(res.status).toBe(200)
      expect(((await res.json()) as { token: string }).token).toBe(token)
    } finally {
      await app.cleanup()
    }
  })

  test('changing the password or the tokenKey revokes earlier tokens', async () => {
    const app = await App.create()
    try {
      const { record, token } = await app.createAuthRecord('users', {
        email: 'u@example.com',
        password: '1234567890',
      })
      const refresh = (t: string) => app.request('POST', URL, { headers: { Authorization: t } })
      expect((await refresh(token)).status).toBe(200)

      record.set('password', 'a-new-password')
      await saveRecord(app, record)
      expect((await refresh(token)).status).toBe(401)

      const login = await app.request('POST', '/api/collections/users/auth-with-password', {
        body: { identity: 'u@example.com', password: 'a-new-password' },
      })
      expect(login.status).toBe(200)
      const second = ((await login.json()) as { token: string }).token
      expect((await refresh(second)).status).toBe(200)

      record.set('tokenKey', 'x'.repeat(50))
      await saveRecord(app, record)
      expect((await refresh(second)).status).toBe(401)
    } finally {
      await app.cleanup()
    }
  })
})
