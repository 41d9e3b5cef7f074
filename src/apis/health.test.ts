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
      name: 'superuser: possibleProxyHeader names the first known proxy header',
      method: 'GET',
      url: '/api/health',
      headers: async (app) => ({
        Authorization: (await app.createSuperuser()).token,
        'X-Forwarded-For': '1.1.1.1',
        'Fly-Client-IP': '2.2.2.2',
      }),
      expectedStatus: 200,
      expectedContent: ['"possibleProxyHeader":"Fly-Client-IP"', '"realIP":""'],
    },
    {
      name: 'superuser: realIP from a trusted proxy header (right-most valid IP)',
      method: 'GET',
      url: '/api/health',
      beforeTest: async (app) => {
        const s = structuredClone(app.settings())
        s.trustedProxy.headers = ['X-Forwarded-For']
        await app.saveSettings(s)
      },
      headers: async (app) => ({
        Authorization: (await app.createSuperuser()).token,
        'X-Forwarded-For': '1.1.1.1, 9.9.9.9, bad',
      }),
      expectedStatus: 200,
      expectedContent: ['"realIP":"9.9.9.9"', '"possibleProxyHeader":"X-Forwarded-For"'],
    },
    {
      name: 'guest: a trusted proxy header name that is no HTTP token is skipped (no 500)',
      method: 'GET',
      url: '/api/health',
      beforeTest: async (app) => {
        const s = structuredClone(app.settings())
        s.trustedProxy.headers = ['a b', 'X-Forwarded-For']
        await app.saveSettings(s)
      },
      headers: { 'X-Forwarded-For': '9.9.9.9' },
      expectedStatus: 200,
      expectedContent: ['"message":"API is healthy."'],
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
      expectedContent: [
        '"status":404',
        `"message":"The requested resource wasn't found."`,
        '"data":{}',
      ],
    },
  ])
})
