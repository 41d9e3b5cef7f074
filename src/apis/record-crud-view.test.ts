import { describe, expect } from 'vitest'
import { apiScenarios } from '../tests/api-scenario.ts'
import { IDS, memberHeaders, seedRecordsSchema, superuserHeaders } from './record-crud.seed.ts'

const POST = (id: string) => `/api/collections/posts/records/${id}`

describe('GET /api/collections/{collection}/records/{id}', () => {
  apiScenarios([
    {
      name: 'missing collection',
      method: 'GET',
      url: '/api/collections/missing/records/abc',
      expectedStatus: 404,
      expectedContent: ['"message":"Missing collection context."'],
    },
    {
      name: 'missing record → 404',
      method: 'GET',
      url: POST('missing00000000'),
      beforeTest: seedRecordsSchema,
      expectedStatus: 404,
      expectedContent: [`"message":"The requested resource wasn't found."`],
    },
    {
      name: 'guest view: hidden omitted, no expand key',
      method: 'GET',
      url: POST(IDS.p1),
      beforeTest: seedRecordsSchema,
      expectedStatus: 200,
      expectedContent: [
        `"id":"${IDS.p1}"`,
        '"title":"first"',
        `"coauthors":["${IDS.a1}","${IDS.a2}"]`,
      ],
      notExpectedContent: ['"secret"', '"expand"'],
    },
    {
      name: 'superuser view shows hidden',
      method: 'GET',
      url: POST(IDS.p1),
      beforeTest: seedRecordsSchema,
      headers: superuserHeaders,
      expectedStatus: 200,
      expectedContent: ['"secret":"s1"'],
    },
    {
      name: 'null viewRule: guest → 403',
      method: 'GET',
      url: `/api/collections/locked/records/${IDS.lk1}`,
      beforeTest: seedRecordsSchema,
      expectedStatus: 403,
      expectedContent: ['"message":"Only superusers can perform this action."'],
    },
    {
      name: 'null viewRule: auth record → 403 even for a missing id',
      method: 'GET',
      url: '/api/collections/locked/records/missing00000000',
      beforeTest: seedRecordsSchema,
      headers: memberHeaders,
      expectedStatus: 403,
    },
    {
      name: 'null viewRule: superuser',
      method: 'GET',
      url: `/api/collections/locked/records/${IDS.lk1}`,
      beforeTest: seedRecordsSchema,
      headers: superuserHeaders,
      expectedStatus: 200,
      expectedContent: ['"title":"secret"'],
    },
    {
      name: 'view collection record',
      method: 'GET',
      url: `/api/collections/pview/records/${IDS.p2}`,
      beforeTest: seedRecordsSchema,
      expectedStatus: 200,
      expectedContent: ['"collectionName":"pview"', '"title":"second"'],
    },
    {
      name: 'fields picker',
      method: 'GET',
      url: `${POST(IDS.p1)}?fields=id,n`,
      beforeTest: seedRecordsSchema,
      expectedStatus: 200,
      afterTest: async (_app, body) => expect(JSON.parse(body)).toEqual({ id: IDS.p1, n: 1 }),
    },
    {
      name: 'auth record: own email visible, other fields of the auth collection',
      method: 'GET',
      url: `/api/collections/members/records/${IDS.m1}`,
      beforeTest: seedRecordsSchema,
      headers: memberHeaders,
      expectedStatus: 200,
      expectedContent: ['"email":"m1@example.com"', '"emailVisibility":false', '"verified":false'],
      notExpectedContent: ['"password"', '"tokenKey"'],
    },
    {
      name: 'auth record viewed by a guest: email hidden (emailVisibility false)',
      method: 'GET',
      url: `/api/collections/members/records/${IDS.m1}`,
      beforeTest: seedRecordsSchema,
      expectedStatus: 200,
      notExpectedContent: ['"email"', '"password"', '"tokenKey"'],
    },
    {
      name: 'auth record viewed by a superuser: email shown, never password/tokenKey',
      method: 'GET',
      url: `/api/collections/members/records/${IDS.m1}`,
      beforeTest: seedRecordsSchema,
      headers: superuserHeaders,
      expectedStatus: 200,
      expectedContent: ['"email":"m1@example.com"'],
      notExpectedContent: ['"password"', '"tokenKey"'],
    },
  ])
})
