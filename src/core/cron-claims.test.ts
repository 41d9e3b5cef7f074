import { afterEach, beforeEach, expect, test } from 'vitest'
import { TestApp } from '../tests/test-app.ts'
import { App } from './app.ts'
import { claimCronRun } from './cron-claims.ts'

let first: TestApp
let second: App

beforeEach(async () => {
  first = await TestApp.create()
  // a second process's App on the same data dir
  second = new App({
    dataDir: first.dataDir.root,
    dev: false,
    queryTimeoutMs: 30_000,
    sharedDataDir: true,
  })
  await second.bootstrap()
})
afterEach(async () => {
  await second.close()
  await first.cleanup()
})

test('two apps on one data dir run each scheduled tick of a job once', async () => {
  let runs = 0
  for (const app of [first, second]) app.cron().add('count', '* * * * *', () => runs++)
  const tick = Date.UTC(2026, 2, 4, 10, 1)
  for (let i = 0; i < 5; i++) {
    const at = tick + i * 60_000
    await Promise.all([
      first.cron().runDue(new Date(at + 2)),
      second.cron().runDue(new Date(at - 3)),
    ])
  }
  expect(runs).toBe(5)
  // manual runs are never claimed
  await first.cron().job('count')?.run()
  await second.cron().job('count')?.run()
  expect(runs).toBe(7)
})

test('claims older than a day are removed on the first tick of an hour', async () => {
  const hour = Date.UTC(2026, 2, 4, 10, 0)
  const day = 24 * 3_600_000
  expect(await claimCronRun(first.auxDb, 'j', hour - day - 60_000)).toBe(true)
  expect(await claimCronRun(first.auxDb, 'j', hour - 60_000)).toBe(true)
  expect(await claimCronRun(first.auxDb, 'j', hour - 60_000)).toBe(false)
  expect(await claimCronRun(first.auxDb, 'j', hour)).toBe(true)
  const rows = await first.auxDb.all<{ scheduled: number }>(
    'SELECT scheduled FROM `_satchelCronRuns` ORDER BY scheduled',
  )
  expect(rows.map((r) => r.scheduled)).toEqual([hour - 60_000, hour])
})

test('an idle worker picks up schedules changed by another process before it ticks', async () => {
  const backupJob = (app: App) => app.cron().job('__pbAutoBackup__')?.expression
  expect(backupJob(second)).toBeUndefined()
  await first.saveSettings({
    ...first.settings(),
    backups: { ...first.settings().backups, cron: '0 3 * * *', cronMaxKeep: 2 },
  })
  expect(backupJob(first)).toBe('0 3 * * *')
  // no request reached `second`; its next tick (nothing due at 10:01) reloads first
  await second.cron().runDue(new Date(Date.UTC(2026, 2, 4, 10, 1)))
  expect(backupJob(second)).toBe('0 3 * * *')
  await first.saveSettings({
    ...first.settings(),
    backups: { ...first.settings().backups, cron: '' },
  })
  await second.cron().runDue(new Date(Date.UTC(2026, 2, 4, 10, 2)))
  expect(backupJob(second)).toBeUndefined()
})
