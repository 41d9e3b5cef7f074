import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { TestApp } from '../tests/test-app.ts'
import { LOG_LEVEL } from '../tools/logger/logger.ts'
import { LOGS_CLEANUP_JOB } from './app-logger.ts'
import { deleteOldLogs, logsStats, writeLogs } from './log-query.ts'

let app: TestApp

beforeEach(async () => {
  app = await TestApp.create()
})
afterEach(async () => {
  await app.cleanup()
})

const DAY = 86_400_000

/** One log per age in days (message = the age), written directly. */
async function seedAges(...ages: number[]): Promise<void> {
  const now = Date.now()
  await writeLogs(
    app,
    ages.map((age) => ({
      time: now - age * DAY,
      level: LOG_LEVEL.info,
      message: `${age}`,
      data: {},
    })),
  )
}

async function messages(): Promise<string[]> {
  const rows = await app.auxDb.all<{ message: string }>(
    'SELECT message FROM `_logs` ORDER BY created DESC',
  )
  return rows.map((r) => r.message)
}

describe('logs retention', () => {
  test('deleteOldLogs deletes the rows created at or before the date', async () => {
    await seedAges(0, 2, 4, 6)
    expect(await deleteOldLogs(app, new Date(Date.now() - 3 * DAY))).toBe(2)
    expect(await messages()).toEqual(['0', '2'])
  })

  test(`${LOGS_CLEANUP_JOB.id} (${LOGS_CLEANUP_JOB.expression}) keeps settings.logs.maxDays days`, async () => {
    const job = app
      .cron()
      .jobs()
      .find((j) => j.id === LOGS_CLEANUP_JOB.id)
    expect(job?.expression).toBe('0 */6 * * *')
    await seedAges(0, 1.5, 4, 10)
    const s = structuredClone(app.settings())
    s.logs.maxDays = 2
    // NOTE: saving the settings already applies the new retention (PocketBase's reload handler)
    await app.saveSettings(s)
    expect(await messages()).toEqual(['0', '1.5'])
    await seedAges(3)
    await job?.run()
    expect(await messages()).toEqual(['0', '1.5'])
  })
})

describe('writeLogs', () => {
  test('ids have PocketBase’s form and follow the log time', async () => {
    await seedAges(3, 0, 2, 1)
    const rows = await app.auxDb.all<{ id: string; message: string }>(
      'SELECT id, message FROM `_logs` ORDER BY id',
    )
    for (const r of rows) expect(r.id).toMatch(/^[a-z0-9]{15}$/)
    expect(rows.map((r) => r.message)).toEqual(['3', '2', '1', '0'])
  })
})

describe('logsStats', () => {
  test('counts per UTC hour, oldest first, optionally filtered', async () => {
    const at = (iso: string) => Date.parse(iso)
    await writeLogs(app, [
      { time: at('2026-03-01T08:59:59.999Z'), level: 0, message: 'a', data: {} },
      { time: at('2026-03-01T09:00:00.000Z'), level: 8, message: 'b', data: {} },
      { time: at('2026-03-01T09:30:00.000Z'), level: 0, message: 'c', data: {} },
    ])
    expect(await logsStats(app)).toEqual([
      { date: '2026-03-01 08:00:00.000Z', total: 1 },
      { date: '2026-03-01 09:00:00.000Z', total: 2 },
    ])
    expect(await logsStats(app, { sql: '`level` > :l', params: { l: 0 } })).toEqual([
      { date: '2026-03-01 09:00:00.000Z', total: 1 },
    ])
  })
})
