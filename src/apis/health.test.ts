import { describe } from 'vitest'
import { apiScenarios } from '../tests/api-scenario.ts'

describe('GET /api/health', () => {
  apiScenarios([
    {
      name: 'guest',
      method: 'GET',
      url: '/api/health',
      expectedStatus: 200,
      expectedContent: ['"code":200', '"data":{}', '"message":"API is healthy."'],
      notExpectedContent: ['canBackup'],
      expectedEvents: { '*': 0 },
    },
    {
      name: 'superuser',
      method: 'GET',
      url: '/api/health',
      headers: async (app) => ({ Authorization: (await app.createSuperuser()).token }),
      expectedStatus: 200,
      expectedContent: ['"canBackup":true'],
    },
    {
      name: 'HEAD answers like GET without a body',
      method: 'HEAD',
      url: '/api/health',
      expectedStatus: 200,
    },
    {
      name: 'unknown route → 404 in the error shape',
      method: 'POST',
      url: '/api/health/',
      expectedStatus: 404,
      expectedContent: ['"status":404', `"message":"The requested resource wasn't found."`, '"data":{}'],
    },
  ])
})
