import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import yauzl from 'yauzl'
import { createBackup } from '../core/backup-create.ts'
import { BackupOperation } from '../core/backup-state.ts'
import { Record } from '../core/record-model.ts'
import { saveRecord } from '../core/record-save.ts'
import { newRecordToken } from '../core/record-tokens.ts'
import { createTestCollection } from '../tests/record-fixtures.ts'
import { TestApp } from '../tests/test-app.ts'

let app: TestApp
let su: { Authorization: string }
let fileToken = ''

beforeEach(async () => {
  app = await TestApp.create()
  const s = await app.createSuperuser()
  su = { Authorization: s.token }
  fileToken = await newRecordToken(s.record, 'fileToken')
})
afterEach(async () => {
  await app.cleanup()
})

const json = async (res: Response) => (await res.json()) as { [key: string]: unknown }

async function zipEntries(file: string): Promise<string[]> {
  const zip = await yauzl.openPromise(file, { lazyEntries: true })
  const names: string[] = []
  for await (const e of zip.eachEntry()) names.push(e.fileName)
  return names.sort()
}

describe('POST /api/backups', () => {
  test('guest 401, validation codes like PocketBase, 204, list, duplicate', async () => {
    expect((await app.request('POST', '/api/backups', { body: {} })).status).toBe(401)
    const cases: [unknown, string][] = [
      ['Bad.zip', 'validation_match_invalid'],
      ['a.tar', 'validation_match_invalid'],
      [`${'a'.repeat(148)}.zip`, 'validation_length_out_of_range'],
    ]
    for (const [name, code] of cases) {
      const res = await app.request('POST', '/api/backups', { headers: su, body: { name } })
      const body = await json(res)
      expect(res.status).toBe(400)
      expect(body.message).toBe('An error occurred while validating the submitted data.')
      expect((body.data as { name: { code: string } }).name.code).toBe(code)
    }
    let res = await app.request('POST', '/api/backups', { headers: su, body: { name: 123 } })
    expect((await json(res)).message).toBe('An error occurred while loading the submitted data.')

    res = await app.request('POST', '/api/backups', { headers: su, body: { name: 'test1.zip' } })
    expect(res.status).toBe(204)
    res = await app.request('POST', '/api/backups', { headers: su, body: { name: 'test1.zip' } })
    expect(await res.text()).toContain('"code":"validation_backup_name_exists"')
    res = await app.request('POST', '/api/backups', { headers: su })
    expect(res.status).toBe(204)
    expect(app.eventCalls.get('onBackupCreate')).toBe(2)

    res = await app.request('GET', '/api/backups', { headers: su })
    const list = (await res.json()) as { key: string; size: number; modified: string }[]
    expect(list.map((b) => Object.keys(b))).toEqual([
      ['modified', 'key', 'size'],
      ['modified', 'key', 'size'],
    ])
    expect(list[0]?.key).toMatch(/^pb_backup_acme_\d{14}\.zip$/)
    expect(list[1]?.key).toBe('test1.zip')
    expect(list[1]?.size).toBeGreaterThan(1000)
    expect(list[1]?.modified).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z$/)
    expect((await app.request('GET', '/api/backups')).status).toBe(401)
  })

  test('the archive holds consistent database snapshots and storage, not backups or temp files', async () => {
    const posts = await createTestCollection(app, {
      name: 'posts',
      fields: [{ name: 'title', type: 'text' }],
    })
    const r = new Record(posts)
    r.set('title', 'hello')
    await saveRecord(app, r)
    mkdirSync(join(app.dataDir.storage, 'c1', 'r1'), { recursive: true })
    writeFileSync(join(app.dataDir.storage, 'c1', 'r1', 'f.txt'), 'file')
    mkdirSync(app.dataDir.temp, { recursive: true })
    writeFileSync(join(app.dataDir.temp, 'junk'), 'x')
    mkdirSync(app.dataDir.backups, { recursive: true })
    writeFileSync(join(app.dataDir.backups, 'old.zip'), 'x')
    // A held write transaction does not block a backup (PocketBase's would wait for it).
    const name = await app.runInTransaction(async () => createBackup(app, 'snap.zip'))
    expect(name).toBe('snap.zip')
    const zipFile = join(app.dataDir.backups, 'snap.zip')
    expect(await zipEntries(zipFile)).toEqual(['auxiliary.db', 'data.db', 'storage/c1/r1/f.txt'])
    // the snapshot opens on its own (no -wal needed) and has the record
    const zip = await yauzl.openPromise(zipFile, { lazyEntries: true, autoClose: false })
    const out = join(app.dataDir.temp, 'check.db')
    for await (const e of zip.eachEntry()) {
      if (e.fileName !== 'data.db') continue
      const { pipeline } = await import('node:stream/promises')
      const { createWriteStream } = await import('node:fs')
      await pipeline(await zip.openReadStreamPromise(e), createWriteStream(out))
    }
    zip.close()
    const db = new Database(out, { readonly: true })
    expect(db.prepare('SELECT title FROM posts').all()).toEqual([{ title: 'hello' }])
    db.close()
  })
})

describe('backups while another backup/restore runs', () => {
  test('create/restore 400, delete of the active one 400, health canBackup false + progress', async () => {
    await createBackup(app, 'a.zip')
    const op = BackupOperation.begin(app, 'backup', 'a.zip')
    try {
      op.progress(42)
      let res = await app.request('POST', '/api/backups', { headers: su })
      expect(res.status).toBe(400)
      // PocketBase 0.40.4's answers while a backup runs (measured; its ApiError adds the period)
      expect((await json(res)).message).toBe(
        'Try again later - another backup/restore process has already been started.',
      )
      res = await app.request('POST', '/api/backups/a.zip/restore', { headers: su })
      expect((await json(res)).message).toBe(
        'Try again later - another backup/restore process has already been started.',
      )
      res = await app.request('DELETE', '/api/backups/a.zip', { headers: su })
      expect((await json(res)).message).toBe(
        'The backup is currently being used and cannot be deleted.',
      )
      res = await app.request('GET', '/api/health', { headers: su })
      const data = (await json(res)).data as { canBackup: boolean; activeBackup: object }
      expect(data.canBackup).toBe(false)
      expect(data.activeBackup).toMatchObject({ operation: 'backup', name: 'a.zip', progress: 42 })
      expect(() => BackupOperation.begin(app, 'restore', 'x.zip')).toThrow(/Try again later/)
    } finally {
      op.end()
    }
    const res = await app.request('GET', '/api/health', { headers: su })
    expect(await res.text()).toContain('"canBackup":true')
    expect(existsSync(app.dataDir.backupState)).toBe(false)
  })
})

describe('download, upload, delete', () => {
  test('download needs a superuser file token', async () => {
    await createBackup(app, 'a.zip')
    const forbidden = 'Insufficient permissions to access the resource.'
    let res = await app.request('GET', '/api/backups/a.zip')
    expect(res.status).toBe(403)
    expect((await json(res)).message).toBe(forbidden)
    res = await app.request('GET', `/api/backups/a.zip?token=${su.Authorization}`)
    expect(res.status).toBe(403)
    const user = await app.createAuthRecord('users', {
      email: 'u@example.com',
      password: '1234567890',
    })
    const userFileToken = await newRecordToken(user.record, 'fileToken')
    res = await app.request('GET', `/api/backups/a.zip?token=${userFileToken}`)
    expect(res.status).toBe(403)
    res = await app.request('GET', `/api/backups/a.zip?token=${fileToken}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/zip')
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="a.zip"')
    const bytes = Buffer.from(await res.arrayBuffer())
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('PK\x03\x04')
    for (const key of ['missing.zip', '..%2Fdata.db', 'x%2Fy.zip']) {
      res = await app.request('GET', `/api/backups/${key}?token=${fileToken}`)
      expect(res.status, key).toBe(404)
      expect((await json(res)).message).toBe("The requested resource wasn't found.")
    }
  })

  test('upload: required, zip only, unique name, stored under its base name; delete', async () => {
    await createBackup(app, 'a.zip')
    const zipRes = await app.request('GET', `/api/backups/a.zip?token=${fileToken}`)
    const zipBytes = new Uint8Array(await zipRes.arrayBuffer())
    const upload = (name: string, data: Uint8Array | string, field = 'file') => {
      const f = new FormData()
      f.append(field, new Blob([data]), name)
      return app.request('POST', '/api/backups/upload', { headers: su, body: f })
    }
    let res = await upload('t.txt', 'hello')
    let body = await json(res)
    expect(body.message).toBe('An error occurred while validating the submitted data.')
    expect(JSON.stringify(body.data)).toMatch(
      /"code":"validation_invalid_mime_type","message":"\\"\w+\.txt\\" mime type must be one of: application\/zip\."/,
    )
    res = await upload('b.zip', zipBytes, 'other')
    expect(await res.text()).toContain('"file":{"code":"validation_required"')
    res = await upload('../../b.zip', zipBytes)
    expect(res.status).toBe(204)
    res = await upload('b.zip', zipBytes)
    body = await json(res)
    expect(JSON.stringify(body.data)).toContain('"code":"validation_backup_name_exists"')
    res = await app.request('GET', '/api/backups', { headers: su })
    expect(((await res.json()) as { key: string }[]).map((b) => b.key)).toEqual(['a.zip', 'b.zip'])
    expect((await upload('c.zip', zipBytes, 'file')).status).toBe(204)
    expect(app.eventCalls.get('onBackupCreate')).toBe(1)

    res = await app.request('DELETE', '/api/backups/missing.zip', { headers: su })
    expect(res.status).toBe(400)
    expect((await json(res)).message).toBe(
      'Invalid or already deleted backup file. Raw error: \n[key: missing.zip] resource not found.',
    )
    expect((await app.request('DELETE', '/api/backups/b.zip')).status).toBe(401)
    expect((await app.request('DELETE', '/api/backups/b.zip', { headers: su })).status).toBe(204)
    expect(existsSync(join(app.dataDir.backups, 'b.zip'))).toBe(false)
    expect(existsSync(join(app.dataDir.backups, 'b.zip.attrs'))).toBe(false)
  })
})
