// `satchel serve --db=postgres://…`: bad URLs and unreachable databases are refused at start with
// one clear line, and a database that goes away answers requests with PocketBase's error shape.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startPostgres, type TestPostgres } from '../src/tests/postgres.ts'
import {
  cleanupAll,
  freePort,
  makeTempDir,
  runSatchelCli,
  spawnSatchel,
} from '../src/tests/process.ts'
import { client, expectFailure, startServer } from '../src/tests/sdk.ts'

let pg: TestPostgres
beforeAll(async () => {
  pg = await startPostgres()
})
afterAll(async () => {
  cleanupAll()
  await pg?.close()
})

describe('serve --db', () => {
  test.each([
    [
      'a URL that is not postgres://',
      () => 'mysql://u:p@127.0.0.1/db',
      /the scheme must be postgres/,
    ],
    [
      'a wrong password',
      () => pg.adminUrl.replace('satchel:satchel@', 'satchel:wrong@'),
      /Cannot connect to PostgreSQL at postgres:\/\/satchel:\*\*\*@.*password authentication failed/,
    ],
    [
      'a missing database',
      () => pg.adminUrl.replace(/\/postgres$/, '/nope'),
      /Cannot connect to PostgreSQL .*database "nope" does not exist/,
    ],
    [
      'an unreachable server',
      () => 'postgres://u:p@127.0.0.1:1/db',
      /Cannot connect to PostgreSQL at postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/db: .*ECONNREFUSED/,
    ],
  ])('refuses %s: one line, exit 1, no password shown', async (_name, url, message) => {
    const port = await freePort()
    const proc = spawnSatchel([
      'serve',
      `--http=127.0.0.1:${port}`,
      `--dir=${makeTempDir()}`,
      `--db=${url()}`,
    ])
    expect(await proc.exited).toBe(1)
    expect(proc.output()).toMatch(message)
    expect(proc.output()).not.toMatch(/satchel:(satchel|wrong)@/)
    expect(proc.output()).not.toMatch(/\n\s+at /) // no stack trace
  })

  test('a database that goes away: errors in PocketBase shape, no hang, the server keeps running', async () => {
    const own = await startPostgres()
    try {
      const server = await startServer('satchel', undefined, undefined, {
        args: ['--workers=1'],
        env: { SATCHEL_DB_URL: await own.createDatabase() },
      })
      const list = () =>
        fetch(`${server.url}/api/collections/users/records`, {
          signal: AbortSignal.timeout(15_000),
        })
      expect((await list()).status).toBe(200)
      await own.close()
      const res = await list()
      expect(res.status).toBeGreaterThanOrEqual(400)
      const body = (await res.json()) as Record<string, unknown>
      expect(body).toMatchObject({ status: res.status, data: {} })
      expect(typeof body.message).toBe('string')
      expect(server.hasExited()).toBe(false)
      expect((await fetch(`${server.url}/api/health`)).status).toBe(200)
      await server.stop()
    } finally {
      await own.close()
    }
  })

  test('backups and restores are refused with a pointer to pg_dump', async () => {
    const url = await pg.createDatabase()
    const dir = makeTempDir()
    runSatchelCli([
      'superuser',
      'upsert',
      'root@example.com',
      'root-pass-123',
      `--dir=${dir}`,
      `--db=${url}`,
    ])
    const server = await startServer('satchel', dir, undefined, {
      args: ['--workers=1'],
      env: { SATCHEL_DB_URL: url },
    })
    const su = client(server.url)
    await su.collection('_superusers').authWithPassword('root@example.com', 'root-pass-123')
    const err = await expectFailure(su.backups.create('a.zip'), 400)
    expect(err.response.message).toMatch(/^Failed to create backup\. .*PostgreSQL.*pg_dump/)
    expect(await su.backups.getFullList()).toEqual([])
    await server.stop()
  })
})
