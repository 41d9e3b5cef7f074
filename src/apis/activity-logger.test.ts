// Request logs: the rows PocketBase 0.40.4 writes for the same requests (read from its
// auxiliary.db, execTime and IPs aside) are the expected values here.
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { TestApp } from '../tests/test-app.ts'

let app: TestApp

beforeEach(async () => {
  app = await TestApp.create()
})

afterEach(async () => {
  await app.cleanup()
})

interface Row {
  level: number
  message: string
  data: { [key: string]: unknown }
}

/** Writes the buffered logs, then returns the request rows without `execTime`. */
async function requestRows(): Promise<Row[]> {
  await app.logger().flush()
  const rows = await app.auxDb.all<{ level: number; message: string; data: string }>(
    'SELECT level, message, data FROM `_logs` ORDER BY rowid',
  )
  return rows.map((r) => {
    const data = JSON.parse(r.data) as { [key: string]: unknown }
    expect(typeof data.execTime).toBe('number')
    delete data.execTime
    return { level: r.level, message: r.message, data }
  })
}

const base = { referer: '', remoteIP: '', type: 'request', userAgent: '', userIP: '' }

describe('request logs', () => {
  test('a success is logged at INFO with the request data, keys sorted like Go', async () => {
    await app.request('GET', '/api/health', {
      headers: { Referer: 'http://x/', 'User-Agent': 'myagent' },
    })
    await app.logger().flush()
    const raw = await app.auxDb.get<{ id: string; data: string; created: string }>(
      'SELECT id, data, created FROM `_logs`',
    )
    expect(raw?.id).toMatch(/^[a-z0-9]{15}$/)
    expect(raw?.created).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z$/)
    expect(Object.keys(JSON.parse(raw?.data ?? '{}'))).toEqual([
      'auth',
      'execTime',
      'method',
      'referer',
      'remoteIP',
      'status',
      'type',
      'url',
      'userAgent',
      'userIP',
    ])
    expect(await requestRows()).toEqual([
      {
        level: 0,
        message: 'GET /api/health',
        data: {
          ...base,
          auth: '',
          method: 'GET',
          referer: 'http://x/',
          status: 200,
          url: '/api/health',
          userAgent: 'myagent',
        },
      },
    ])
  })

  test('errors are logged at ERROR with the error message and details', async () => {
    await app.request('POST', '/api/collections/users/records', { body: { email: 'bad' } })
    await app.request('GET', '/api/collections/users/records?filter=bad((')
    await app.request('GET', '/api/logs')
    await app.request('GET', '/nothing-here')
    const rows = await requestRows()
    expect(rows.map((r) => [r.level, r.message, r.data.status, r.data.error])).toEqual([
      [8, 'POST /api/collections/users/records', 400, 'Failed to create record.'],
      [
        8,
        'GET /api/collections/users/records?filter=bad((',
        400,
        'Something went wrong while processing your request.',
      ],
      [8, 'GET /api/logs', 401, 'The request requires valid record authorization token.'],
      [8, 'GET /nothing-here', 404, 'File not found.'],
    ])
    // validation errors as Go's `validation.Errors` text; no cause → null
    expect(rows[0]?.data.details).toEqual({
      password: 'cannot be blank',
      passwordConfirm: 'cannot be blank',
    })
    expect(typeof rows[1]?.data.details).toBe('string')
    expect(rows[2]?.data.details).toBeNull()
    expect(rows[3]?.data.details).toBeNull()
  })

  test('the message unescapes the URI, the url keeps it raw', async () => {
    await app.request('GET', '/api/health?a=%20b%2Fc')
    const [row] = await requestRows()
    expect(row?.message).toBe('GET /api/health?a= b/c')
    expect(row?.data.url).toBe('/api/health?a=%20b%2Fc')
  })

  test('auth is the collection name; authId only with logAuthId; no IPs without logIP', async () => {
    const { token, record } = await app.createSuperuser()
    await app.request('GET', '/api/collections/users/records', {
      headers: { Authorization: token },
    })
    const s = structuredClone(app.settings())
    s.logs.logAuthId = true
    s.logs.logIP = false
    await app.saveSettings(s)
    await app.request('GET', '/api/collections/users/records', {
      headers: { Authorization: token },
    })
    const rows = await requestRows()
    expect(rows[0]?.data.auth).toBe('_superusers')
    expect(rows[0]?.data).not.toHaveProperty('authId')
    expect(rows[1]?.data.authId).toBe(record.id)
    expect(rows[1]?.data).not.toHaveProperty('userIP')
    expect(rows[1]?.data).not.toHaveProperty('remoteIP')
  })

  test('not logged on success: logs API, realtime connect, oauth2-redirect, batch items', async () => {
    const { token } = await app.createSuperuser()
    const s = structuredClone(app.settings())
    s.batch.enabled = true
    await app.saveSettings(s)
    const su = { Authorization: token }
    expect((await app.request('GET', '/api/logs', { headers: su })).status).toBe(200)
    expect((await app.request('GET', '/api/logs/stats', { headers: su })).status).toBe(200)
    const rt = await app.request('GET', '/api/realtime')
    expect(rt.status).toBe(200)
    await rt.body?.cancel()
    const redirect = await app.request('GET', '/api/oauth2-redirect?state=x&code=y')
    expect(redirect.status).toBe(307)
    const batch = await app.request('POST', '/api/batch', {
      headers: su,
      body: {
        requests: [
          {
            method: 'POST',
            url: '/api/collections/users/records',
            body: { email: 'a@b.c', password: '1234567890', passwordConfirm: '1234567890' },
          },
        ],
      },
    })
    expect(batch.status).toBe(200)
    const rows = await requestRows()
    expect(rows.map((r) => r.message)).toEqual(['POST /api/batch'])
  })

  test('maxDays 0 writes nothing; saving minLevel drops rows below it', async () => {
    app.logger().debug('debug entry')
    app.logger().warn('warn entry')
    await app.logger().flush()
    const s = structuredClone(app.settings())
    s.logs.minLevel = 4
    await app.saveSettings(s)
    const left = await app.auxDb.all<{ message: string }>('SELECT message FROM `_logs`')
    expect(left.map((r) => r.message)).toEqual(['warn entry'])

    s.logs.maxDays = 0
    await app.saveSettings(s)
    await app.request('GET', '/api/health')
    app.logger().error('not stored')
    expect(await requestRows()).toEqual([])
  })
})

describe('app.logger()', () => {
  test('entries keep their level, message and attributes; errors become messages', async () => {
    app.logger().info('hello', 'a', 1, 'nested', { z: 1, b: [{ y: 2, x: 1 }] })
    app.logger().error('failed', 'error', new Error('boom'))
    app.logger().log(2, 'custom level', { k: 'v' })
    await app.logger().flush()
    const rows = await app.auxDb.all<{ level: number; message: string; data: string }>(
      'SELECT level, message, data FROM `_logs` ORDER BY rowid',
    )
    expect(rows).toEqual([
      { level: 0, message: 'hello', data: '{"a":1,"nested":{"b":[{"x":1,"y":2}],"z":1}}' },
      { level: 8, message: 'failed', data: '{"error":"boom"}' },
      { level: 2, message: 'custom level', data: '{"k":"v"}' },
    ])
  })

  test('oversized data is cut to maxDataSize with __pb_truncated__', async () => {
    const s = structuredClone(app.settings())
    s.logs.maxDataSize = 100
    await app.saveSettings(s)
    app.logger().info('big', { a: 'x'.repeat(40), b: 'y'.repeat(40), c: 'z'.repeat(40) })
    await app.logger().flush()
    const row = await app.auxDb.get<{ data: string }>('SELECT data FROM `_logs`')
    expect(JSON.parse(row?.data ?? '')).toEqual({
      __pb_truncated__: true,
      a: 'x'.repeat(40),
      b: 'y'.repeat(40),
    })
  })

  test('close() writes what is still buffered', async () => {
    const dir = app.dataDir.root
    app.logger().info('buffered at shutdown')
    await app.close()
    const { openSqlite } = await import('../tools/db/sqlite.ts')
    const db = openSqlite(`${dir}/auxiliary.db`, { readonly: true })
    const row = await db.get<{ message: string }>('SELECT message FROM `_logs`')
    await db.close()
    expect(row?.message).toBe('buffered at shutdown')
    // cleanup() closes again: reopen so it can
    await app.bootstrap()
  })
})
