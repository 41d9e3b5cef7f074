// Statuses, messages and shapes as PocketBase 0.40.4 answers the same requests.
import { describe, expect, test } from 'vitest'
import { writeLogs } from '../core/log-query.ts'
import { apiScenarios } from '../tests/api-scenario.ts'
import { TestApp } from '../tests/test-app.ts'

const su = async (app: TestApp) => ({ Authorization: (await app.createSuperuser()).token })
const user = async (app: TestApp) => ({
  Authorization: (
    await app.createAuthRecord('users', { email: 'u@example.com', password: '1234567890' })
  ).token,
})

const GENERIC_400 = '"message":"Something went wrong while processing your request."'

/** Three logs: two in one hour, one in the next (times in UTC). */
async function seedLogs(app: TestApp): Promise<void> {
  const at = (iso: string) => Date.parse(iso)
  await writeLogs(app, [
    {
      time: at('2026-01-02T10:15:00.000Z'),
      level: 0,
      message: 'GET /api/health',
      data: { auth: '', status: 200, type: 'request' },
    },
    {
      time: at('2026-01-02T10:45:00.000Z'),
      level: 8,
      message: 'GET /api/nope',
      data: { auth: 'users', status: 404, type: 'request' },
    },
    { time: at('2026-01-02T11:05:00.000Z'), level: 4, message: 'custom', data: { n: 1 } },
  ])
}

describe('logs API access', () => {
  const routes: [string, string][] = [
    ['GET', '/api/logs'],
    ['GET', '/api/logs/stats'],
    ['GET', '/api/logs/abc'],
    ['DELETE', '/api/logs'],
  ]
  apiScenarios(
    routes.flatMap(([method, url]) => [
      {
        name: `${method} ${url} (guest) → 401`,
        method,
        url,
        expectedStatus: 401,
        expectedContent: ['"message":"The request requires valid record authorization token."'],
      },
      {
        name: `${method} ${url} (user) → 403`,
        method,
        url,
        headers: user,
        expectedStatus: 403,
        expectedContent: [
          '"message":"The authorized record is not allowed to perform this action."',
        ],
      },
    ]),
  )
})

describe('GET /api/logs', () => {
  apiScenarios([
    {
      name: 'empty list (superuser)',
      method: 'GET',
      url: '/api/logs',
      headers: su,
      expectedStatus: 200,
      expectedContent: ['{"items":[],"page":1,"perPage":30,"totalItems":0,"totalPages":0}'],
    },
    {
      name: 'items in PocketBase key order, paging (superuser)',
      method: 'GET',
      url: '/api/logs?perPage=2&sort=created',
      headers: su,
      beforeTest: seedLogs,
      expectedStatus: 200,
      afterTest: async (_app, body) => {
        const list = JSON.parse(body)
        expect(Object.keys(list)).toEqual(['items', 'page', 'perPage', 'totalItems', 'totalPages'])
        expect(list).toMatchObject({ page: 1, perPage: 2, totalItems: 3, totalPages: 2 })
        expect(Object.keys(list.items[0])).toEqual(['id', 'created', 'data', 'message', 'level'])
        expect(list.items[0]).toMatchObject({
          created: '2026-01-02 10:15:00.000Z',
          data: { auth: '', status: 200, type: 'request' },
          message: 'GET /api/health',
          level: 0,
        })
      },
    },
    {
      name: 'filter on data.<path> and level, sort, skipTotal (superuser)',
      method: 'GET',
      url: `/api/logs?filter=${encodeURIComponent("data.auth='users' || level=4")}&sort=-level&skipTotal=1`,
      headers: su,
      beforeTest: seedLogs,
      expectedStatus: 200,
      afterTest: async (_app, body) => {
        const list = JSON.parse(body)
        expect(list.items.map((i: { message: string }) => i.message)).toEqual([
          'GET /api/nope',
          'custom',
        ])
        expect(list).toMatchObject({ totalItems: -1, totalPages: -1 })
      },
    },
    {
      name: 'fields picks item keys (superuser)',
      method: 'GET',
      url: '/api/logs?fields=id,data.status&sort=created&perPage=1',
      headers: su,
      beforeTest: seedLogs,
      expectedStatus: 200,
      afterTest: async (_app, body) => {
        expect(Object.keys(JSON.parse(body).items[0]).sort()).toEqual(['data', 'id'])
        expect(JSON.parse(body).items[0].data).toEqual({ status: 200 })
      },
    },
    {
      name: 'an unknown data path matches nothing (superuser)',
      method: 'GET',
      url: '/api/logs?filter=data.nope.x=1',
      headers: su,
      beforeTest: seedLogs,
      expectedStatus: 200,
      expectedContent: ['"items":[]', '"totalItems":0'],
    },
    {
      name: '@rowid and @random sorts are accepted (superuser)',
      method: 'GET',
      url: '/api/logs?sort=@rowid,@random',
      headers: su,
      expectedStatus: 200,
    },
    ...[
      ['bad filter', 'filter=bad(('],
      ['unknown filter field', 'filter=updated>0'],
      ['rowid is not a log field', 'filter=rowid>0'],
      ['unknown sort field', 'sort=nope'],
      ['non-numeric page', 'page=abc'],
    ].map(([name, query]) => ({
      name: `${name} → 400 (superuser)`,
      method: 'GET',
      url: `/api/logs?${query}`,
      headers: su,
      expectedStatus: 400,
      expectedContent: [GENERIC_400, '"data":{}'],
    })),
  ])
})

describe('GET /api/logs/{id}', () => {
  apiScenarios([
    {
      name: 'missing → 404 (superuser)',
      method: 'GET',
      url: '/api/logs/nope',
      headers: su,
      expectedStatus: 404,
      expectedContent: [`"message":"The requested resource wasn't found."`],
    },
  ])
})

test('GET /api/logs/{id} → the log (superuser)', async () => {
  const app = await TestApp.create()
  try {
    await seedLogs(app)
    const row = await app.auxDb.get<{ id: string }>(
      "SELECT id FROM `_logs` WHERE message = 'custom'",
    )
    const res = await app.request('GET', `/api/logs/${row?.id}`, { headers: await su(app) })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      id: row?.id,
      created: '2026-01-02 11:05:00.000Z',
      data: { n: 1 },
      message: 'custom',
      level: 4,
    })
  } finally {
    await app.cleanup()
  }
})

describe('GET /api/logs/stats', () => {
  apiScenarios([
    {
      name: 'no logs → [] (superuser)',
      method: 'GET',
      url: '/api/logs/stats',
      headers: su,
      expectedStatus: 200,
      expectedContent: ['[]'],
    },
    {
      name: 'hourly buckets, oldest first (superuser)',
      method: 'GET',
      url: '/api/logs/stats',
      headers: su,
      beforeTest: seedLogs,
      expectedStatus: 200,
      expectedContent: [
        '[{"date":"2026-01-02 10:00:00.000Z","total":2},{"date":"2026-01-02 11:00:00.000Z","total":1}]',
      ],
    },
    {
      name: 'filtered (superuser)',
      method: 'GET',
      url: '/api/logs/stats?filter=level>0',
      headers: su,
      beforeTest: seedLogs,
      expectedStatus: 200,
      expectedContent: [
        '[{"date":"2026-01-02 10:00:00.000Z","total":1},{"date":"2026-01-02 11:00:00.000Z","total":1}]',
      ],
    },
    {
      name: 'bad filter → 400 Invalid filter format. (superuser)',
      method: 'GET',
      url: '/api/logs/stats?filter=bad((',
      headers: su,
      expectedStatus: 400,
      expectedContent: ['"message":"Invalid filter format."'],
    },
  ])
})

describe('DELETE /api/logs', () => {
  apiScenarios([
    {
      name: 'truncates → 204 (superuser)',
      method: 'DELETE',
      url: '/api/logs',
      headers: su,
      beforeTest: seedLogs,
      expectedStatus: 204,
      afterTest: async (app) => {
        const row = await app.auxDb.get<{ n: number }>('SELECT COUNT(*) AS n FROM `_logs`')
        expect(row?.n).toBe(0)
      },
    },
  ])
})
