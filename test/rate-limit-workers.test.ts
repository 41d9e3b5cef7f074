// Rate limits under `satchel serve` with 2 worker processes: a limit of N must hold for the
// server as a whole (windows shared through auxiliary.db), not N per worker.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { cleanupAll, type ServerProcess } from '../src/tests/process.ts'
import { client, startServer, targetKind, upsertSuperuser } from '../src/tests/sdk.ts'

const kind = targetKind()
let server: ServerProcess

beforeAll(async () => {
  server = await startServer(kind)
  upsertSuperuser(kind, server.dir, 'root@example.com', 'root-pass-123')
  const su = client(server.url)
  await su.collection('_superusers').authWithPassword('root@example.com', 'root-pass-123')
  await su.settings.update({
    rateLimits: {
      enabled: true,
      rules: [{ label: '/api/health', audience: '', duration: 60, maxRequests: 5 }],
    },
  })
}, 60_000)

afterAll(async () => {
  await server?.stop('SIGKILL')
  cleanupAll()
})

describe(`rate limits across workers (${kind})`, () => {
  test('40 concurrent requests on separate connections: exactly 5 pass', async () => {
    const statuses = await Promise.all(
      Array.from({ length: 40 }, () =>
        fetch(`${server.url}/api/health`, { headers: { connection: 'close' } }).then(
          (r) => r.status,
        ),
      ),
    )
    expect(statuses.filter((s) => s === 200)).toHaveLength(5)
    expect(statuses.filter((s) => s === 429)).toHaveLength(35)
  })
})
