import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import '../migrations/index.ts'
import { App } from './app.ts'

test('cron() and store() are usable before bootstrap, kept by it and shared by transactions', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'satchel-services-'))
  const app = new App({ dataDir: join(dir, 'pb_data'), dev: false, queryTimeoutMs: 30_000 })
  try {
    app.cron().add('early', '*/5 * * * *', () => {})
    app.store().set('greeting', 'hi')
    await app.bootstrap()
    // the job added before stays beside the system jobs bootstrap registers
    const ids = app
      .cron()
      .jobs()
      .map((j) => j.id)
    expect(ids).toContain('early')
    expect(ids).toContain('__pbDBOptimize__')
    expect(app.store().get('greeting')).toBe('hi')
    await app.runInTransaction(async (tx) => {
      expect(tx.cron()).toBe(app.cron())
      tx.store().set('fromTx', 1)
    })
    expect(app.store().getAll()).toEqual({ greeting: 'hi', fromTx: 1 })
    // another app has its own services
    const other = new App({ dataDir: join(dir, 'other'), dev: false, queryTimeoutMs: 30_000 })
    expect(other.store().has('greeting')).toBe(false)
    expect(other.cron().jobs()).toEqual([])
  } finally {
    await app.close()
    rmSync(dir, { recursive: true, force: true })
  }
})
