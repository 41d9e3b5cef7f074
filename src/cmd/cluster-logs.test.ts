import { afterEach, beforeEach, expect, test } from 'vitest'
import { writeLogs } from '../core/log-query.ts'
import { TestApp } from '../tests/test-app.ts'
import type { SqlValue } from '../tools/db/db.ts'
import { openSqlite } from '../tools/db/sqlite.ts'
import { isLogsMessage, PrimaryLogsWriter } from './cluster-logs.ts'

let app: TestApp

beforeEach(async () => {
  app = await TestApp.create()
})
afterEach(async () => {
  await app.cleanup()
})

test("a worker's batches written by the primary land in auxiliary.db as the worker built them", async () => {
  const sent: SqlValue[][] = []
  app.logsWriter = async (params) => {
    sent.push(params)
  }
  const time = Date.parse('2026-01-02T03:04:05.678Z')
  await writeLogs(app, [
    { time, level: 0, message: 'GET /api/health', data: { status: 200, type: 'request' } },
    { time: time + 1, level: 8, message: 'boom', data: { error: 'x' } },
  ])
  await writeLogs(app, [{ time: time + 2, level: 4, message: 'third', data: {} }])
  expect(sent.map((p) => p.length)).toEqual([10, 5])
  // nothing was written by the worker itself
  expect(await app.auxDb.all('SELECT id FROM _logs')).toEqual([])

  const writer = new PrimaryLogsWriter(app.dataDir.auxiliaryDb)
  const messages = sent.map((params) => ({ type: 'logs', params }))
  expect(messages.every(isLogsMessage)).toBe(true)
  for (const msg of messages) writer.write(msg as { type: 'logs'; params: SqlValue[] })
  await writer.close()

  const db = openSqlite(app.dataDir.auxiliaryDb, { readonly: true })
  try {
    const rows = await db.all(
      'SELECT id, level, message, data, created FROM _logs ORDER BY created',
    )
    expect(rows).toEqual([
      {
        id: sent[0]![0],
        level: 0,
        message: 'GET /api/health',
        data: '{"status":200,"type":"request"}',
        created: '2026-01-02 03:04:05.678Z',
      },
      {
        id: sent[0]![5],
        level: 8,
        message: 'boom',
        data: '{"error":"x"}',
        created: '2026-01-02 03:04:05.679Z',
      },
      {
        id: sent[1]![0],
        level: 4,
        message: 'third',
        data: '{}',
        created: '2026-01-02 03:04:05.680Z',
      },
    ])
  } finally {
    await db.close()
  }
  // a batch after close opens the file again
  writer.write({
    type: 'logs',
    params: ['zzzzzzzzzzzzzzz', 0, 'later', '{}', '2026-01-02 03:04:06.000Z'],
  })
  await writer.close()
  expect(await app.auxDb.all("SELECT message FROM _logs WHERE id = 'zzzzzzzzzzzzzzz'")).toEqual([
    { message: 'later' },
  ])
})

test('a failing batch is reported and dropped; later batches are still written', async () => {
  const writer = new PrimaryLogsWriter(app.dataDir.auxiliaryDb)
  const errors: string[] = []
  const write = process.stderr.write
  process.stderr.write = ((chunk: string) => errors.push(String(chunk)) > 0) as typeof write
  try {
    const row = ['aaaaaaaaaaaaaaa', 0, 'once', '{}', '2026-01-02 03:04:06.000Z']
    writer.write({ type: 'logs', params: row })
    writer.write({ type: 'logs', params: row }) // the same id again: a UNIQUE failure
    writer.write({
      type: 'logs',
      params: ['bbbbbbbbbbbbbbb', 0, 'after', '{}', '2026-01-02 03:04:07.000Z'],
    })
    await writer.close()
  } finally {
    process.stderr.write = write
  }
  expect(errors.join('')).toMatch(/Failed to write 1 log entries: .*UNIQUE/)
  expect(await app.auxDb.all('SELECT message FROM _logs ORDER BY id')).toEqual([
    { message: 'once' },
    { message: 'after' },
  ])
})
