import { describe, expect } from 'vitest'
import { findRecordById } from '../core/record-query.ts'
import { apiScenarios } from '../tests/api-scenario.ts'
import {
  IDS,
  managerHeaders,
  memberHeaders,
  RULE_IDS,
  seedRulesSchema,
  superuserHeaders,
} from './record-crud.seed.ts'

const NOTES = '/api/collections/notes/records'
const NOTE = (id: string) => `${NOTES}/${id}`

describe('API rules', () => {
  apiScenarios([
    // list: rows filtered
    {
      name: 'list: guest sees no rows (200)',
      method: 'GET',
      url: NOTES,
      beforeTest: seedRulesSchema,
      expectedStatus: 200,
      expectedContent: ['"items":[]', '"totalItems":0'],
    },
    {
      name: 'list: owner sees own rows only',
      method: 'GET',
      url: NOTES,
      beforeTest: seedRulesSchema,
      headers: memberHeaders,
      expectedStatus: 200,
      expectedContent: ['"totalItems":1', RULE_IDS.n1],
      notExpectedContent: [RULE_IDS.n2],
    },
    {
      name: 'list: rule ANDed with the client filter',
      method: 'GET',
      url: `${NOTES}?filter=${encodeURIComponent("title = 'theirs'")}`,
      beforeTest: seedRulesSchema,
      headers: memberHeaders,
      expectedStatus: 200,
      expectedContent: ['"totalItems":0'],
    },
    {
      name: 'list: superuser bypasses the rule',
      method: 'GET',
      url: NOTES,
      beforeTest: seedRulesSchema,
      headers: superuserHeaders,
      expectedStatus: 200,
      expectedContent: ['"totalItems":2'],
    },
    {
      name: 'list: client filter through a relation',
      method: 'GET',
      url: `/api/collections/posts/records?filter=${encodeURIComponent("author.name = 'Bob'")}`,
      beforeTest: seedRulesSchema,
      expectedStatus: 200,
      expectedContent: ['"totalItems":1', IDS.p2],
    },
    {
      name: 'list: guest filter through a relation to a collection without list access → no rows',
      method: 'GET',
      url: `/api/collections/posts/records?filter=${encodeURIComponent("ghost.name = 'Ghost'")}`,
      beforeTest: seedRulesSchema,
      expectedStatus: 200,
      expectedContent: ['"totalItems":1'],
    },
    // view/update/delete: 404
    {
      name: 'view: non-owner → 404',
      method: 'GET',
      url: NOTE(RULE_IDS.n2),
      beforeTest: seedRulesSchema,
      headers: memberHeaders,
      expectedStatus: 404,
    },
    {
      name: 'view: owner → 200',
      method: 'GET',
      url: NOTE(RULE_IDS.n1),
      beforeTest: seedRulesSchema,
      headers: memberHeaders,
      expectedStatus: 200,
      expectedContent: ['"title":"mine"'],
    },
    {
      name: 'update: non-owner → 404, nothing changed',
      method: 'PATCH',
      url: NOTE(RULE_IDS.n2),
      body: { title: 'hacked' },
      beforeTest: seedRulesSchema,
      headers: memberHeaders,
      expectedStatus: 404,
      expectedEvents: { '*': 0 },
      afterTest: async (app) => {
        expect((await findRecordById(app, 'notes', RULE_IDS.n2)).get('title')).toBe('theirs')
      },
    },
    {
      name: 'update: rule sees @request.body (owner change refused → 404)',
      method: 'PATCH',
      url: NOTE(RULE_IDS.n1),
      body: { owner: RULE_IDS.m2 },
      beforeTest: seedRulesSchema,
      headers: memberHeaders,
      expectedStatus: 404,
    },
    {
      name: 'update: owner → 200',
      method: 'PATCH',
      url: NOTE(RULE_IDS.n1),
      body: { title: 'edited' },
      beforeTest: seedRulesSchema,
      headers: memberHeaders,
      expectedStatus: 200,
      expectedContent: ['"title":"edited"'],
    },
    {
      name: 'delete: non-owner → 404',
      method: 'DELETE',
      url: NOTE(RULE_IDS.n2),
      beforeTest: seedRulesSchema,
      headers: memberHeaders,
      expectedStatus: 404,
    },
    {
      name: 'delete: owner → 204',
      method: 'DELETE',
      url: NOTE(RULE_IDS.n1),
      beforeTest: seedRulesSchema,
      headers: memberHeaders,
      expectedStatus: 204,
    },
    // create: 400
    {
      name: 'create: guest fails the rule → 400 Failed to create record., no hooks',
      method: 'POST',
      url: NOTES,
      body: { title: 'x', owner: IDS.m1 },
      beforeTest: seedRulesSchema,
      expectedStatus: 400,
      expectedContent: ['"data":{}', '"message":"Failed to create record."'],
      expectedEvents: { '*': 0 },
    },
    {
      name: 'create: the rule is evaluated against the submitted data',
      method: 'POST',
      url: NOTES,
      body: { title: 'x', owner: RULE_IDS.m2 },
      beforeTest: seedRulesSchema,
      headers: memberHeaders,
      expectedStatus: 400,
      expectedContent: ['"message":"Failed to create record."'],
    },
    {
      name: 'create: matching submitted data → 200',
      method: 'POST',
      url: NOTES,
      body: { title: 'x', owner: IDS.m1 },
      beforeTest: seedRulesSchema,
      headers: memberHeaders,
      expectedStatus: 200,
      expectedContent: ['"title":"x"', `"owner":"${IDS.m1}"`],
    },
    {
      name: 'create: modifiers resolve before the rule',
      method: 'POST',
      url: NOTES,
      body: { title: 'x', 'owner+': IDS.m1 },
      beforeTest: seedRulesSchema,
      headers: memberHeaders,
      expectedStatus: 200,
    },
    {
      name: 'create: rule with a relation path on the submitted data',
      method: 'POST',
      url: NOTES,
      body: { title: 'x', owner: IDS.m1, post: IDS.p1 },
      beforeTest: async (app) => {
        await seedRulesSchema(app)
        const q = app.db.dialect.quoteIdent
        await app.db.run(`UPDATE ${q('_collections')} SET createRule = ? WHERE name = 'notes'`, [
          "owner = @request.auth.id && post.title = 'first' && @request.body.title = 'x'",
        ])
        await app.reloadCollections()
      },
      headers: memberHeaders,
      expectedStatus: 200,
    },
    ...[
      { header: 'abc', status: 200 },
      { header: 'other', status: 400 },
    ].map(({ header, status }) => ({
      name: `create: rule on @request.headers (X-Token: ${header}) → ${status}`,
      method: 'POST',
      url: '/api/collections/posts/records',
      body: { n: 1 },
      beforeTest: async (app: Parameters<typeof seedRulesSchema>[0]) => {
        await seedRulesSchema(app)
        const q = app.db.dialect.quoteIdent
        await app.db.run(`UPDATE ${q('_collections')} SET createRule = ? WHERE name = 'posts'`, [
          "@request.headers.x_token = 'abc'",
        ])
        await app.reloadCollections()
      },
      headers: { 'X-Token': header },
      expectedStatus: status,
    })),
    {
      name: 'create: hidden fields are removed from @request.body for non-superusers',
      method: 'POST',
      url: '/api/collections/posts/records',
      body: { secret: 'ok', 'n+': 2 },
      beforeTest: async (app) => {
        await seedRulesSchema(app)
        const q = app.db.dialect.quoteIdent
        await app.db.run(`UPDATE ${q('_collections')} SET createRule = ? WHERE name = 'posts'`, [
          "@request.body.secret = 'ok' || @request.body.n = 2",
        ])
        await app.reloadCollections()
      },
      expectedStatus: 200,
      expectedContent: ['"n":2'],
      afterTest: async (app, body) => {
        expect((await findRecordById(app, 'posts', JSON.parse(body).id)).get('secret')).toBe('')
      },
    },
    {
      name: 'create: a rule on a hidden @request.body key fails for guests',
      method: 'POST',
      url: '/api/collections/posts/records',
      body: { secret: 'ok' },
      beforeTest: async (app) => {
        await seedRulesSchema(app)
        const q = app.db.dialect.quoteIdent
        await app.db.run(`UPDATE ${q('_collections')} SET createRule = ? WHERE name = 'posts'`, [
          "@request.body.secret = 'ok'",
        ])
        await app.reloadCollections()
      },
      expectedStatus: 400,
      expectedContent: ['"message":"Failed to create record."'],
    },
    // expand filtered by the related collection's viewRule
    {
      name: 'expand: back-relation filtered by the viewRule of notes',
      method: 'GET',
      url: `/api/collections/posts/records/${IDS.p1}?expand=notes_via_post`,
      beforeTest: seedRulesSchema,
      headers: memberHeaders,
      expectedStatus: 200,
      afterTest: async (_app, body) => {
        const r = JSON.parse(body)
        expect(r.expand.notes_via_post.map((n: { id: string }) => n.id)).toEqual([RULE_IDS.n1])
      },
    },
    {
      name: 'expand: guest sees none of the notes (expand is still present, empty)',
      method: 'GET',
      url: `/api/collections/posts/records/${IDS.p1}?expand=notes_via_post`,
      beforeTest: seedRulesSchema,
      expectedStatus: 200,
      expectedContent: ['"expand":{}'],
    },
    // manageRule
    {
      name: "manageRule: the manager sees other members' emails",
      method: 'GET',
      url: `/api/collections/members/records/${IDS.m1}`,
      beforeTest: seedRulesSchema,
      headers: managerHeaders,
      expectedStatus: 200,
      expectedContent: ['"email":"m1@example.com"'],
    },
    {
      name: "manageRule: a plain member does not see the manager's email",
      method: 'GET',
      url: `/api/collections/members/records/${RULE_IDS.m2}`,
      beforeTest: seedRulesSchema,
      headers: memberHeaders,
      expectedStatus: 200,
      notExpectedContent: ['"email"'],
    },
    {
      name: 'manageRule: the manager changes email/verified/password without oldPassword',
      method: 'PATCH',
      url: `/api/collections/members/records/${IDS.m1}`,
      body: {
        email: 'new@example.com',
        verified: true,
        password: 'abcdefghij',
        passwordConfirm: 'abcdefghij',
      },
      beforeTest: seedRulesSchema,
      headers: managerHeaders,
      expectedStatus: 200,
      expectedContent: ['"email":"new@example.com"', '"verified":true'],
    },
  ])
})
