import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { configFromFlags, openApp, publicDirFromFlags } from './pocketbase.ts'
import { QueryTimeoutError } from './tools/db/db.ts'

const root = mkdtempSync(join(tmpdir(), 'satchel-config-'))
afterAll(() => {
  rmSync(root, { recursive: true, force: true })
})

describe('boot config from the global flags', () => {
  test('PocketBase’s defaults; pb_public, pb_hooks, pb_migrations beside the data dir', () => {
    const dir = join(root, 'x', 'pb_data')
    const config = configFromFlags({ dir })
    expect(config).toMatchObject({
      dataDir: dir,
      dev: false,
      queryTimeoutMs: 30_000,
      hooksDir: join(root, 'x', 'pb_hooks'),
      hooksWatch: true,
      hooksPool: 15,
      migrationsDir: join(root, 'x', 'pb_migrations'),
      automigrate: true,
    })
    expect(Object.isFrozen(config)).toBe(true)
    expect(publicDirFromFlags({ dir })).toBe(join(root, 'x', 'pb_public'))
    expect(publicDirFromFlags({ dir, publicDir: '/srv/www' })).toBe('/srv/www')
    expect(
      configFromFlags({
        dir,
        hooksDir: '/h',
        migrationsDir: '/m',
        hooksPool: 2,
        automigrate: false,
      }),
    ).toMatchObject({ hooksDir: '/h', migrationsDir: '/m', hooksPool: 2, automigrate: false })
  })

  test('--queryTimeout reaches the data.db connections', async () => {
    const app = await openApp({ dir: join(root, 'qt', 'pb_data'), queryTimeout: 1 })
    try {
      const started = Date.now()
      await expect(
        app.db.all(
          'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c',
        ),
      ).rejects.toBeInstanceOf(QueryTimeoutError)
      expect(Date.now() - started).toBeLessThan(10_000)
    } finally {
      await app.close()
    }
  })
})
