import { describe, expect } from 'vitest'
import { apiScenarios } from '../tests/api-scenario.ts'
import type { TestApp } from '../tests/test-app.ts'

const URL = '/api/collections/users/auth-with-password'

async function seedUser(app: TestApp): Promise<void> {
  await app.createAuthRecord('users', {
    email: 'test@example.com',
    password: '1234567890',
    name: 'Test',
  })
}

async function patchUsers(
  app: TestApp,
  patch: (o: NonNullable<ReturnType<TestApp['findCollection']>>) => void,
) {
  const users = app.findCollectionByNameOrId('users')
  patch(users)
  const q = app.db.dialect.quoteIdent
  const row = users.toRow()
  await app.db.run(`UPDATE ${q('_collections')} SET options = ?, indexes = ? WHERE id = ?`, [
    row.options as string,
    row.indexes as string,
    users.id,
  ])
  await app.reloadCollections()
}

describe('POST /api/collections/{collection}/auth-with-password', () => {
  apiScenarios([
    {
      name: 'missing collection',
      method: 'POST',
      url: '/api/collections/missing/auth-with-password',
      body: { identity: 'a@b.co', password: '1234567890' },
      expectedStatus: 404,
      expectedContent: ['"message":"Missing or invalid collection context."'],
    },
    {
      name: 'non-auth collection',
      method: 'POST',
      url: '/api/collections/_params/auth-with-password',
      body: {},
      expectedStatus: 404,
      beforeTest: async () => {},
      expectedContent: ['"message":"Missing or invalid'],
    },
    {
      name: 'empty body (guest)',
      method: 'POST',
      url: URL,
      body: {},
      expectedStatus: 400,
      expectedContent: [
        '"message":"An error occurred while validating the submitted data."',
        '"identity":{"code":"validation_required"',
        '"password":{"code":"validation_required"',
      ],
    },
    {
      name: 'malformed JSON',
      method: 'POST',
      url: URL,
      headers: { 'content-type': 'application/json' },
      body: '{bad' as unknown as object,
      expectedStatus: 400,
      expectedContent: ['"message":"An error occurred while loading the submitted data."'],
    },
    {
      name: 'identity of the wrong type',
      method: 'POST',
      url: URL,
      body: { identity: 123, password: '1234567890' },
      expectedStatus: 400,
      expectedContent: ['An error occurred while loading the submitted data.'],
    },
    {
      name: 'too long password',
      method: 'POST',
      url: URL,
      body: { identity: 'test@example.com', password: 'a'.repeat(256) },
      expectedStatus: 400,
      expectedContent: ['"code":"validation_length_out_of_range"', '"params":{"max":255,"min":1}'],
    },
    {
      name: 'identityField not listed',
      method: 'POST',
      url: URL,
      body: { identity: 'test@example.com', password: '1234567890', identityField: 'name' },
      beforeTest: seedUser,
      expectedStatus: 400,
      expectedContent: ['"identityField":{"code":"validation_in_invalid"'],
    },
    {
      name: 'unknown identity',
      method: 'POST',
      url: URL,
      body: { identity: 'missing@example.com', password: '1234567890' },
      beforeTest: seedUser,
      expectedStatus: 400,
      expectedContent: ['"message":"Failed to authenticate."', '"data":{}'],
    },
    {
      name: 'wrong password',
      method: 'POST',
      url: URL,
      body: { identity: 'test@example.com', password: '1234567891' },
      beforeTest: seedUser,
      expectedStatus: 400,
      expectedContent: ['"message":"Failed to authenticate."'],
    },
    {
      name: 'email is case-sensitive without COLLATE NOCASE',
      method: 'POST',
      url: URL,
      body: { identity: 'TEST@example.com', password: '1234567890' },
      beforeTest: seedUser,
      expectedStatus: 400,
      expectedContent: ['"message":"Failed to authenticate."'],
    },
    {
      name: 'valid credentials (guest)',
      method: 'POST',
      url: URL,
      body: { identity: 'test@example.com', password: '1234567890' },
      beforeTest: seedUser,
      expectedStatus: 200,
      expectedContent: ['"token":"', '"email":"test@example.com"', '"collectionName":"users"'],
      notExpectedContent: ['"password"', '"tokenKey"', '"meta"'],
      // the first sign-in stores the device in _authOrigins (PocketBase counts that create too)
      expectedEvents: { onRecordCreate: 1, onRecordUpdate: 0 },
      afterTest: async (app, body) => {
        const { token } = JSON.parse(body) as { token: string }
        const res = await app.request('POST', '/api/collections/users/auth-refresh', {
          headers: { Authorization: token },
        })
        expect(res.status).toBe(200)
      },
    },
    {
      name: 'explicit identityField',
      method: 'POST',
      url: `${URL}?fields=record.email`,
      body: { identity: 'test@example.com', password: '1234567890', identityField: 'email' },
      beforeTest: seedUser,
      expectedStatus: 200,
      expectedContent: ['{"record":{"email":"test@example.com"}}'],
    },
    {
      name: 'case-insensitive with a COLLATE NOCASE unique index',
      method: 'POST',
      url: URL,
      body: { identity: 'TEST@EXAMPLE.COM', password: '1234567890' },
      beforeTest: async (app) => {
        await seedUser(app)
        await patchUsers(app, (c) => {
          c.indexes = c.indexes.map((i) =>
            i.includes('idx_email_') ? i.replace('(`email`)', '(`email` COLLATE NOCASE)') : i,
          )
        })
      },
      expectedStatus: 200,
      expectedContent: ['"email":"test@example.com"'],
    },
    {
      name: 'a non-email identity skips the email field and tries the others',
      method: 'POST',
      url: URL,
      body: { identity: 'Test', password: '1234567890' },
      beforeTest: async (app) => {
        await seedUser(app)
        await patchUsers(app, (c) => {
          c.auth!.passwordAuth.identityFields = ['email', 'name']
          c.indexes = [...c.indexes, 'CREATE UNIQUE INDEX `idx_name_x` ON `users` (`name`)']
        })
        await app.db.exec('CREATE UNIQUE INDEX `idx_name_x` ON `users` (`name`)')
      },
      expectedStatus: 200,
      expectedContent: ['"name":"Test"'],
    },
    {
      name: 'identity field without a unique index never matches',
      method: 'POST',
      url: URL,
      body: { identity: 'Test', password: '1234567890' },
      beforeTest: async (app) => {
        await seedUser(app)
        await patchUsers(app, (c) => {
          c.auth!.passwordAuth.identityFields = ['email', 'name']
        })
      },
      expectedStatus: 400,
      expectedContent: ['"message":"Failed to authenticate."'],
    },
    {
      name: 'password auth disabled',
      method: 'POST',
      url: URL,
      body: { identity: 'test@example.com', password: '1234567890' },
      beforeTest: async (app) => {
        await seedUser(app)
        await patchUsers(app, (c) => {
          c.auth!.passwordAuth.enabled = false
        })
      },
      expectedStatus: 403,
      expectedContent: [
        '"message":"The collection is not configured to allow password authentication."',
      ],
    },
    {
      name: 'authRule null blocks everyone but superusers',
      method: 'POST',
      url: URL,
      body: { identity: 'test@example.com', password: '1234567890' },
      beforeTest: async (app) => {
        await seedUser(app)
        await patchUsers(app, (c) => {
          c.auth!.authRule = null
        })
      },
      expectedStatus: 403,
      expectedContent: [
        `"message":"The request doesn't satisfy the collection requirements to authenticate."`,
      ],
    },
    {
      name: 'authRule null (superuser requester passes)',
      method: 'POST',
      url: URL,
      body: { identity: 'test@example.com', password: '1234567890' },
      headers: async (app) => ({ Authorization: (await app.createSuperuser()).token }),
      beforeTest: async (app) => {
        await seedUser(app)
        await patchUsers(app, (c) => {
          c.auth!.authRule = null
        })
      },
      expectedStatus: 200,
      expectedContent: ['"token":"'],
    },
    {
      name: 'superuser login',
      method: 'POST',
      url: '/api/collections/_superusers/auth-with-password',
      body: { identity: 'admin@example.com', password: '1234567890' },
      beforeTest: async (app) => {
        await app.createSuperuser()
      },
      expectedStatus: 200,
      expectedContent: ['"collectionName":"_superusers"', '"email":"admin@example.com"'],
    },
  ])
})
