import { describe, expect } from 'vitest'
import { findRecordById } from '../core/record-query.ts'
import { apiScenarios } from '../tests/api-scenario.ts'
import { IDS, memberHeaders, seedRecordsSchema, superuserHeaders } from './record-crud.seed.ts'

const POSTS = '/api/collections/posts/records'
const POST = (id: string) => `${POSTS}/${id}`
const FAILED_CREATE = '"message":"Failed to create record."'
const FAILED_UPDATE = '"message":"Failed to update record."'

async function count(
  app: Parameters<NonNullable<Parameters<typeof apiScenarios>[0][0]['beforeTest']>>[0],
  table: string,
) {
  const row = await app.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM \`${table}\``)
  return row?.n ?? 0
}

describe('POST /api/collections/{collection}/records', () => {
  apiScenarios([
    {
      name: 'missing collection',
      method: 'POST',
      url: '/api/collections/missing/records',
      body: {},
      expectedStatus: 404,
      expectedContent: ['"message":"Missing or invalid collection context."'],
    },
    {
      name: 'view collection → 400 Unsupported collection type.',
      method: 'POST',
      url: '/api/collections/pview/records',
      body: {},
      beforeTest: seedRecordsSchema,
      expectedStatus: 400,
      expectedContent: ['"message":"Unsupported collection type."'],
      expectedEvents: { '*': 0 },
    },
    {
      name: 'null createRule: guest → 403',
      method: 'POST',
      url: '/api/collections/locked/records',
      body: { title: 'x' },
      beforeTest: seedRecordsSchema,
      expectedStatus: 403,
      expectedContent: ['"message":"Only superusers can perform this action."'],
      expectedEvents: { '*': 0 },
    },
    {
      name: 'null createRule: superuser',
      method: 'POST',
      url: '/api/collections/locked/records',
      body: { title: 'x' },
      beforeTest: seedRecordsSchema,
      headers: superuserHeaders,
      expectedStatus: 200,
      expectedContent: ['"title":"x"'],
    },
    {
      name: 'guest create: unknown keys ignored, hidden dropped, autodates, autogenerate',
      method: 'POST',
      url: POSTS,
      body: {
        title: 'new',
        n: '5',
        tags: 'b',
        secret: 'nope',
        unknown: 1,
        expand: 'author',
        created: '2000-01-01 00:00:00.000Z',
      },
      beforeTest: seedRecordsSchema,
      expectedStatus: 200,
      expectedContent: ['"title":"new"', '"n":5', '"tags":["b"]'],
      notExpectedContent: ['"secret"', '"unknown"', '2000-01-01', '"expand"'],
      expectedEvents: {
        onRecordCreate: 1,
        onRecordValidate: 1,
        onRecordAfterCreateSuccess: 1,
      },
      afterTest: async (app, body) => {
        const r = JSON.parse(body)
        expect(r.id).toMatch(/^[a-z0-9]{15}$/)
        expect(r.code).toMatch(/^\d{4}$/)
        expect(r.created).not.toBe('')
        const stored = await findRecordById(app, 'posts', r.id)
        expect(stored.get('secret')).toBe('')
      },
    },
    {
      name: 'superuser create may set hidden fields and the id',
      method: 'POST',
      url: POSTS,
      body: { id: 'custom000000001', title: 'x', secret: 'yes' },
      beforeTest: seedRecordsSchema,
      headers: superuserHeaders,
      expectedStatus: 200,
      expectedContent: ['"id":"custom000000001"', '"secret":"yes"'],
    },
    {
      name: 'modifiers on create and :autogenerate',
      method: 'POST',
      url: `${POSTS}?expand=author`,
      body: {
        'n+': 2,
        'n-': 5,
        'tags+': ['a', 'c'],
        '+tags': 'b',
        'code:autogenerate': 'x-',
        author: IDS.a1,
      },
      beforeTest: seedRecordsSchema,
      expectedStatus: 200,
      afterTest: async (_app, body) => {
        const r = JSON.parse(body)
        expect(r.n).toBe(-3)
        expect(r.tags).toEqual(['b', 'a', 'c'])
        expect(r.code).toMatch(/^x-\d{4}$/)
        expect(r.expand.author.name).toBe('Alice')
      },
    },
    {
      name: 'field validation errors → 400 Failed to create record. with data, nothing written',
      method: 'POST',
      url: POSTS,
      body: { tags: ['a', 'zz'], author: 'missing00000000' },
      beforeTest: seedRecordsSchema,
      expectedStatus: 400,
      expectedContent: [FAILED_CREATE, '"tags":{"code":"validation_invalid_value"'],
      afterTest: async (app) => expect(await count(app, 'posts')).toBe(3),
    },
    {
      name: 'duplicated id → validation_not_unique',
      method: 'POST',
      url: POSTS,
      body: { id: IDS.p1 },
      beforeTest: seedRecordsSchema,
      expectedStatus: 400,
      expectedContent: [FAILED_CREATE, '"id":{"code":"validation_not_unique"'],
    },
    {
      name: 'malformed JSON → generic 400',
      method: 'POST',
      url: POSTS,
      headers: { 'content-type': 'application/json' },
      body: new TextEncoder().encode('{bad json'),
      beforeTest: seedRecordsSchema,
      expectedStatus: 400,
      expectedContent: ['"message":"Something went wrong while processing your request."'],
      expectedEvents: { '*': 0 },
    },
    {
      name: 'JSON array body → generic 400',
      method: 'POST',
      url: POSTS,
      headers: { 'content-type': 'application/json' },
      body: new TextEncoder().encode('[1,2]'),
      beforeTest: seedRecordsSchema,
      expectedStatus: 400,
      expectedContent: ['"message":"Something went wrong while processing your request."'],
    },
    {
      name: 'unsupported content type',
      method: 'POST',
      url: POSTS,
      headers: { 'content-type': 'text/plain' },
      body: new TextEncoder().encode('abc'),
      beforeTest: seedRecordsSchema,
      expectedStatus: 400,
      expectedContent: ['"message":"Unsupported Content-Type."'],
    },
    {
      name: 'multipart body with inference and repeated keys',
      method: 'POST',
      url: POSTS,
      body: (() => {
        const f = new FormData()
        f.append('title', 'multi')
        f.append('n', '7')
        f.append('tags', 'a')
        f.append('tags', 'c')
        f.append('@jsonPayload', JSON.stringify({ coauthors: [IDS.a1] }))
        return f
      })(),
      beforeTest: seedRecordsSchema,
      expectedStatus: 200,
      expectedContent: [
        '"title":"multi"',
        '"n":7',
        '"tags":["a","c"]',
        `"coauthors":["${IDS.a1}"]`,
      ],
    },
    {
      name: 'type mismatches are normalised, not 500',
      method: 'POST',
      url: POSTS,
      body: { title: { a: 1 }, n: 'abc', coauthors: 5, tags: null },
      beforeTest: seedRecordsSchema,
      expectedStatus: 400,
      expectedContent: [FAILED_CREATE, '"coauthors":'],
    },
  ])
})

describe('PATCH /api/collections/{collection}/records/{id}', () => {
  apiScenarios([
    {
      name: 'missing record → 404',
      method: 'PATCH',
      url: POST('missing00000000'),
      body: { title: 'x' },
      beforeTest: seedRecordsSchema,
      expectedStatus: 404,
      expectedEvents: { '*': 0 },
    },
    {
      name: 'view collection → 400',
      method: 'PATCH',
      url: `/api/collections/pview/records/${IDS.p1}`,
      body: {},
      beforeTest: seedRecordsSchema,
      expectedStatus: 400,
      expectedContent: ['"message":"Unsupported collection type."'],
    },
    {
      name: 'null updateRule: auth record → 403',
      method: 'PATCH',
      url: `/api/collections/locked/records/${IDS.lk1}`,
      body: { title: 'x' },
      beforeTest: seedRecordsSchema,
      headers: memberHeaders,
      expectedStatus: 403,
      expectedContent: ['"message":"Only superusers can perform this action."'],
    },
    {
      name: 'malformed JSON is 400 even when the rule is null',
      method: 'PATCH',
      url: `/api/collections/locked/records/${IDS.lk1}`,
      headers: { 'content-type': 'application/json' },
      body: new TextEncoder().encode('{'),
      beforeTest: seedRecordsSchema,
      expectedStatus: 400,
    },
    {
      name: 'a modifier adding a missing relation id → 400',
      method: 'PATCH',
      url: POST(IDS.p1),
      body: {
        'n+': 2,
        'tags+': ['b', 'c'],
        'tags-': 'a',
        'coauthors-': IDS.a1,
        '+coauthors': 'x00000000000000',
      },
      beforeTest: seedRecordsSchema,
      expectedStatus: 400,
      expectedContent: [FAILED_UPDATE, '"coauthors":'],
    },
    {
      name: 'modifiers on update',
      method: 'PATCH',
      url: POST(IDS.p1),
      body: { 'n+': 2.5, 'tags+': ['b', 'c'], 'tags-': 'a', 'coauthors-': IDS.a1 },
      beforeTest: seedRecordsSchema,
      expectedStatus: 200,
      expectedContent: ['"n":3.5', '"tags":["b","c"]', `"coauthors":["${IDS.a2}"]`],
      notExpectedContent: ['"secret"'],
      expectedEvents: { onRecordUpdate: 1, onRecordAfterUpdateSuccess: 1 },
    },
    {
      name: 'guest cannot change a hidden field; superuser can',
      method: 'PATCH',
      url: POST(IDS.p1),
      body: { secret: 'changed', title: 'renamed' },
      beforeTest: seedRecordsSchema,
      expectedStatus: 200,
      expectedContent: ['"title":"renamed"'],
      afterTest: async (app) => {
        expect((await findRecordById(app, 'posts', IDS.p1)).get('secret')).toBe('s1')
      },
    },
    {
      name: 'superuser update of a hidden field',
      method: 'PATCH',
      url: `${POST(IDS.p1)}?fields=secret`,
      body: { secret: 'changed' },
      beforeTest: seedRecordsSchema,
      headers: superuserHeaders,
      expectedStatus: 200,
      afterTest: async (_app, body) => expect(JSON.parse(body)).toEqual({ secret: 'changed' }),
    },
    {
      name: 'validation error → 400 Failed to update record., row unchanged',
      method: 'PATCH',
      url: POST(IDS.p1),
      body: { title: 'x', 'tags+': ['b', 'c', 'zz'] },
      beforeTest: seedRecordsSchema,
      expectedStatus: 400,
      expectedContent: [FAILED_UPDATE, '"tags":'],
      afterTest: async (app) => {
        expect((await findRecordById(app, 'posts', IDS.p1)).get('title')).toBe('first')
      },
    },
  ])
})

describe('DELETE /api/collections/{collection}/records/{id}', () => {
  apiScenarios([
    {
      name: 'missing record → 404',
      method: 'DELETE',
      url: POST('missing00000000'),
      beforeTest: seedRecordsSchema,
      expectedStatus: 404,
    },
    {
      name: 'view collection → 400',
      method: 'DELETE',
      url: `/api/collections/pview/records/${IDS.p1}`,
      beforeTest: seedRecordsSchema,
      expectedStatus: 400,
      expectedContent: ['"message":"Unsupported collection type."'],
    },
    {
      name: 'null deleteRule: guest → 403',
      method: 'DELETE',
      url: `/api/collections/locked/records/${IDS.lk1}`,
      beforeTest: seedRecordsSchema,
      expectedStatus: 403,
    },
    {
      name: 'null deleteRule: superuser → 204',
      method: 'DELETE',
      url: `/api/collections/locked/records/${IDS.lk1}`,
      beforeTest: seedRecordsSchema,
      headers: superuserHeaders,
      expectedStatus: 204,
      afterTest: async (app, body) => {
        expect(body).toBe('')
        expect(await count(app, 'locked')).toBe(0)
      },
    },
    {
      name: 'cascade: comments deleted with their post',
      method: 'DELETE',
      url: POST(IDS.p1),
      beforeTest: seedRecordsSchema,
      expectedStatus: 204,
      expectedEvents: { onRecordDelete: 2, onRecordAfterDeleteSuccess: 2 },
      afterTest: async (app) => {
        expect(await count(app, 'posts')).toBe(2)
        expect(await count(app, 'comments')).toBe(0)
      },
    },
    {
      name: 'required non-cascading reference → 400, nothing deleted',
      method: 'DELETE',
      url: POST(IDS.p2),
      beforeTest: seedRecordsSchema,
      expectedStatus: 400,
      expectedContent: [
        '"message":"Failed to delete record. Make sure that the record is not part of a required relation reference."',
      ],
      afterTest: async (app) => {
        expect(await count(app, 'posts')).toBe(3)
        expect(await count(app, 'likes')).toBe(1)
      },
    },
    {
      name: 'optional references are unset',
      method: 'DELETE',
      url: `/api/collections/authors/records/${IDS.a1}`,
      beforeTest: seedRecordsSchema,
      expectedStatus: 204,
      expectedEvents: { onRecordUpdate: 3, onRecordDelete: 1 },
      afterTest: async (app) => {
        const p1 = await findRecordById(app, 'posts', IDS.p1)
        expect(p1.get('author')).toBe('')
        expect(p1.get('coauthors')).toEqual([IDS.a2])
        expect((await findRecordById(app, 'profiles', IDS.pr1)).get('author')).toBe('')
      },
    },
    {
      name: 'auth record delete removes its _externalAuths rows',
      method: 'DELETE',
      url: `/api/collections/members/records/${IDS.m1}`,
      beforeTest: async (app) => {
        await seedRecordsSchema(app)
        const members = app.findCollectionByNameOrId('members').id
        await app.db.run(
          "INSERT INTO `_externalAuths` (id, collectionRef, recordRef, provider, providerId, created, updated) VALUES ('ea0000000000001', ?, ?, 'google', 'x', '', '')",
          [members, IDS.m1],
        )
      },
      expectedStatus: 204,
      afterTest: async (app) => expect(await count(app, '_externalAuths')).toBe(0),
    },
  ])
})
