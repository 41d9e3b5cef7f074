import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { TestApp } from '../tests/test-app.ts'
import { formatDate } from '../tools/types/datetime.ts'
import { newAuthRef, saveAuthRef } from './auth-system-records.ts'
import type { Record } from './record-model.ts'

let app: TestApp

beforeEach(async () => {
  app = await TestApp.create()
})
afterEach(async () => {
  await app.cleanup()
})

/** Adds an `_otps` or `_mfas` row of `owner` created `ageSeconds` ago; returns its id. */
async function authRef(table: '_otps' | '_mfas', owner: Record, ageSeconds: number) {
  const row = newAuthRef(app, table, owner)
  if (table === '_otps') row.set('password', '123456')
  else row.set('method', 'password')
  await saveAuthRef(app, row)
  const created = formatDate(new Date(Date.now() - ageSeconds * 1000))
  await app.db.run(`UPDATE \`${table}\` SET created = ? WHERE id = ?`, [created, row.id])
  return row.id
}

async function ids(table: string): Promise<string[]> {
  const rows = await app.db.all<{ id: string }>(`SELECT id FROM \`${table}\` ORDER BY id`)
  return rows.map((r) => r.id)
}

describe('system cron jobs', () => {
  test('are registered at bootstrap with PocketBase ids and schedules', () => {
    expect(
      app
        .cron()
        .jobs()
        .map((j) => j.toJSON()),
    ).toEqual([
      { id: '__pbDBOptimize__', expression: '0 0 * * *' },
      { id: '__pbMFACleanup__', expression: '0 * * * *' },
      { id: '__pbOTPCleanup__', expression: '0 * * * *' },
      { id: '__pbLogsCleanup__', expression: '0 */6 * * *' },
    ])
  })

  test.each([
    ['_otps', '__pbOTPCleanup__', 'otp'],
    ['_mfas', '__pbMFACleanup__', 'mfa'],
  ] as const)(
    '%s: %s deletes rows older than each collection’s %s.duration',
    async (table, jobId, key) => {
      const users = app.findCollectionByNameOrId('users')
      users.auth![key].duration = 60
      const su = app.findCollectionByNameOrId('_superusers')
      su.auth![key].duration = 300
      const { record: user } = await app.createAuthRecord('users', {
        email: 'u@example.com',
        password: '1234567890',
      })
      const { record: admin } = await app.createSuperuser()
      const userOld = await authRef(table, user, 120)
      const userFresh = await authRef(table, user, 10)
      const adminMid = await authRef(table, admin, 120)
      const adminOld = await authRef(table, admin, 400)
      await app.cron().job(jobId)?.run()
      expect(await ids(table)).toEqual([userFresh, adminMid].sort())
      expect([userOld, adminOld]).not.toContain(userFresh)
    },
  )

  test('__pbDBOptimize__ checkpoints the WAL of both databases, then optimizes data.db', async () => {
    type Wal = { busy: number; log: number }
    const before = await app.db.get<Wal>('PRAGMA wal_checkpoint(PASSIVE)')
    await app.auxDb.run('CREATE TABLE t (x)')
    await app.cron().job('__pbDBOptimize__')?.run()
    // PRAGMA optimize may write a few frames (its ANALYZE) after the checkpoint, as in PocketBase
    const after = await app.db.get<Wal>('PRAGMA wal_checkpoint(PASSIVE)')
    expect(before?.log).toBeGreaterThan(20)
    expect(after?.log).toBeLessThan(10)
    expect((await app.auxDb.get<Wal>('PRAGMA wal_checkpoint(PASSIVE)'))?.log).toBe(0)
  })
})
