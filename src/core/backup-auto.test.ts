import { mkdirSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { TestApp } from '../tests/test-app.ts'
import { AUTO_BACKUP_JOB_ID } from './backup-auto.ts'
import { listBackups } from './backup-filesystem.ts'

let app: TestApp
let su: { Authorization: string }

beforeEach(async () => {
  app = await TestApp.create()
  su = { Authorization: (await app.createSuperuser()).token }
})
afterEach(async () => {
  await app.cleanup()
})

const patch = (backups: object) =>
  app.request('PATCH', '/api/settings', { headers: su, body: { backups } })

test('__pbAutoBackup__ follows settings.backups.cron and keeps cronMaxKeep auto backups', async () => {
  expect(app.cron().job(AUTO_BACKUP_JOB_ID)).toBeUndefined()
  expect((await patch({ cron: '0 3 * * *', cronMaxKeep: 2 })).status).toBe(200)
  expect(app.cron().job(AUTO_BACKUP_JOB_ID)?.schedule.expression).toBe('0 3 * * *')
  const res = await app.request('GET', '/api/crons', { headers: su })
  const ids = ((await res.json()) as { id: string }[]).map((j) => j.id)
  expect(ids.at(-1)).toBe(AUTO_BACKUP_JOB_ID)

  // two older auto backups and a manual one
  mkdirSync(app.dataDir.backups, { recursive: true })
  const old = (name: string, secondsAgo: number) => {
    const path = join(app.dataDir.backups, name)
    writeFileSync(path, 'PK')
    const t = new Date(Date.now() - secondsAgo * 1000)
    utimesSync(path, t, t)
  }
  old('@auto_pb_backup_acme_20200101000000.zip', 3000)
  old('@auto_pb_backup_acme_20200102000000.zip', 2000)
  old('manual.zip', 5000)
  await app.cron().job(AUTO_BACKUP_JOB_ID)?.run()
  const keys = (await listBackups(app)).map((b) => b.key)
  expect(keys).toHaveLength(3)
  expect(keys).toContain('manual.zip')
  expect(keys).toContain('@auto_pb_backup_acme_20200102000000.zip')
  expect(
    keys.find((k) => /^@auto_pb_backup_acme_\d{14}\.zip$/.test(k) && !k.includes('2020')),
  ).toBeDefined()

  expect((await patch({ cron: '' })).status).toBe(200)
  expect(app.cron().job(AUTO_BACKUP_JOB_ID)).toBeUndefined()
})

// PocketBase 0.40.4's answers (PATCH /api/settings, data.backups.cron.message), measured
const INVALID_CRONS: [string, string][] = [
  [
    'bad',
    'Invalid cron expression - must be a valid macro or to have exactly 5 space separated segments.',
  ],
  [
    '* * * *',
    'Invalid cron expression - must be a valid macro or to have exactly 5 space separated segments.',
  ],
  [
    '*  * * * *',
    'Invalid cron expression - must be a valid macro or to have exactly 5 space separated segments.',
  ],
  [
    ' @daily',
    'Invalid cron expression - must be a valid macro or to have exactly 5 space separated segments.',
  ],
  ['61 * * * *', 'Invalid segment value - must be between the min and max of the segment.'],
  ['* * * * 7', 'Invalid segment value - must be between the min and max of the segment.'],
  ['*/0 * * * *', 'Invalid segment step boundary - the step must be between 1 and the 59.'],
  ['*/60 * * * *', 'Invalid segment step boundary - the step must be between 1 and the 59.'],
  [
    '5/2 * * * *',
    'Invalid segment step - step > 1 could be used only with the wildcard or range format.',
  ],
  ['1/2/3 * * * *', 'Invalid segment step format - must be in the format */n or 1-30/n.'],
  ['a * * * *', 'Strconv.Atoi: parsing "a": invalid syntax.'],
  ['* * * * SUN', 'Strconv.Atoi: parsing "SUN": invalid syntax.'],
  ['10-5 * * * *', 'Invalid segment range maximum - must be between 10 and 59.'],
  ['70-80 * * * *', 'Invalid segment range minimum - must be between 0 and 59.'],
  ['1-2-3 * * * *', 'Invalid segment range format - the range must have 1 or 2 parts.'],
]

test('an invalid cron expression is refused when saving the settings, as PocketBase words it', async () => {
  for (const [cron, message] of INVALID_CRONS) {
    const res = await patch({ cron })
    expect(res.status, cron).toBe(400)
    const body = (await res.json()) as {
      data: { backups: { cron: { code: string; message: string } } }
    }
    expect(body.data.backups.cron, cron).toEqual({ code: 'validation_invalid_cron', message })
  }
  expect(app.cron().job(AUTO_BACKUP_JOB_ID)).toBeUndefined()
  for (const cron of ['@hourly', '*/5 1-3 * * 0-6', '0 0 1,15 * *']) {
    expect((await patch({ cron, cronMaxKeep: 1 })).status, cron).toBe(200)
    expect(app.cron().job(AUTO_BACKUP_JOB_ID), cron).toBeDefined()
  }
})
