import { describe, expect, test } from 'vitest'
import { Collection, defaultCollectionId } from '../core/collection-model.ts'
import { createCollectionTable } from '../core/db-table.ts'
import { fieldFromJSON } from '../core/field.ts'
import { apiScenarios } from '../tests/api-scenario.ts'
import { TestApp } from '../tests/test-app.ts'

/** Creates a `posts` base collection (title required, all rules public) straight in the db. */
async function seedPosts(app: TestApp, rules: string | null = ''): Promise<void> {
  const c = new Collection()
  c.name = 'posts'
  c.id = defaultCollectionId('base', 'posts')
  c.fields = [
    fieldFromJSON({
      id: 'text3208210256',
      name: 'id',
      type: 'text',
      system: true,
      primaryKey: true,
      required: true,
      min: 15,
      max: 15,
      pattern: '^[a-z0-9]+$',
      autogeneratePattern: '[a-z0-9]{15}',
    } as never),
    fieldFromJSON({ id: 'text1', name: 'title', type: 'text', required: true } as never),
  ]
  c.listRule = rules
  c.viewRule = rules
  c.createRule = rules
  c.updateRule = rules
  c.deleteRule = rules
  c.created = c.updated = '2024-01-01 00:00:00.000Z'
  const row = c.toRow()
  const cols = Object.keys(row)
  await app.db.run(
    `INSERT INTO \`_collections\` (${cols.map((k) => `\`${k}\``).join(',')}) VALUES (${cols.map(() => '?').join(',')})`,
    cols.map((k) => row[k] as string | number | null),
  )
  await createCollectionTable(app.db, c)
  await app.reloadCollections()
}

async function enableBatch(
  app: TestApp,
  patch: Partial<ReturnType<TestApp['settings']>['batch']> = {},
) {
  const s = structuredClone(app.settings())
  s.batch = { ...s.batch, enabled: true, ...patch }
  await app.saveSettings(s)
}

async function setup(app: TestApp): Promise<void> {
  await seedPosts(app)
  await enableBatch(app, { maxRequests: 3 })
}

const countPosts = async (app: TestApp) =>
  (await app.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM `posts`'))?.n

describe('POST /api/batch', () => {
  apiScenarios([
    {
      name: 'disabled by default',
      method: 'POST',
      url: '/api/batch',
      body: { requests: [] },
      expectedStatus: 403,
      expectedContent: ['"message":"Batch requests are not allowed."'],
    },
    {
      name: 'missing requests',
      method: 'POST',
      url: '/api/batch',
      body: {},
      beforeTest: setup,
      expectedStatus: 400,
      expectedContent: [
        '"message":"Invalid batch request data."',
        '"requests":{"code":"validation_required"',
      ],
    },
    {
      name: 'too many requests',
      method: 'POST',
      url: '/api/batch',
      body: { requests: [{}, {}, {}, {}].map(() => ({ method: 'POST', url: '/api/x' })) },
      beforeTest: setup,
      expectedStatus: 400,
      expectedContent: ['"code":"validation_length_too_long"', '"params":{"max":3,"min":0}'],
    },
    {
      name: 'invalid items',
      method: 'POST',
      url: '/api/batch',
      body: { requests: [{ method: 'XX', url: '' }, {}] },
      beforeTest: setup,
      expectedStatus: 400,
      afterTest: async (_app, body) => {
        expect(JSON.parse(body).data).toEqual({
          requests: {
            '0': {
              method: { code: 'validation_in_invalid', message: 'Must be a valid value.' },
              url: { code: 'validation_required', message: 'Cannot be blank.' },
            },
            '1': {
              method: { code: 'validation_required', message: 'Cannot be blank.' },
              url: { code: 'validation_required', message: 'Cannot be blank.' },
            },
          },
        })
      },
    },
    {
      name: 'malformed JSON',
      method: 'POST',
      url: '/api/batch',
      headers: { 'content-type': 'application/json' },
      body: '{bad' as unknown as object,
      beforeTest: setup,
      expectedStatus: 400,
    },
    {
      name: 'requests of the wrong type',
      method: 'POST',
      url: '/api/batch',
      body: { requests: 'x' },
      beforeTest: setup,
      expectedStatus: 400,
      expectedContent: ['Failed to read the submitted batch data.'],
    },
    {
      name: 'action not allowed (list)',
      method: 'POST',
      url: '/api/batch',
      body: { requests: [{ method: 'GET', url: '/api/collections/posts/records' }] },
      beforeTest: setup,
      expectedStatus: 400,
      afterTest: async (_app, body) => {
        expect(JSON.parse(body)).toEqual({
          data: {
            requests: {
              '0': {
                code: 'batch_request_failed',
                message: 'Batch request failed.',
                response: {
                  data: {},
                  message: 'Something went wrong while processing your request.',
                  status: 400,
                },
              },
            },
          },
          message: 'Batch transaction failed.',
          status: 400,
        })
      },
    },
    {
      name: 'create, upsert (update + create) and delete in one transaction',
      method: 'POST',
      url: '/api/batch',
      beforeTest: async (app) => {
        await seedPosts(app)
        await enableBatch(app)
      },
      body: {
        requests: [
          {
            method: 'POST',
            url: '/api/collections/posts/records?fields=id,title',
            body: { id: 'aaaaaaaaaaaaaaa', title: 'a' },
          },
          {
            method: 'PUT',
            url: '/api/collections/posts/records?fields=title',
            body: { id: 'aaaaaaaaaaaaaaa', title: 'b' },
          },
          {
            method: 'PUT',
            url: '/api/collections/posts/records?fields=title',
            body: { title: 'c' },
          },
          { method: 'DELETE', url: '/api/collections/posts/records/aaaaaaaaaaaaaaa' },
        ],
      },
      expectedStatus: 200,
      afterTest: async (app, body) => {
        expect(JSON.parse(body)).toEqual([
          { status: 200, body: { id: 'aaaaaaaaaaaaaaa', title: 'a' } },
          { status: 200, body: { title: 'b' } },
          { status: 200, body: { title: 'c' } },
          { status: 204, body: null },
        ])
        expect(await countPosts(app)).toBe(1)
      },
    },
    {
      name: 'all or nothing: a failing 3rd request leaves nothing written',
      method: 'POST',
      url: '/api/batch',
      beforeTest: setup,
      body: {
        requests: [
          { method: 'POST', url: '/api/collections/posts/records', body: { title: 'a' } },
          { method: 'POST', url: '/api/collections/posts/records', body: { title: 'b' } },
          { method: 'POST', url: '/api/collections/posts/records', body: {} },
        ],
      },
      expectedStatus: 400,
      expectedContent: [
        '"message":"Batch transaction failed."',
        '"2":{"code":"batch_request_failed","message":"Batch request failed."',
        '"title":{"code":"validation_required"',
      ],
      afterTest: async (app) => {
        expect(await countPosts(app)).toBe(0)
      },
    },
    {
      name: 'missing collection in a sub-request',
      method: 'POST',
      url: '/api/batch',
      beforeTest: setup,
      body: { requests: [{ method: 'POST', url: '/api/collections/nope/records', body: {} }] },
      expectedStatus: 400,
      expectedContent: ['"status":404'],
    },
    {
      name: "sub-requests run with the caller's auth (superuser-only rule, guest caller)",
      method: 'POST',
      url: '/api/batch',
      beforeTest: async (app) => {
        await seedPosts(app, null)
        await enableBatch(app)
      },
      body: {
        requests: [
          {
            method: 'POST',
            url: '/api/collections/posts/records',
            // NOTE: a sub-request's own Authorization header is ignored.
            headers: { Authorization: 'anything' },
            body: { title: 'a' },
          },
        ],
      },
      expectedStatus: 400,
      expectedContent: ['"message":"Only superusers can perform this action."', '"status":403'],
    },
    {
      name: 'superuser caller passes the locked rule; top-level fields apply to each result',
      method: 'POST',
      url: '/api/batch?fields=status',
      headers: async (app) => ({ Authorization: (await app.createSuperuser()).token }),
      beforeTest: async (app) => {
        await seedPosts(app, null)
        await enableBatch(app)
      },
      body: {
        requests: [{ method: 'POST', url: '/api/collections/posts/records', body: { title: 'a' } }],
      },
      expectedStatus: 200,
      afterTest: async (app, body) => {
        expect(JSON.parse(body)).toEqual([{ status: 200 }])
        expect(await countPosts(app)).toBe(1)
      },
    },
    {
      name: 'body over batch.maxBodySize',
      method: 'POST',
      url: '/api/batch',
      beforeTest: async (app) => {
        await seedPosts(app)
        await enableBatch(app, { maxBodySize: 100 })
      },
      body: {
        requests: [
          {
            method: 'POST',
            url: '/api/collections/posts/records',
            body: { title: 'x'.repeat(200) },
          },
        ],
      },
      expectedStatus: 413,
    },
  ])

  test('multipart (what the SDK sends): @jsonPayload plus file parts', async () => {
    const app = await TestApp.create()
    try {
      await setup(app)
      const form = new FormData()
      form.append(
        '@jsonPayload',
        JSON.stringify({
          requests: [
            { method: 'POST', url: '/api/collections/posts/records', body: { title: 'a' } },
          ],
        }),
      )
      form.append('requests.0.attachment', new File(['hello'], 'a.txt', { type: 'text/plain' }))
      const res = await app.request('POST', '/api/batch', { body: form })
      expect(res.status).toBeLessThan(500)
      const body = (await res.json()) as unknown
      expect(Array.isArray(body) || typeof body === 'object').toBe(true)
    } finally {
      await app.cleanup()
    }
  })

  test('timeout rolls the whole batch back', async () => {
    const app = await TestApp.create()
    try {
      await seedPosts(app)
      await enableBatch(app, { timeout: 1 })
      let n = 0
      app.onRecordCreate.bind(async (e) => {
        await e.next()
        if (++n === 2) await new Promise((r) => setTimeout(r, 1500))
      })
      const started = Date.now()
      const res = await app.request('POST', '/api/batch', {
        body: {
          requests: ['a', 'b', 'c'].map((title) => ({
            method: 'POST',
            url: '/api/collections/posts/records',
            body: { title },
          })),
        },
      })
      expect(res.status).toBe(400)
      expect(((await res.json()) as { message: string }).message).toBe('Batch transaction failed.')
      expect(Date.now() - started).toBeLessThan(1400)
      await new Promise((r) => setTimeout(r, 800))
      expect(await countPosts(app)).toBe(0)
    } finally {
      await app.cleanup()
    }
  })
})
