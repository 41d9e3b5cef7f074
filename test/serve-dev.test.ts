// `serve --dev` prints request logs and SQL statements to the terminal, like PocketBase's: the
// same requests are sent to both and the same lines must appear in both outputs.
import { afterAll, describe, expect, test } from 'vitest'
import { cleanupAll, makeTempDir } from '../src/tests/process.ts'
import { type ServerKind, startServer, upsertSuperuser } from '../src/tests/sdk.ts'

afterAll(() => {
  cleanupAll()
})

describe.each(['satchel', 'pocketbase'] as ServerKind[])('serve --dev (%s)', (kind) => {
  test('request logs (error → details tree) and SQL with inlined values', {
    timeout: 60_000,
  }, async () => {
    const dir = makeTempDir('satchel-dev-')
    upsertSuperuser(kind, dir, 'root@example.com', 'root-pass-123')
    const args = kind === 'satchel' ? ['--dev', '--workers=1'] : ['--dev']
    const server = await startServer(kind, dir, undefined, { args })
    try {
      await fetch(
        `${server.url}/api/collections/users/records?filter=${encodeURIComponent("email='probe@x.io'")}`,
      )
      await fetch(`${server.url}/api/nope`, { method: 'POST' })
      await fetch(`${server.url}/api/collections/_superusers/auth-with-password`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ identity: 'root@example.com', password: 'wrong-pass' }),
      })
      const wanted = [
        /^INFO GET \/api\/health$/m,
        /^INFO GET \/api\/collections\/users\/records\?filter=email='probe@x\.io'$/m,
        /^ERROR POST \/api\/nope\n└─ The requested resource wasn't found\.$/m,
        /^ERROR POST \/api\/collections\/_superusers\/auth-with-password\n└─ Failed to authenticate\.\n {3}└─ invalid login credentials$/m,
        /^\[\d+\.\d\dms\] SELECT .*FROM `users` WHERE .*`users`\.`email` = 'probe@x\.io'.* LIMIT 30$/m,
        /^\[\d+\.\d\dms\] SELECT .*FROM `_superusers` WHERE .*'root@example\.com'.*$/m,
      ]
      // NOTE: spawned servers get NO_COLOR, so PocketBase prints plain text too.
      for (const re of wanted)
        await expect.poll(() => server.output(), { timeout: 10_000 }).toMatch(re)
    } finally {
      await server.stop()
    }
  })
})
