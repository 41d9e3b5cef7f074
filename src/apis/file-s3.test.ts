import { afterAll, beforeAll, expect, test } from 'vitest'
import { startS3rver, type TestS3 } from '../tests/s3-server.ts'
import { TestApp } from '../tests/test-app.ts'
import { S3FileSystem } from '../tools/filesystem/s3.ts'
import { form, seedFilesSchema, superuserHeaders, testImage } from './file.seed.ts'

let s3rver: TestS3
let endpoint = ''

beforeAll(async () => {
  s3rver = await startS3rver()
  endpoint = s3rver.endpoint
  await s3rver.createBucket('satchel-files')
})
afterAll(() => s3rver?.close())

const s3 = () => ({
  enabled: true,
  bucket: 'satchel-files',
  region: 'us-east-1',
  endpoint,
  accessKey: 'S3RVER',
  secret: 'S3RVER',
  forcePathStyle: true,
})

test('settings.s3 switches storage to the bucket: upload, serve, thumbs, delete; test/s3', async () => {
  const app = await TestApp.create()
  try {
    await seedFilesSchema(app)
    const su = await superuserHeaders(app)
    const test = (body: object) =>
      app.request('POST', '/api/settings/test/s3', { headers: su, body })
    let res = await test({})
    expect(await res.text()).toContain('"filesystem":{"code":"validation_required"')
    res = await test({ filesystem: 'x' })
    expect(await res.text()).toContain('"code":"validation_in_invalid"')
    res = await test({ filesystem: 'storage' })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { message: string }).message).toBe(
      'Failed to test the S3 filesystem. Raw error: \nS3 storage filesystem is not enabled.',
    )
    expect((await app.request('POST', '/api/settings/test/s3', { body: {} })).status).toBe(401)

    res = await app.request('PATCH', '/api/settings', { headers: su, body: { s3: s3() } })
    expect(res.status).toBe(200)
    res = await test({ filesystem: 'storage' })
    expect(res.status).toBe(204)

    const png = await testImage(64, 64)
    res = await app.request('POST', '/api/collections/docs/records', {
      body: form(['one', png, 'pic.png'], ['many', 'text', 'a.txt']),
    })
    const r = (await res.json()) as {
      id: string
      collectionId: string
      one: string
      many: string[]
    }
    const bucket = new S3FileSystem(s3())
    const base = `${r.collectionId}/${r.id}`
    expect(await bucket.list(base)).toEqual([`${base}/${r.many[0]}`, `${base}/${r.one}`].sort())
    const attrs = await bucket.attributes(`${base}/${r.one}`)
    expect(attrs.contentType).toBe('image/png')
    expect(attrs.metadata['original-filename']).toBe('pic.png')

    res = await app.request('GET', `/api/files/docs/${r.id}/${r.one}?thumb=50x50`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/png')
    await res.arrayBuffer()
    expect(await bucket.exists(`${base}/thumbs_${r.one}/50x50_${r.one}`)).toBe(true)
    res = await app.request('GET', `/api/files/docs/${r.id}/${r.one}`, {
      headers: { Range: 'bytes=1-3' },
    })
    expect(res.status).toBe(206)
    expect(Buffer.from(await res.arrayBuffer()).equals(png.subarray(1, 4))).toBe(true)

    res = await app.request('DELETE', `/api/collections/docs/records/${r.id}`)
    expect(res.status).toBe(204)
    expect(await bucket.list(base)).toEqual([])
    await bucket.close()
  } finally {
    await app.cleanup()
  }
})
