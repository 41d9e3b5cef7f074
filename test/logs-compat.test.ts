// Request logs and the logs API side by side: the same raw requests go to the real PocketBase
// and to Satchel, then the `_logs` rows each wrote (read back through `GET /api/logs`) and the
// logs API's answers are compared.
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { freshPostgresDatabase } from '../src/tests/postgres.ts'
import {
  cleanupAll,
  makeTempDir,
  pocketBaseExecutable,
  startSatchel,
} from '../src/tests/process.ts'
import { type ServerKind, startServer, upsertSuperuser } from '../src/tests/sdk.ts'
import { openSqlite } from '../src/tools/db/sqlite.ts'

const UA = 'logs-compat'
const SU = { email: 'su@example.com', password: '1234567890' }
const USER = { email: 'u@example.com', password: '1234567890' }
/** Setup requests carry another user agent, so the compared rows are only the traffic's. */
const SETUP = { 'User-Agent': 'setup' }

interface Server {
  url: string
  su: string
  user: string
  stop(): Promise<unknown>
}

const servers = {} as { [K in ServerKind]: Server }

async function call(
  s: Server,
  method: string,
  path: string,
  init: { token?: string; body?: unknown; headers?: { [k: string]: string } } = {},
): Promise<{ status: number; body: unknown }> {
  const headers: { [k: string]: string } = { 'User-Agent': UA, ...init.headers }
  if (init.token) headers.Authorization = init.token
  if (init.body !== undefined) headers['Content-Type'] = 'application/json'
  const res = await fetch(s.url + path, {
    method,
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    redirect: 'manual',
  })
  const text = await res.text()
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {
    // not JSON
  }
  return { status: res.status, body }
}

async function start(kind: ServerKind): Promise<Server> {
  const dir = makeTempDir()
  upsertSuperuser(kind, dir, SU.email, SU.password)
  // NOTE: one Satchel process, so rows land in request order as with PocketBase.
  const proc = await startServer(kind, dir, undefined, {
    args: kind === 'satchel' ? ['--workers=1'] : [],
  })
  const s: Server = { url: proc.url, su: '', user: '', stop: () => proc.stop('SIGKILL') }
  const auth = async (collection: string, identity: string) => {
    const r = await call(s, 'POST', `/api/collections/${collection}/auth-with-password`, {
      body: { identity, password: SU.password },
      headers: SETUP,
    })
    return (r.body as { token: string }).token
  }
  s.su = await auth('_superusers', SU.email)
  await call(s, 'PATCH', '/api/settings', {
    token: s.su,
    body: { logs: { logAuthId: true }, batch: { enabled: true } },
    headers: SETUP,
  })
  await call(s, 'POST', '/api/collections/users/records', {
    body: { ...USER, passwordConfirm: USER.password },
    headers: SETUP,
  })
  s.user = await auth('users', USER.email)
  return s
}

/** The requests of the comparison, sent in this order to each server. */
function traffic(s: Server): (() => Promise<unknown>)[] {
  return [
    () => call(s, 'GET', '/api/health', { headers: { Referer: 'http://example.com/page' } }),
    () => call(s, 'HEAD', '/api/health'),
    () => call(s, 'GET', '/api/collections/users/records?filter=bad(('),
    () => call(s, 'GET', '/api/collections/nope/records'),
    () => call(s, 'POST', '/api/collections/users/records', { body: { email: 'bad' } }),
    () => call(s, 'GET', '/api/collections/users/records?a=%20b%2Fc', { token: s.su }),
    () => call(s, 'GET', '/api/collections/users/records', { token: s.user }),
    () => call(s, 'GET', '/api/logs'),
    () => call(s, 'GET', '/api/logs', { token: s.user }),
    () => call(s, 'GET', '/api/logs', { token: s.su }),
    () => call(s, 'GET', '/api/logs/stats', { token: s.su }),
    () => call(s, 'GET', '/api/logs/nope', { token: s.su }),
    () => call(s, 'GET', '/api/logs?sort=nope', { token: s.su }),
    () => call(s, 'GET', '/api/logs/stats?filter=bad((', { token: s.su }),
    () => call(s, 'GET', '/nothing-here'),
    () => call(s, 'GET', '/api/oauth2-redirect?state=x&code=y'),
    () =>
      call(s, 'OPTIONS', '/api/health', {
        headers: { Origin: 'http://a.example', 'Access-Control-Request-Method': 'GET' },
      }),
    async () => {
      const ctl = new AbortController()
      const res = await fetch(`${s.url}/api/realtime`, {
        headers: { 'User-Agent': UA },
        signal: ctl.signal,
      })
      const reader = res.body?.getReader()
      const first = await reader?.read() // PB_CONNECT
      const clientId = /"clientId":"([^"]+)"/.exec(new TextDecoder().decode(first?.value))?.[1]
      await call(s, 'POST', '/api/realtime', {
        body: { clientId, subscriptions: ['users/*'] },
      })
      ctl.abort()
      await reader?.cancel().catch(() => undefined)
    },
    () =>
      call(s, 'POST', '/api/batch', {
        token: s.su,
        body: {
          requests: [
            {
              method: 'POST',
              url: '/api/collections/users/records',
              body: {
                email: 'b@example.com',
                password: 'x1234567890',
                passwordConfirm: 'x1234567890',
              },
            },
          ],
        },
      }),
    () =>
      call(s, 'POST', '/api/batch', {
        token: s.su,
        body: { requests: [{ method: 'POST', url: '/api/collections/users/records', body: {} }] },
      }),
    () =>
      call(s, 'POST', '/api/collections/_superusers/auth-with-password', {
        body: { identity: SU.email, password: 'wrong' },
      }),
  ]
}

interface LogItem {
  id: string
  created: string
  level: number
  message: string
  data: { [key: string]: unknown }
}

/** The rows our requests produced, oldest first, once `count` of them are stored. */
async function marked(s: Server, count: number): Promise<LogItem[]> {
  const filter = encodeURIComponent(`data.userAgent='${UA}'`)
  const deadline = Date.now() + 15_000
  for (;;) {
    const r = await call(s, 'GET', `/api/logs?filter=${filter}&sort=@rowid&perPage=500`, {
      token: s.su,
    })
    const items = (r.body as { items: LogItem[] }).items
    if (items.length >= count || Date.now() > deadline) return items
    // PocketBase writes its batch 3 s after the last entry
    await new Promise((res) => setTimeout(res, 250))
  }
}

/** Rows whose `details` is a filter/sort parser's message. */
const PARSER_ERRORS = /[?&](filter|sort)=/

/** A row with the values that differ between two servers by nature replaced. */
function comparable(item: LogItem): unknown {
  const { execTime, authId, details, ...data } = item.data
  expect(typeof execTime).toBe('number')
  return {
    level: item.level,
    message: item.message,
    data: {
      ...data,
      ...(authId === undefined ? {} : { authId: typeof authId }),
      // the filter/sort parsers' own error texts differ (Go's vs ours); every other detail must not
      ...(details === undefined
        ? {}
        : { details: PARSER_ERRORS.test(item.message) ? typeof details : details }),
    },
  }
}

/** The comparable rows in a canonical order (storage order is not part of the contract). */
function sortedComparable(items: LogItem[]): unknown[] {
  return items
    .map((item) => ({ key: JSON.stringify(comparable(item)), row: comparable(item) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((x) => x.row)
}

beforeAll(async () => {
  pocketBaseExecutable()
  const [pocketbase, satchel] = await Promise.all([start('pocketbase'), start('satchel')])
  servers.pocketbase = pocketbase
  servers.satchel = satchel
}, 120_000)

afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.stop()))
  cleanupAll()
})

describe('request logs compared with PocketBase', () => {
  test('the same requests write the same rows', async () => {
    for (const s of Object.values(servers)) for (const send of traffic(s)) await send()
    const pb = await marked(servers.pocketbase, 17)
    const ours = await marked(servers.satchel, pb.length)
    // what PocketBase logs (and leaves out) for this traffic; its writes are asynchronous, so
    // under load rows of back-to-back requests may be stored in either order: compare sorted
    expect(pb.map((i) => i.message).sort()).toEqual(
      [
        'GET /api/health',
        'HEAD /api/health',
        'GET /api/collections/users/records?filter=bad((',
        'GET /api/collections/nope/records',
        'POST /api/collections/users/records',
        'GET /api/collections/users/records?a= b/c',
        'GET /api/collections/users/records',
        'GET /api/logs',
        'GET /api/logs',
        'GET /api/logs/nope',
        'GET /api/logs?sort=nope',
        'GET /api/logs/stats?filter=bad((',
        'GET /nothing-here',
        'POST /api/realtime',
        'POST /api/batch',
        'POST /api/batch',
        'POST /api/collections/_superusers/auth-with-password',
      ].sort(),
    )
    expect(sortedComparable(ours)).toEqual(sortedComparable(pb))
    for (const item of ours) {
      expect(item.id).toMatch(/^[a-z0-9]{15}$/)
      expect(item.created).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z$/)
    }
  }, 60_000)
})

describe('logs API compared with PocketBase', () => {
  const cases: [string, (s: Server) => Promise<{ status: number; body: unknown }>][] = [
    ['list (guest)', (s) => call(s, 'GET', '/api/logs')],
    ['list (user)', (s) => call(s, 'GET', '/api/logs', { token: s.user })],
    ['stats (guest)', (s) => call(s, 'GET', '/api/logs/stats')],
    ['view (user)', (s) => call(s, 'GET', '/api/logs/x', { token: s.user })],
    ['truncate (guest)', (s) => call(s, 'DELETE', '/api/logs')],
    ['truncate (user)', (s) => call(s, 'DELETE', '/api/logs', { token: s.user })],
    ['view missing', (s) => call(s, 'GET', '/api/logs/missing', { token: s.su })],
    ['bad filter', (s) => call(s, 'GET', '/api/logs?filter=bad((', { token: s.su })],
    ['unknown field', (s) => call(s, 'GET', '/api/logs?filter=updated>0', { token: s.su })],
    ['bad sort', (s) => call(s, 'GET', '/api/logs?sort=nope', { token: s.su })],
    ['bad page', (s) => call(s, 'GET', '/api/logs?page=abc', { token: s.su })],
    ['stats bad filter', (s) => call(s, 'GET', '/api/logs/stats?filter=bad((', { token: s.su })],
    [
      'empty page shape',
      (s) =>
        call(s, 'GET', `/api/logs?filter=${encodeURIComponent("message='none'")}`, { token: s.su }),
    ],
    [
      'skipTotal shape',
      (s) =>
        call(s, 'GET', `/api/logs?skipTotal=1&filter=${encodeURIComponent("message='none'")}`, {
          token: s.su,
        }),
    ],
    [
      'stats with nothing matching',
      (s) =>
        call(s, 'GET', `/api/logs/stats?filter=${encodeURIComponent("message='none'")}`, {
          token: s.su,
        }),
    ],
  ]
  test.each(cases)('%s', async (_name, send) => {
    const [pb, ours] = await Promise.all([send(servers.pocketbase), send(servers.satchel)])
    expect(ours).toEqual(pb)
  })

  test('stats buckets and truncate answer alike', async () => {
    const stats = await Promise.all(
      Object.values(servers).map((s) => call(s, 'GET', '/api/logs/stats', { token: s.su })),
    )
    for (const r of stats) {
      expect(r.status).toBe(200)
      for (const b of r.body as { date: string; total: number }[]) {
        expect(Object.keys(b)).toEqual(['date', 'total'])
        expect(b.date).toMatch(/^\d{4}-\d\d-\d\d \d\d:00:00\.000Z$/)
      }
    }
    const truncated = await Promise.all(
      Object.values(servers).map((s) => call(s, 'DELETE', '/api/logs', { token: s.su })),
    )
    expect(truncated[1]).toEqual(truncated[0])
    expect(truncated[0]?.status).toBe(204)
  })
})

/** The messages of the `_logs` rows written with UA (in `auxiliary.db`, or in PostgreSQL). */
async function bufferedMessages(dir: string): Promise<string[]> {
  const url = process.env.SATCHEL_DB_URL
  if (url !== undefined) {
    const db = new pg.Client({ connectionString: url })
    await db.connect()
    try {
      const res = await db.query(
        `SELECT message FROM "_logs" WHERE data::jsonb->>'userAgent' = $1`,
        [UA],
      )
      return res.rows.map((r: { message: string }) => r.message)
    } finally {
      await db.end()
    }
  }
  const db = openSqlite(`${dir}/auxiliary.db`, { readonly: true })
  try {
    const rows = await db.all<{ message: string }>(
      "SELECT message FROM `_logs` WHERE json_extract(data, '$.userAgent') = ?",
      [UA],
    )
    return rows.map((r) => r.message)
  } finally {
    await db.close()
  }
}

describe('request logs with --workers', () => {
  test('two workers: a stop writes what each still buffers', async () => {
    await freshPostgresDatabase()
    const dir = makeTempDir()
    const proc = await startSatchel(dir, undefined, { args: ['--workers=2'] })
    // health answers once one worker listens; the primary prints this once both do
    const deadline = Date.now() + 30_000
    while (!proc.output().includes('Server started') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50))
    }
    const s: Server = { url: proc.url, su: '', user: '', stop: () => proc.stop('SIGKILL') }
    for (let i = 0; i < 12; i++) await call(s, 'GET', `/api/health?n=${i}`)
    // well before the 3 s interval: only the shutdown flush can have written them
    expect(await proc.stop('SIGTERM')).toBe(0)
    expect((await bufferedMessages(dir)).sort()).toEqual(
      Array.from({ length: 12 }, (_, i) => `GET /api/health?n=${i}`).sort(),
    )
  }, 60_000)
})
