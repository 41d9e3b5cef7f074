import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { ZipFile } from 'yazl'
import { createTestCollection } from '../tests/record-fixtures.ts'
import { TestApp } from '../tests/test-app.ts'
import { rawZip } from '../tests/zip.ts'
import { createBackup } from './backup-create.ts'
import { RestoreError, restoreBackup } from './backup-restore.ts'
import { activeBackup } from './backup-state.ts'
import { Record } from './record-model.ts'
import { saveRecord } from './record-save.ts'

let app: TestApp
let su: { Authorization: string }

beforeEach(async () => {
  app = await TestApp.create()
  su = { Authorization: (await app.createSuperuser()).token }
  await createTestCollection(app, {
    name: 'posts',
    listRule: '',
    fields: [{ name: 'title', type: 'text' }],
  })
})
afterEach(async () => {
  await app.cleanup()
})

async function addPost(title: string): Promise<string> {
  const r = new Record(app.findCollectionByNameOrId('posts'))
  r.set('title', title)
  await saveRecord(app, r)
  return r.id
}

async function titles(): Promise<string[]> {
  const res = await app.request('GET', '/api/collections/posts/records?sort=title')
  expect(res.status).toBe(200)
  return ((await res.json()) as { items: { title: string }[] }).items.map((i) => i.title)
}

/** Every file of pb_data but the backups/temp/lock dirs, with a content hash. */
function fingerprint(): { [path: string]: string } {
  const out: { [path: string]: string } = {}
  const root = app.dataDir.root
  const skip = new Set(app.dataDir.backupExclude)
  const visit = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, e.name)
      const rel = relative(root, full)
      if (skip.has(rel.split('/')[0] ?? '')) continue
      if (e.isDirectory()) visit(full)
      // NOTE: -shm is SQLite's shared-memory index, rewritten by plain reads.
      else
        out[rel] = rel.endsWith('-shm')
          ? ''
          : createHash('sha1').update(readFileSync(full)).digest('hex')
    }
  }
  visit(root)
  return out
}

function putBackup(name: string, bytes: Buffer): void {
  mkdirSync(app.dataDir.backups, { recursive: true })
  writeFileSync(join(app.dataDir.backups, name), bytes)
}

function sqliteFile(setup: (db: Database.Database) => void): Buffer {
  const path = join(app.dataDir.root, '..', `db-${Math.random()}.db`)
  const db = new Database(path)
  setup(db)
  db.close()
  return readFileSync(path)
}

function yazlZip(entries: [string, Buffer][], level = 6): Promise<Buffer> {
  const zip = new ZipFile()
  for (const [name, data] of entries) zip.addBuffer(data, name, { compressionLevel: level })
  zip.end()
  const chunks: Buffer[] = []
  return new Promise((resolve, reject) => {
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c))
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)))
    zip.outputStream.on('error', reject)
  })
}

describe('restore', () => {
  test('a backup restores in place: data, storage files, hooks, lock released', async () => {
    await addPost('kept')
    mkdirSync(join(app.dataDir.storage, 'c1'), { recursive: true })
    writeFileSync(join(app.dataDir.storage, 'c1', 'f.txt'), 'old')
    await createBackup(app, 'one.zip')
    await addPost('added later')
    writeFileSync(join(app.dataDir.storage, 'c1', 'f.txt'), 'changed')
    expect(await titles()).toEqual(['added later', 'kept'])

    let sawHook = 0
    app.onBackupRestore.bind(async (e) => {
      sawHook++
      expect(e.name).toBe('one.zip')
      expect(e.exclude).toContain('backups')
      await e.next()
    })
    const { restarted } = await restoreBackup(app, 'one.zip')
    expect(activeBackup(app)?.operation).toBe('restore')
    await restarted
    expect(sawHook).toBe(1)
    expect(await titles()).toEqual(['kept'])
    expect(readFileSync(join(app.dataDir.storage, 'c1', 'f.txt'), 'utf8')).toBe('old')
    // the backups survive a restore; the lock is free again
    expect(statSync(join(app.dataDir.backups, 'one.zip')).size).toBeGreaterThan(0)
    expect(activeBackup(app)).toBeUndefined()
    const res = await app.request('GET', '/api/health', { headers: su })
    expect(await res.text()).toContain('"canBackup":true')
  })

  test('through the API: 404-like 400 for a missing file, 204 then the data is back', async () => {
    await addPost('a')
    let res = await app.request('POST', '/api/backups/missing.zip/restore', { headers: su })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { message: string }).message).toBe(
      'Missing or invalid backup file.',
    )
    expect((await app.request('POST', '/api/backups/x.zip/restore')).status).toBe(401)
    await createBackup(app, 'a.zip')
    await addPost('b')
    // the restart runs in the background, after the answer: it ends with a new bootstrap
    const rebooted = new Promise<void>((resolve) => {
      app.onBootstrap.bind(async (e) => {
        await e.next()
        resolve()
      })
    })
    res = await app.request('POST', '/api/backups/a.zip/restore', { headers: su })
    expect(res.status).toBe(204)
    await rebooted
    expect(await titles()).toEqual(['a'])
  })

  const futureDb = () =>
    sqliteFile((db) => {
      db.exec('CREATE TABLE _collections (id TEXT, fields JSON)')
      db.exec('CREATE TABLE _migrations (file TEXT, applied INTEGER)')
      db.exec("INSERT INTO _migrations VALUES ('1640988000_init.go', 1), ('2999999999_v1.go', 2)")
    })
  const encryptedDb = () =>
    sqliteFile((db) => {
      db.exec('CREATE TABLE _collections (id TEXT, fields JSON)')
      db.exec('CREATE TABLE _migrations (file TEXT, applied INTEGER)')
      db.exec('CREATE TABLE _params (id TEXT, value JSON)')
      db.exec("INSERT INTO _params VALUES ('settings', 'bm90IGpzb24gYnV0IGJhc2U2NA==')")
    })
  const hostile: [string, () => Promise<Buffer> | Buffer, RegExp][] = [
    ['absolute path', () => rawZip([{ name: '/etc/evil', data: 'x' }]), /absolute path/],
    ['.. path', () => rawZip([{ name: '../evil', data: 'x' }]), /invalid relative path/],
    ['nested .. path', () => rawZip([{ name: 'storage/../../evil', data: 'x' }]), /relative/],
    ['backslash path', () => rawZip([{ name: '..\\evil', data: 'x' }]), /invalid characters/],
    [
      'symlink',
      () => rawZip([{ name: 'data.db', data: '/etc/passwd', mode: 0o120777 }]),
      /Symbolic links/,
    ],
    ['device file', () => rawZip([{ name: 'dev', data: '', mode: 0o020644 }]), /Only files/],
    [
      'zip bomb (ratio)',
      () => yazlZip([['data.db', Buffer.alloc(20 << 20)]], 9),
      /compression ratio/,
    ],
    ['corrupt zip', () => Buffer.from('PK\x03\x04 this is not a zip at all'), /Invalid zip/],
    [
      'truncated zip',
      async () => (await yazlZip([['data.db', Buffer.alloc(1000, 1)]])).subarray(0, 60),
      /Invalid zip/,
    ],
    ['no data.db', () => rawZip([{ name: 'storage/a.txt', data: 'x' }]), /no data\.db/],
    [
      'data.db not a database',
      () => rawZip([{ name: 'data.db', data: 'hello, I am text' }]),
      /data\.db: .*not a database|file is not a database/,
    ],
    [
      'duplicate entries',
      () =>
        rawZip([
          { name: 'a.txt', data: 'x' },
          { name: 'a.txt', data: 'y' },
        ]),
      /Duplicate/,
    ],
    [
      'pre-0.23 database',
      () => rawZip([{ name: 'data.db', data: sqliteFile((db) => db.exec('CREATE TABLE t (a)')) }]),
      /not a PocketBase 0\.23\+ database/,
    ],
    [
      'settings encrypted with a key this server lacks',
      () => rawZip([{ name: 'data.db', data: encryptedDb() }]),
      /settings in the backup are encrypted/,
    ],
    [
      'newer PocketBase',
      () => rawZip([{ name: 'data.db', data: futureDb() }]),
      /newer PocketBase version .*2999999999_v1\.go/,
    ],
  ]
  test.each(hostile)('refuses %s with a 400 and leaves pb_data as it was', async (_n, make, re) => {
    await addPost('stays')
    putBackup('bad.zip', await make())
    const before = fingerprint()
    const res = await app.request('POST', '/api/backups/bad.zip/restore', { headers: su })
    const body = (await res.json()) as { message: string }
    expect(res.status, body.message).toBe(400)
    expect(body.message).toMatch(/^Failed to restore backup\. /)
    expect(body.message).toMatch(re)
    expect(fingerprint()).toEqual(before)
    expect(await titles()).toEqual(['stays'])
    expect(activeBackup(app)).toBeUndefined()
    expect(readdirSync(app.dataDir.temp).filter((f) => f.startsWith('pb_restore'))).toEqual([])
  })

  test('restored data that fails to start is swapped back: the old data keeps being served', async () => {
    await addPost('old data')
    mkdirSync(join(app.dataDir.storage, 'c1'), { recursive: true })
    writeFileSync(join(app.dataDir.storage, 'c1', 'f.txt'), 'kept')
    // passes the checks (tables, migrations) but the bootstrap cannot open it (no _params …)
    const broken = sqliteFile((db) => {
      db.exec('CREATE TABLE _collections (id TEXT, fields JSON)')
      db.exec('CREATE TABLE _migrations (file TEXT, applied INTEGER)')
    })
    putBackup('broken.zip', rawZip([{ name: 'data.db', data: broken }]))
    const before = fingerprint()
    const { restarted } = await restoreBackup(app, 'broken.zip')
    await restarted
    expect(await titles()).toEqual(['old data'])
    const after = fingerprint()
    // the databases were reopened (their -wal may differ); every other file is back as it was
    const files = (f: { [p: string]: string }) =>
      Object.fromEntries(Object.entries(f).filter(([p]) => !/\.db(-wal|-shm)?$/.test(p)))
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort())
    expect(files(after)).toEqual(files(before))
    expect(Object.keys(files(after))).toEqual(['storage/c1/f.txt'])
    expect(activeBackup(app)).toBeUndefined()
  })

  test('caps the total uncompressed size', async () => {
    await createBackup(app, 'ok.zip')
    const before = fingerprint()
    await expect(
      restoreBackup(app, 'ok.zip', { limits: { maxTotalBytes: 10_000 } }),
    ).rejects.toThrow(RestoreError)
    await expect(restoreBackup(app, 'ok.zip', { limits: { maxEntries: 1 } })).rejects.toThrow(
      /too many entries/,
    )
    expect(fingerprint()).toEqual(before)
  })

  test('a damaged data.db fails the integrity check', async () => {
    const good = sqliteFile((db) => {
      db.exec('CREATE TABLE t (a TEXT)')
      const ins = db.prepare('INSERT INTO t VALUES (?)')
      db.transaction(() => {
        for (let i = 0; i < 2000; i++) ins.run(`row ${i} ${'x'.repeat(50)}`)
      })()
      db.exec('CREATE INDEX t_a ON t (a)')
    })
    // scramble one page in the middle (the header and schema page stay valid)
    const bad = Buffer.from(good)
    bad.fill(0x55, 4096 * 5, 4096 * 5 + 4096)
    putBackup('damaged.zip', rawZip([{ name: 'data.db', data: bad }]))
    await expect(restoreBackup(app, 'damaged.zip')).rejects.toThrow(/integrity|malformed|not valid/)
  })
})
