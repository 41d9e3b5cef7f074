import { describe, expect } from 'vitest'
import { findRecordById } from '../core/record-query.ts'
import { apiScenarios } from '../tests/api-scenario.ts'
import { badRequestError } from '../tools/router/api-error.ts'
import { IDS, seedRecordsSchema } from './record-crud.seed.ts'

const POSTS = '/api/collections/posts/records'

describe('records API hooks', () => {
  apiScenarios([
    {
      name: 'list fires onRecordsListRequest once and onRecordEnrich per record and expand',
      method: 'GET',
      url: `${POSTS}?expand=author`,
      beforeTest: seedRecordsSchema,
      expectedStatus: 200,
      // 3 posts + 2 expanded authors
      expectedEvents: { onRecordsListRequest: 1, onRecordEnrich: 5 },
    },
    {
      name: 'view fires onRecordViewRequest',
      method: 'GET',
      url: `${POSTS}/${IDS.p1}`,
      beforeTest: seedRecordsSchema,
      expectedStatus: 200,
      expectedEvents: { onRecordViewRequest: 1, onRecordEnrich: 1 },
    },
    {
      name: 'create fires the request hook around the model hooks',
      method: 'POST',
      url: POSTS,
      body: { title: 'x' },
      beforeTest: seedRecordsSchema,
      expectedStatus: 200,
      expectedEvents: {
        onRecordCreateRequest: 1,
        onRecordCreate: 1,
        onRecordAfterCreateSuccess: 1,
        onRecordEnrich: 1,
      },
    },
    {
      name: 'delete fires onRecordDeleteRequest',
      method: 'DELETE',
      url: `${POSTS}/${IDS.p3}`,
      beforeTest: seedRecordsSchema,
      expectedStatus: 204,
      expectedEvents: { onRecordDeleteRequest: 1, onRecordDelete: 1 },
    },
    {
      name: 'onRecordEnrich can hide a field and add custom data',
      method: 'GET',
      url: `${POSTS}/${IDS.p1}`,
      beforeTest: async (app) => {
        await seedRecordsSchema(app)
        app.onRecordEnrich.bind(async (e) => {
          e.record.customData = { extra: e.requestInfo.method }
          await e.next()
        })
      },
      expectedStatus: 200,
      expectedContent: ['"extra":"GET"'],
    },
    {
      name: 'a request hook may answer instead of calling next()',
      method: 'PATCH',
      url: `${POSTS}/${IDS.p1}`,
      body: { title: 'changed' },
      beforeTest: async (app) => {
        await seedRecordsSchema(app)
        app.onRecordUpdateRequest.bind(async (e) => {
          e.response = Response.json({ intercepted: e.record.id }, { status: 202 })
        })
      },
      expectedStatus: 202,
      expectedContent: [`"intercepted":"${IDS.p1}"`],
      expectedEvents: { onRecordUpdate: 0 },
      afterTest: async (app) => {
        expect((await findRecordById(app, 'posts', IDS.p1)).get('title')).toBe('first')
      },
    },
    {
      name: 'an error thrown by a request hook is the response',
      method: 'POST',
      url: POSTS,
      body: { title: 'x' },
      beforeTest: async (app) => {
        await seedRecordsSchema(app)
        app.onRecordCreateRequest.bind(async () => {
          throw badRequestError('Nope.')
        })
      },
      expectedStatus: 400,
      expectedContent: ['"message":"Nope."'],
      expectedEvents: { onRecordCreate: 0 },
    },
  ])
})
