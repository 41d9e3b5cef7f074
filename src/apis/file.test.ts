import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { apiScenarios } from '../tests/api-scenario.ts'
import { TestApp } from '../tests/test-app.ts'
import {
  form,
  seedFilesSchema,
  superuserHeaders,
  testImage,
  userFileToken,
  userHeaders,
} from './file.seed.ts'

interface DocJSON {
  id: string
  collectionId: string
  one: string
  many: string[]
  secret: string
}

/** The record created by the last `seedDoc` (scenarios run one after another). */
let doc: DocJSON
let png: Buffer

async function seedDoc(app: TestApp): Promise<void> {
  await seedFilesSchema(app)
  png = await testImage(120, 80)
  const res = await app.request('POST', '/api/collections/docs/records', {
    body: form(
      ['title', 'seed'],
      ['one', png, 'photo.png'],
      ['many', 'hello world\n', 'My Test File.txt'],
      ['many', png, 'b.png'],
      ['secret', '<svg xmlns="http://www.w3.org/2000/svg"></svg>', 'x.svg'],
    ),
  })
  expect(res.status).toBe(200)
  doc = (await res.json()) as DocJSON
}

function storagePath(app: TestApp, ...parts: string[]): string {
  return join(app.dataDir.storage, doc.collectionId, doc.id, ...parts)
}

function stored(app: TestApp): string[] {
  const dir = storagePath(app)
  return existsSync(dir) ? readdirSync(dir).sort() : []
}

describe('uploads through the records API', () => {
  apiScenarios([
    {
      name: 'multipart create stores normalised names with .attrs sidecars',
      method: 'POST',
      url: '/api/collections/docs/records',
      beforeTest: async (app) => {
        await seedFilesSchema(app)
        png = await testImage(10, 10)
      },
      get body() {
        return form(['title', 'x'], ['one', png, 'My Photo.PNG'], ['many', 'hi', 'a.txt'])
      },
      expectedStatus: 200,
      expectedContent: ['"title":"x"'],
      expectedEvents: { onRecordCreate: 1, onRecordAfterCreateSuccess: 1 },
      afterTest: async (app, body) => {
        const r = JSON.parse(body) as DocJSON
        expect(r.one).toMatch(/^my_photo_[a-z0-9]{10}\.PNG$/)
        expect(r.many).toHaveLength(1)
        expect(r.many[0]).toMatch(/^a[a-z0-9]{10}_[a-z0-9]{10}\.txt$/)
        const dir = join(app.dataDir.storage, r.collectionId, r.id)
        const attrs = JSON.parse(readFileSync(join(dir, `${r.one}.attrs`), 'utf8'))
        expect(attrs).toEqual({
          'user.cache_control': '',
          'user.content_disposition': '',
          'user.content_encoding': '',
          'user.content_language': '',
          'user.content_type': 'image/png',
          'user.metadata': { 'original-filename': 'My Photo.PNG' },
          md5: expect.any(String),
        })
        expect(readFileSync(join(dir, r.many[0]!), 'utf8')).toBe('hi')
        // the temporary upload files are gone
        const temp = join(app.dataDir.temp, 'uploads')
        expect(existsSync(temp) ? readdirSync(temp) : []).toEqual([])
      },
    },
    {
      name: 'single file field keeps the last upload only',
      method: 'POST',
      url: '/api/collections/docs/records',
      beforeTest: seedFilesSchema,
      body: form(['one', 'a', 'f1.txt'], ['one', 'b', 'f2.txt']),
      expectedStatus: 200,
      expectedContent: ['"one":"f2'],
      afterTest: async (app, body) => {
        const r = JSON.parse(body) as DocJSON
        expect(readdirSync(join(app.dataDir.storage, r.collectionId, r.id))).toHaveLength(2)
      },
    },
    {
      name: 'maxSize → validation_file_size_limit, nothing stored',
      method: 'POST',
      url: '/api/collections/docs/records',
      beforeTest: seedFilesSchema,
      body: form(['many', 'a'.repeat(2000), 'big.txt']),
      expectedStatus: 400,
      expectedContent: [
        '"many":{"code":"validation_file_size_limit","message":"Failed to upload big.txt - the maximum allowed file size is 1000 bytes.","params":{"file":"big.txt","maxSize":1000}}',
        '"message":"Failed to create record."',
      ],
      afterTest: async (app) => {
        expect(existsSync(app.dataDir.storage) ? readdirSync(app.dataDir.storage) : []).toEqual([])
      },
    },
    {
      name: 'maxSelect → validation_too_many_files',
      method: 'POST',
      url: '/api/collections/docs/records',
      beforeTest: seedFilesSchema,
      body: form(
        ...[1, 2, 3, 4, 5, 6].map((i) => ['many', 'x', `f${i}.txt`] as [string, string, string]),
      ),
      expectedStatus: 400,
      expectedContent: [
        '"many":{"code":"validation_too_many_files","message":"The maximum allowed files is 5.","params":{"maxSelect":5}}',
      ],
    },
    {
      name: 'mimeTypes checked from the content, not the name',
      method: 'POST',
      url: '/api/collections/docs/records',
      beforeTest: async (app) => {
        await seedFilesSchema(app)
        png = await testImage(4, 4, 'jpeg')
      },
      get body() {
        return form(['many', png, 'fake.png'])
      },
      expectedStatus: 400,
      expectedContent: [
        '"code":"validation_invalid_mime_type"',
        'mime type must be one of: image/png, text/plain.',
      ],
    },
    {
      name: 'plain string that is not an existing file → validation_invalid_file',
      method: 'POST',
      url: '/api/collections/docs/records',
      beforeTest: seedFilesSchema,
      body: { many: ['abc.txt', 'x'] },
      expectedStatus: 400,
      expectedContent: [
        '"many":{"code":"validation_invalid_file","message":"Invalid new files: [abc.txt x].","params":{"invalidFiles":["abc.txt","x"]}}',
      ],
    },
  ])

  test('update: upload to a multi-file field replaces, `+` appends, `-` removes; removed files are deleted after commit', async () => {
    const app = await TestApp.create()
    try {
      await seedDoc(app)
      const url = `/api/collections/docs/records/${doc.id}`
      const [txt, bpng] = doc.many as [string, string]
      expect(stored(app)).toContain(txt)

      let res = await app.request('PATCH', url, { body: form(['many+', 'c', 'c.txt']) })
      let r = (await res.json()) as DocJSON
      expect(r.many).toHaveLength(3)
      expect(r.many.slice(0, 2)).toEqual([txt, bpng])

      res = await app.request('PATCH', url, { body: form(['+many', 'd', 'd.txt']) })
      r = (await res.json()) as DocJSON
      expect(r.many[0]).toMatch(/^d[a-z0-9]{10}_/)
      expect(r.many).toHaveLength(4)

      res = await app.request('PATCH', url, { body: { 'many-': [txt] } })
      r = (await res.json()) as DocJSON
      expect(r.many).not.toContain(txt)
      expect(stored(app)).not.toContain(txt)
      expect(stored(app)).not.toContain(`${txt}.attrs`)

      // plain key with names to keep + a new upload; everything else replaced (and deleted)
      res = await app.request('PATCH', url, { body: form(['many', bpng], ['many', 'e', 'e.txt']) })
      r = (await res.json()) as DocJSON
      expect(r.many).toHaveLength(2)
      expect(r.many[0]).toBe(bpng)
      expect(stored(app).filter((f) => !f.endsWith('.attrs') && !f.startsWith('thumbs_'))).toEqual(
        [doc.one, doc.secret, ...r.many].sort(),
      )

      // clearing a single file field deletes the file and its thumbs
      await app.request('GET', `/api/files/docs/${doc.id}/${doc.one}?thumb=100x100`)
      expect(stored(app)).toContain(`thumbs_${doc.one}`)
      res = await app.request('PATCH', url, { body: { one: null } })
      expect(res.status).toBe(200)
      expect(stored(app)).not.toContain(doc.one)
      expect(stored(app)).not.toContain(`thumbs_${doc.one}`)
    } finally {
      await app.cleanup()
    }
  })

  test('a failed update removes the new uploads and keeps the old files', async () => {
    const app = await TestApp.create()
    try {
      await seedDoc(app)
      const before = stored(app)
      app.onRecordUpdate.bind(async (e) => {
        await e.next()
        throw new Error('boom after the write')
      })
      const res = await app.request('PATCH', `/api/collections/docs/records/${doc.id}`, {
        body: form(['many', 'new', 'new.txt']),
      })
      expect(res.status).toBe(400)
      expect(stored(app)).toEqual(before)
    } finally {
      await app.cleanup()
    }
  })

  test('deleting the record deletes its files; deleting a file field deletes its files', async () => {
    const app = await TestApp.create()
    try {
      await seedDoc(app)
      const su = await superuserHeaders(app)
      let res = await app.request('GET', '/api/collections/docs', { headers: su })
      const schema = (await res.json()) as { fields: { name: string }[] }
      res = await app.request('PATCH', '/api/collections/docs', {
        headers: su,
        body: { fields: schema.fields.filter((f) => f.name !== 'many') },
      })
      expect(res.status).toBe(200)
      expect(stored(app)).not.toContain(doc.many[0])
      expect(stored(app)).toContain(doc.one)
      res = await app.request('DELETE', `/api/collections/docs/records/${doc.id}`)
      expect(res.status).toBe(204)
      expect(existsSync(storagePath(app))).toBe(false)
    } finally {
      await app.cleanup()
    }
  })

  test('batch: requests.N.field parts reach the sub-request', async () => {
    const app = await TestApp.create()
    try {
      await seedFilesSchema(app)
      const settings = structuredClone(app.settings())
      settings.batch.enabled = true
      await app.saveSettings(settings)
      const body = form(
        [
          '@jsonPayload',
          JSON.stringify({
            requests: [
              { method: 'POST', url: '/api/collections/docs/records', body: { title: 'b1' } },
              { method: 'POST', url: '/api/collections/docs/records', body: { title: 'b2' } },
            ],
          }),
        ],
        ['requests.0.one', 'first', 'first.txt'],
        ['requests.1.many', 'second', 'second.txt'],
      )
      const res = await app.request('POST', '/api/batch', { body })
      const out = (await res.json()) as { status: number; body: DocJSON }[]
      expect(res.status, JSON.stringify(out)).toBe(200)
      expect(out[0]!.body.one).toMatch(/^first_/)
      expect(out[1]!.body.many[0]).toMatch(/^second_/)
      const dir = join(app.dataDir.storage, out[0]!.body.collectionId, out[0]!.body.id)
      expect(readFileSync(join(dir, out[0]!.body.one), 'utf8')).toBe('first')
    } finally {
      await app.cleanup()
    }
  })
})

describe('GET /api/files/{collection}/{recordId}/{filename}', () => {
  const file =
    (name: () => string, query = '') =>
    () =>
      `/api/files/docs/${doc.id}/${name()}${query}`
  apiScenarios([
    {
      name: 'missing collection',
      method: 'GET',
      url: '/api/files/missing/abc/a.png',
      expectedStatus: 404,
      expectedContent: ['"message":"Missing or invalid collection context."'],
    },
    {
      name: 'unknown file name → 404',
      method: 'GET',
      get url() {
        return doc === undefined
          ? '/api/files/docs/x/nope.png'
          : `/api/files/docs/${doc.id}/nope.png`
      },
      beforeTest: seedDoc,
      expectedStatus: 404,
      expectedContent: ['"message":"The requested resource wasn\'t found."'],
    },
  ])

  test('headers, download, range, thumbs, HEAD and If-Modified-Since', async () => {
    const app = await TestApp.create()
    try {
      await seedDoc(app)
      let res = await app.request('GET', file(() => doc.one)())
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('image/png')
      expect(res.headers.get('content-disposition')).toBe(`inline; filename="${doc.one}"`)
      expect(res.headers.get('content-security-policy')).toBe(
        "default-src 'none'; media-src 'self'; style-src 'unsafe-inline'; sandbox",
      )
      expect(res.headers.get('cache-control')).toBe('max-age=2592000, stale-while-revalidate=86400')
      expect(res.headers.get('accept-ranges')).toBe('bytes')
      expect(res.headers.get('x-frame-options')).toBeNull()
      expect(Buffer.from(await res.arrayBuffer()).equals(png)).toBe(true)
      const lastModified = res.headers.get('last-modified')!

      res = await app.request('GET', file(() => doc.one, '?download=1')())
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${doc.one}"`)

      res = await app.request('GET', file(() => doc.one)(), { headers: { Range: 'bytes=0-9' } })
      expect(res.status).toBe(206)
      expect(res.headers.get('content-range')).toBe(`bytes 0-9/${png.length}`)
      expect((await res.arrayBuffer()).byteLength).toBe(10)

      res = await app.request('GET', file(() => doc.one)(), {
        headers: { Range: 'bytes=100000-200000' },
      })
      expect(res.status).toBe(416)
      expect(res.headers.get('content-range')).toBe(`bytes */${png.length}`)

      res = await app.request('GET', file(() => doc.one)(), {
        headers: { 'If-Modified-Since': lastModified },
      })
      expect(res.status).toBe(304)

      res = await app.request('HEAD', file(() => doc.one)())
      expect(res.status).toBe(200)
      expect(res.headers.get('content-length')).toBe(String(png.length))

      // svg: content type forced by extension, served as attachment
      res = await app.request('GET', file(() => doc.secret)())
      expect(res.headers.get('content-type')).toBe('image/svg+xml')
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${doc.secret}"`)

      // thumbs: listed sizes and 100x100 only; stored once under thumbs_<file>/
      for (const [size, w, h] of [
        ['50x50', 50, 50],
        ['20x0', 20, 13],
        ['100x100', 100, 100],
      ] as const) {
        res = await app.request('GET', file(() => doc.one, `?thumb=${size}`)())
        expect(res.status).toBe(200)
        expect(res.headers.get('content-disposition')).toBe(`inline; filename="${size}_${doc.one}"`)
        const meta = await (await import('sharp'))
          .default(Buffer.from(await res.arrayBuffer()))
          .metadata()
        expect([meta.width, meta.height, meta.format]).toEqual([w, h, 'png'])
        expect(existsSync(storagePath(app, `thumbs_${doc.one}`, `${size}_${doc.one}`))).toBe(true)
      }
      res = await app.request('GET', file(() => doc.one, '?thumb=33x33')())
      expect(res.headers.get('content-disposition')).toBe(`inline; filename="${doc.one}"`)
      // non-image sources get the original
      res = await app.request('GET', file(() => doc.many[0]!, '?thumb=100x100')())
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${doc.many[0]}"`)
      expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    } finally {
      await app.cleanup()
    }
  })

  test('protected files: file token + viewRule with @request.context = "protectedFile"; 404 otherwise', async () => {
    const app = await TestApp.create()
    try {
      await seedFilesSchema(app)
      const su = await superuserHeaders(app)
      let res = await app.request('POST', '/api/collections/vault/records', {
        headers: su,
        body: form(['doc', 'top secret', 'secret.txt']),
      })
      const r = (await res.json()) as { id: string; doc: string }
      const url = `/api/files/vault/${r.id}/${r.doc}`
      expect((await app.request('GET', url)).status).toBe(404)
      // the Authorization header is ignored here
      expect((await app.request('GET', url, { headers: await userHeaders(app) })).status).toBe(404)
      res = await app.request('POST', '/api/files/token', { headers: await userHeaders(app) })
      const { token } = (await res.json()) as { token: string }
      res = await app.request('GET', `${url}?token=${token}`)
      expect(res.status).toBe(200)
      expect(await res.text()).toBe('top secret')
      expect((await app.request('GET', `${url}?token=${await userFileToken(app)}`)).status).toBe(
        200,
      )
      // an auth token is not a file token
      const auth = (await userHeaders(app)).Authorization!
      expect((await app.request('GET', `${url}?token=${auth}`)).status).toBe(404)
      // token endpoint requires auth
      res = await app.request('POST', '/api/files/token')
      expect(res.status).toBe(401)
    } finally {
      await app.cleanup()
    }
  })

  test('view collections serve the source record files', async () => {
    const app = await TestApp.create()
    try {
      await seedDoc(app)
      const res = await app.request('GET', `/api/files/docs_view/${doc.id}/${doc.one}`)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('image/png')
    } finally {
      await app.cleanup()
    }
  })
})
