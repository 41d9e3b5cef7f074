// `satchel migrate-db`: a pb_data written by the real PocketBase 0.40.4 is copied to PostgreSQL,
// served from there by Satchel with the same records, files, tokens and superuser; then copied
// back into a new pb_data that PocketBase itself serves. Bad input leaves the target as it was.
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import type { RecordModel } from 'pocketbase'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { describeSchema } from '../src/tests/pb-data.ts'
import { startPostgres, type TestPostgres } from '../src/tests/postgres.ts'
import {
  cleanupAll,
  freePort,
  makeTempDir,
  pocketBaseExecutable,
  type ServerProcess,
  satchelCommand,
  startPocketBase,
  startSatchel,
} from '../src/tests/process.ts'
import { client, upsertSuperuser } from '../src/tests/sdk.ts'
import {
  normaliseSnapshot,
  SEED_SU,
  type SeedResult,
  type SeedSnapshot,
  seedThroughSdk,
  snapshot,
} from '../src/tests/sdk-seed.ts'

/** Runs `satchel migrate-db ARGS` to completion. */
function migrateDb(args: readonly string[]): { status: number; stdout: string; stderr: string } {
  const sc = satchelCommand()
  const res = spawnSync(sc.command, [...sc.args, 'migrate-db', ...args], {
    cwd: sc.cwd,
    env: { ...process.env, ...sc.env },
    timeout: 60_000,
    encoding: 'utf8',
  })
  return { status: res.status ?? -1, stdout: res.stdout, stderr: res.stderr }
}

/** The tables, views and functions of the `public` schema of the database at `url`. */
async function publicObjects(url: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    const res = await c.query(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' UNION ALL SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' AND p.proname LIKE 'satchel%'",
    )
    return res.rows.map((r) => r.name as string).sort()
  } finally {
    await c.end()
  }
}

async function pgRows(url: string, sql: string): Promise<unknown[]> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    return (await c.query(sql)).rows
  } finally {
    await c.end()
  }
}

async function pgExec(url: string, sql: string): Promise<void> {
  await pgRows(url, sql)
}

/** What the test compares between the servers, beside the seed's snapshot. */
interface Extra {
  externalAuths: RecordModel[]
  docs: RecordModel[]
  file: string
}

let postgres: TestPostgres
const pbDir = makeTempDir('satchel-migrate-db-')
let seed: SeedResult
let pbSnapshot: SeedSnapshot
let pbExtra: Extra
let pgUrl: string

async function readExtra(url: string): Promise<Extra> {
  const su = client(url, seed.tokens.su)
  const externalAuths = await su.collection('_externalAuths').getFullList({ sort: 'id' })
  const docs = await su.collection('docs').getFullList({ sort: 'id' })
  const doc = docs[0]!
  const res = await fetch(`${url}/api/files/docs/${doc.id}/${doc.attachment as string}`)
  expect(res.status).toBe(200)
  return { externalAuths, docs, file: await res.text() }
}

async function expectSameApp(server: ServerProcess): Promise<void> {
  const snap = await snapshot(server.url, seed)
  expect(normaliseSnapshot(snap, seed)).toEqual(normaliseSnapshot(pbSnapshot, seed))
  expect(snap.records).toEqual(pbSnapshot.records)
  expect(await readExtra(server.url)).toEqual(pbExtra)
  const su = client(server.url)
  const auth = await su.collection('_superusers').authWithPassword(SEED_SU.email, SEED_SU.password)
  expect(auth.record.email).toBe(SEED_SU.email)
}

beforeAll(async () => {
  pocketBaseExecutable()
  postgres = await startPostgres()
  upsertSuperuser('pocketbase', pbDir, SEED_SU.email, SEED_SU.password)
  const pb = await startPocketBase(pbDir)
  try {
    seed = await seedThroughSdk(pb.url)
    const su = client(pb.url, seed.tokens.su)
    const users = await su.collections.getOne('users')
    await su.collections.create({
      name: 'docs',
      type: 'base',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'attachment', type: 'file', maxSelect: 1, maxSize: 1_000_000 },
      ],
    })
    await su.collection('docs').create({
      title: 'with a file',
      attachment: new File(['hello from PocketBase storage'], 'hello.txt'),
    })
    await su.collection('_externalAuths').create({
      collectionRef: users.id,
      recordRef: seed.ids.alice,
      provider: 'google',
      providerId: 'google-user-123',
    })
    pbSnapshot = await snapshot(pb.url, seed)
    pbExtra = await readExtra(pb.url)
  } finally {
    expect(await pb.stop('SIGTERM')).toBe(0)
  }
  pgUrl = await postgres.createDatabase()
}, 180_000)

afterAll(async () => {
  await postgres?.close()
  cleanupAll()
})

describe('a PocketBase app moved to PostgreSQL and back', () => {
  test('pb_data → PostgreSQL: verified copy, Satchel serves the same app', async () => {
    const res = migrateDb([`--from=${pbDir}`, `--to=${pgUrl}`, '--logs'])
    expect(res.stderr).toBe('')
    expect(res.status).toBe(0)
    expect(res.stdout).toMatch(/Verified: \d+ tables, \d+ rows; counts and checksums match\./)
    // PocketBase logged the seeding requests in auxiliary.db
    const logs = Number(/^_logs +(\d+) /m.exec(res.stdout)?.[1])
    expect(logs).toBeGreaterThan(0)
    expect(await pgRows(pgUrl, 'SELECT count(*)::int AS n FROM _logs')).toEqual([{ n: logs }])
    for (const table of ['_params', '_collections', '_migrations', '_superusers', 'things']) {
      expect(res.stdout).toMatch(
        new RegExp(`^${table} +\\d+ +[0-9a-f]{16} +\\d+ +[0-9a-f]{16}$`, 'm'),
      )
    }
    expect(res.stdout).not.toContain('MISMATCH')
    expect(res.stdout).toContain(
      `Files were not copied: local storage stays in ${join(pbDir, 'storage')} (serve with --dir=${pbDir}; several nodes need S3 storage).`,
    )
    // the files stay in pb_data's storage, so the node serves that --dir
    const sat = await startSatchel(pbDir, undefined, { args: [`--db=${pgUrl}`] })
    try {
      await expectSameApp(sat)
    } finally {
      expect(await sat.stop('SIGTERM')).toBe(0)
    }
  }, 120_000)

  test('PostgreSQL → a new pb_data: PocketBase 0.40.4 serves it', async () => {
    const dir = makeTempDir('satchel-migrate-db-')
    const res = migrateDb([`--from=${pgUrl}`, `--to=${dir}`])
    expect(res.stderr).toBe('')
    expect(res.status).toBe(0)
    expect(res.stdout).toContain('counts and checksums match')
    expect(readdirSync(dir).sort()).toEqual(['auxiliary.db', 'data.db'])
    expect(res.stdout).toContain(
      `Files were not copied: copy the storage folder of the --dir the PostgreSQL nodes served to ${join(dir, 'storage')}`,
    )
    // no temp folder left beside it
    expect(readdirSync(dirname(dir))).toEqual(['pb_data'])
    // PocketBase's own DDL: the same tables, columns, defaults and indexes as the original
    for (const file of ['data.db', 'auxiliary.db']) {
      expect(await describeSchema(join(dir, file))).toEqual(await describeSchema(join(pbDir, file)))
    }
    cpSync(join(pbDir, 'storage'), join(dir, 'storage'), { recursive: true })
    const pb = await startPocketBase(dir)
    try {
      await expectSameApp(pb)
    } finally {
      expect(await pb.stop('SIGTERM')).toBe(0)
    }
  }, 120_000)
})

describe('bad input leaves the target as it was', () => {
  test('a target that is not empty is refused', async () => {
    const before = await publicObjects(pgUrl)
    const res = migrateDb([`--from=${pbDir}`, `--to=${pgUrl}`])
    expect(res.status).toBe(1)
    expect(res.stderr).toMatch(
      /the target postgres:\/\/satchel:\*\*\*@[^ ]+ is not empty \(it has _collections, /,
    )
    expect(await publicObjects(pgUrl)).toEqual(before)

    const url = await postgres.createDatabase()
    await pgExec(url, 'CREATE TABLE things (id INTEGER)')
    const shaped = migrateDb([`--from=${pbDir}`, `--to=${url}`])
    expect(shaped.status).toBe(1)
    expect(shaped.stderr).toContain('is not empty (it has things)')
    expect(await publicObjects(url)).toEqual(['things'])

    const dir = migrateDb([`--from=${pgUrl}`, `--to=${pbDir}`])
    expect(dir.status).toBe(1)
    expect(dir.stderr).toContain(`the target ${pbDir} is not empty`)
  }, 60_000)

  test('an unreachable database or a missing source is a clear error', async () => {
    const port = await freePort()
    const res = migrateDb([`--from=${pbDir}`, `--to=postgres://u:secret@127.0.0.1:${port}/app`])
    expect(res.status).toBe(1)
    expect(res.stderr).toContain(
      `Cannot connect to PostgreSQL at postgres://u:***@127.0.0.1:${port}/app`,
    )
    expect(res.stderr).not.toContain('secret')
    const missing = makeTempDir('satchel-migrate-db-')
    const src = migrateDb([`--from=${missing}`, `--to=${pgUrl}`])
    expect(src.status).toBe(1)
    expect(src.stderr).toContain(`no data.db in ${missing}: not a pb_data folder`)
    expect(migrateDb([`--to=${pgUrl}`]).stderr).toContain('missing --from')
  }, 60_000)

  test('a value PostgreSQL cannot take fails the copy mid-way and nothing is written', async () => {
    const dir = makeTempDir('satchel-migrate-db-')
    cpSync(pbDir, dir, { recursive: true })
    const db = new Database(join(dir, 'data.db'))
    db.prepare("UPDATE things SET amount = 'not a number' WHERE title = 'Bob thing'").run()
    db.close()
    const url = await postgres.createDatabase()
    const res = migrateDb([`--from=${dir}`, `--to=${url}`])
    expect(res.status).toBe(1)
    expect(res.stderr).toContain('migrate-db failed, the target was left as it was:')
    expect(res.stderr).toContain('double precision')
    expect(await publicObjects(url)).toEqual([])
  }, 60_000)

  test("a view whose SQL is SQLite's only fails the copy with the collection's name", async () => {
    const dir = makeTempDir('satchel-migrate-db-')
    cpSync(pbDir, dir, { recursive: true })
    const db = new Database(join(dir, 'data.db'))
    db.prepare(
      "UPDATE _collections SET options = json_set(options, '$.viewQuery', 'SELECT t.id FROM things t, json_each(t.tags) j') WHERE name = 'thing_owners'",
    ).run()
    db.close()
    const url = await postgres.createDatabase()
    const res = migrateDb([`--from=${dir}`, `--to=${url}`])
    expect(res.status).toBe(1)
    expect(res.stderr).toContain(
      'cannot create the view of collection "thing_owners" on postgres (its query must be valid there): function json_each(text) does not exist',
    )
    expect(await publicObjects(url)).toEqual([])
  }, 60_000)

  test('a value PostgreSQL changes on the way is caught by the checksums and rolled back', async () => {
    const dir = makeTempDir('satchel-migrate-db-')
    cpSync(pbDir, dir, { recursive: true })
    const db = new Database(join(dir, 'data.db'))
    // PostgreSQL reads 'yes' as true, which comes back as 1: the row differs after the copy
    db.prepare("UPDATE things SET active = 'yes' WHERE title = 'Bob thing'").run()
    db.close()
    const url = await postgres.createDatabase()
    const res = migrateDb([`--from=${dir}`, `--to=${url}`])
    expect(res.status).toBe(1)
    expect(res.stdout).toMatch(/^things +3 +([0-9a-f]{16}) +3 +(?!\1)[0-9a-f]{16} {2}MISMATCH$/m)
    expect(res.stdout.match(/MISMATCH/g)).toHaveLength(1)
    expect(res.stderr).toContain(
      'migrate-db failed, the target was left as it was: verification failed: rows or checksums differ in things',
    )
    expect(await publicObjects(url)).toEqual([])
  }, 60_000)

  test('a connection killed mid-copy leaves the database empty', async () => {
    const url = await postgres.createDatabase()
    // an event trigger ends the copying session right after it creates the `things` table
    await pgExec(
      url,
      `CREATE FUNCTION kill_copy() RETURNS event_trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM pg_event_trigger_ddl_commands() WHERE object_identity = 'public.things') THEN
          PERFORM pg_terminate_backend(pg_backend_pid());
        END IF;
      END $$;
      CREATE EVENT TRIGGER kill_copy ON ddl_command_end EXECUTE FUNCTION kill_copy();`,
    )
    const res = migrateDb([`--from=${pbDir}`, `--to=${url}`])
    expect(res.status).toBe(1)
    expect(res.stderr).toContain('migrate-db failed, the target was left as it was:')
    expect(res.stderr).toMatch(/terminat/i)
    expect(await publicObjects(url)).toEqual([])
  }, 60_000)

  test('a failure while writing a pb_data removes the temp folder', async () => {
    const url = await postgres.createDatabase()
    expect(migrateDb([`--from=${pbDir}`, `--to=${url}`]).status).toBe(0)
    // a column that is no field of its collection cannot be written by the collection's DDL
    await pgExec(url, 'ALTER TABLE things ADD COLUMN stray TEXT')
    const dir = makeTempDir('satchel-migrate-db-')
    const parent = dirname(dir)
    const res = migrateDb([`--from=${url}`, `--to=${dir}`])
    expect(res.status).toBe(1)
    expect(res.stderr).toContain(
      'table "things": the source has columns that are not fields of its collection (stray)',
    )
    expect(existsSync(dir)).toBe(false)
    expect(readdirSync(parent)).toEqual([])
  }, 60_000)
})
