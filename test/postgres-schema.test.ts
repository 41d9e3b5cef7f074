// A node on a PostgreSQL database whose schema differs from its code's: one newer than the
// database (a system migration missing) applies the missing migration at start; one older than
// the database (a newer node applied a system migration this one does not know) refuses to
// start with a message saying so, and the database is left as it was.
import pg from 'pg'
import { afterAll, expect, test } from 'vitest'
import { usePostgresForSatchel } from '../src/tests/postgres.ts'
import { cleanupAll, makeTempDir, startSatchel } from '../src/tests/process.ts'

usePostgresForSatchel()

const EXTRAS = { args: ['--automigrate=false'] }
const LATEST = '1778828400_normalize_indexes.go'
const FUTURE = '2000000000_from_a_newer_satchel.go'

afterAll(() => cleanupAll())

async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  const db = new pg.Client({ connectionString: process.env.SATCHEL_DB_URL })
  await db.connect()
  try {
    return (await db.query(sql, params)).rows as T[]
  } finally {
    await db.end()
  }
}

const applied = async () =>
  (await query<{ file: string }>('SELECT file FROM "_migrations"')).map((r) => r.file)

test('a node newer than the schema catches up; one older refuses to start, clearly', async () => {
  const dir = makeTempDir()
  await (await startSatchel(dir, undefined, EXTRAS)).stop()
  expect(await applied()).toContain(LATEST)

  // the database as an older Satchel left it: its newest system migration not applied yet
  await query('DELETE FROM "_migrations" WHERE file = $1', [LATEST])
  await (await startSatchel(dir, undefined, EXTRAS)).stop()
  expect(await applied()).toContain(LATEST)

  // the database as a newer Satchel left it
  await query('INSERT INTO "_migrations" (file, applied) VALUES ($1, 1)', [FUTURE])
  const before = (await applied()).sort()
  const start = startSatchel(dir, undefined, EXTRAS)
  await expect(start).rejects.toThrow(
    `The database schema is newer than this Satchel: system migration ${FUTURE} was applied by a newer version (this one knows system migrations up to ${LATEST}). Upgrade this node to the version the other nodes run.`,
  )
  expect((await applied()).sort()).toEqual(before)
}, 60_000)
