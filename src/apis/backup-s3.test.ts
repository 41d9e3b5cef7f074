import { afterAll, beforeAll, expect, test } from 'vitest'
import { newRecordToken } from '../core/record-tokens.ts'
import { createTestCollection } from '../tests/record-fixtures.ts'
import { startS3rver, type TestS3 } from '../tests/s3-server.ts'
import { TestApp } from '../tests/test-app.ts'
import { S3FileSystem } from '../tools/filesystem/s3.ts'

let s3rver: TestS3
let endpoint = ''

beforeAll(async () => {
  s3rver = await startS3rver()
  endpoint = s3rver.endpoint
  await s3rver.createBucket('satchel-backups')
})
afterAll(() => s3rver?.close())

test('settings.backups.s3 stores backups in the bucket: create, list, download, upload, restore, delete', async () => {
  const app = await TestApp.create()
  try {
    const s = await app.createSuperuser()
    const su = { Authorization: s.token }
    const s3 = {
      enabled: true,
      bucket: 'satchel-backups',
      region: 'us-east-1',
      endpoint,
      accessKey: 'S3RVER',
      secret: 'S3RVER',
      forcePathStyle: true,
    }
    let res = await app.request('PATCH', '/api/settings', {
      headers: su,
      body: { backups: { s3 } },
    })
    expect(res.status).toBe(200)
    await createTestCollection(app, {
      name: 'posts',
      listRule: '',
      fields: [{ name: 'title', type: 'text' }],
    })
    const post = (title: string) =>
      app.request('POST', '/api/collections/posts/records', { headers: su, body: { title } })
    await post('before')

    res = await app.request('POST', '/api/backups', { headers: su, body: { name: 'b1.zip' } })
    expect(res.status).toBe(204)
    const bucket = new S3FileSystem(s3)
    expect(await bucket.list('')).toEqual(['b1.zip'])
    expect((await bucket.attributes('b1.zip')).contentType).toBe('application/zip')
    await bucket.close()

    res = await app.request('GET', '/api/backups', { headers: su })
    const list = (await res.json()) as { key: string; size: number }[]
    expect(list.map((b) => b.key)).toEqual(['b1.zip'])
    expect(list[0]?.size).toBeGreaterThan(1000)

    const token = await newRecordToken(s.record, 'fileToken')
    res = await app.request('GET', `/api/backups/b1.zip?token=${token}`)
    expect(res.status).toBe(200)
    const bytes = new Uint8Array(await res.arrayBuffer())
    expect(bytes.length).toBe(list[0]?.size)

    const f = new FormData()
    f.append('file', new Blob([bytes]), 'copy.zip')
    res = await app.request('POST', '/api/backups/upload', { headers: su, body: f })
    expect(res.status).toBe(204)

    await post('after')
    const rebooted = new Promise<void>((resolve) => {
      app.onBootstrap.bind(async (e) => {
        await e.next()
        resolve()
      })
    })
    res = await app.request('POST', '/api/backups/copy.zip/restore', { headers: su })
    expect(res.status).toBe(204)
    await rebooted
    res = await app.request('GET', '/api/collections/posts/records')
    expect(
      ((await res.json()) as { items: { title: string }[] }).items.map((i) => i.title),
    ).toEqual(['before'])

    // the restored settings are the backup's: still on S3
    const su2 = { Authorization: (await app.createSuperuser('two@example.com')).token }
    res = await app.request('DELETE', '/api/backups/b1.zip', { headers: su2 })
    expect(res.status).toBe(204)
    res = await app.request('GET', '/api/backups', { headers: su2 })
    expect(((await res.json()) as { key: string }[]).map((b) => b.key)).toEqual(['copy.zip'])
  } finally {
    await app.cleanup()
  }
})
