// End-to-end files: the official SDK uploads (File/Blob, `+`/`-` modifiers), reads files, thumbs
// and protected files from `satchel serve` and from the real PocketBase, and the two transcripts
// (statuses, headers, record shapes) must match. Then each server serves the other's pb_data files.
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { satchelUsesPostgres } from '../src/tests/postgres.ts'
import { cleanupAll, type ServerProcess } from '../src/tests/process.ts'
import { client, type ServerKind, startServer, upsertSuperuser } from '../src/tests/sdk.ts'

const SU_EMAIL = 'root@example.com'
const SU_PASS = 'root-pass-123'
const HEADERS = [
  'content-type',
  'content-disposition',
  'content-security-policy',
  'cache-control',
  'accept-ranges',
  'content-range',
  'content-length',
  'x-frame-options',
]

const servers: { [K in ServerKind]?: ServerProcess } = {}

afterAll(async () => {
  for (const s of Object.values(servers)) await s?.stop('SIGKILL')
  cleanupAll()
})

/** Replaces the random parts of stored names so both servers' transcripts compare equal. */
function normalise(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value)
      .replace(/_[a-z0-9]{10}(\.[\w.]+)?/g, '_RANDOM$1')
      // names shorter than 3 characters get 10 more random characters
      .replace(/\b[a-z0-9]{11,12}_RANDOM/g, 'SHORT_RANDOM')
      .replace(/\b[a-z0-9]{15}\b/g, 'ID')
      .replace(/pbc_\d+/g, 'COLLECTION'),
  )
}

async function fetchInfo(url: string, init?: RequestInit) {
  const res = await fetch(url, init)
  const body = Buffer.from(await res.arrayBuffer())
  const headers: { [k: string]: string | null } = {}
  for (const h of HEADERS) headers[h] = res.headers.get(h)
  return { status: res.status, headers, size: body.length, body }
}

/** Runs the scenario against one server; returns its transcript. */
async function scenario(kind: ServerKind): Promise<unknown[]> {
  const server = await startServer(kind)
  servers[kind] = server
  upsertSuperuser(kind, server.dir, SU_EMAIL, SU_PASS)
  const su = client(server.url)
  await su.collection('_superusers').authWithPassword(SU_EMAIL, SU_PASS)
  await su.collections.create({
    name: 'docs',
    type: 'base',
    listRule: '',
    viewRule: '',
    createRule: '',
    updateRule: '',
    deleteRule: '',
    fields: [
      { name: 'title', type: 'text' },
      { name: 'one', type: 'file', maxSelect: 1, thumbs: ['50x50t', '0x20'] },
      { name: 'many', type: 'file', maxSelect: 5, maxSize: 1000 },
    ],
  })
  await su.collections.create({
    name: 'vault',
    type: 'base',
    viewRule: '@request.auth.id != ""',
    createRule: '',
    fields: [{ name: 'doc', type: 'file', maxSelect: 1, protected: true }],
  })
  await su.collection('users').create({
    email: 'u@example.com',
    password: '1234567890',
    passwordConfirm: '1234567890',
  })
  const user = client(server.url)
  await user.collection('users').authWithPassword('u@example.com', '1234567890')
  const guest = client(server.url)
  const png = await sharp({
    create: { width: 90, height: 60, channels: 3, background: { r: 1, g: 2, b: 3 } },
  })
    .png()
    .toBuffer()

  const out: unknown[] = []
  const rec = await guest.collection('docs').create({
    title: 'hello',
    one: new File([new Uint8Array(png)], 'Holiday Photo.png', { type: 'image/png' }),
    many: [new Blob(['a text']), new File(['second'], 'notes.txt')],
  })
  out.push({ create: rec })
  const upd1 = await guest.collection('docs').update(rec.id, {
    'many+': new File(['third'], 'third.txt'),
  })
  out.push({ append: upd1 })
  const upd2 = await guest.collection('docs').update(rec.id, { 'many-': [rec.many[0]] })
  out.push({ remove: upd2 })
  const upd3 = await guest.collection('docs').update(rec.id, {
    many: new File(['replaced'], 'r.txt'),
  })
  out.push({ replace: upd3 })
  const tooBig = await guest
    .collection('docs')
    .update(rec.id, { many: new File(['x'.repeat(2000)], 'big.txt') })
    .catch((e) => e.response)
  out.push({ tooBig })

  for (const thumb of ['', '50x50t', '0x20', '100x100', '7x7']) {
    const url = guest.files.getURL(upd3, upd3.one, thumb === '' ? {} : { thumb })
    const info = await fetchInfo(url)
    const meta = thumb === '' ? {} : await sharp(info.body).metadata()
    // NOTE: the PNG encoders differ (Go image/png vs libvips), so thumb byte sizes do too.
    if (thumb !== '' && thumb !== '7x7') info.headers['content-length'] = null
    out.push({ thumb, status: info.status, headers: info.headers, w: meta.width, h: meta.height })
  }
  const textUrl = guest.files.getURL(upd3, upd3.many[0])
  for (const init of [
    {},
    { headers: { Range: 'bytes=2-4' } },
    { headers: { Range: 'bytes=500-' } },
    { method: 'HEAD' },
  ]) {
    const info = await fetchInfo(textUrl, init)
    out.push({ init, status: info.status, headers: info.headers, size: info.size })
  }
  out.push({
    download: (await fetchInfo(guest.files.getURL(upd3, upd3.one, { download: true }))).headers,
  })
  out.push({ missing: (await fetchInfo(`${server.url}/api/files/docs/${rec.id}/nope.txt`)).status })

  const secret = await user
    .collection('vault')
    .create({ doc: new File(['classified'], 'secret.txt') })
  const secretUrl = user.files.getURL(secret, secret.doc)
  out.push({ noToken: (await fetchInfo(secretUrl)).status })
  const token = await user.files.getToken()
  const withToken = await fetchInfo(user.files.getURL(secret, secret.doc, { token }))
  out.push({ withToken: withToken.status, body: withToken.body.toString() })
  out.push({ guestToken: await guest.files.getToken().catch((e) => e.status) })
  return out.map(normalise)
}

describe('files through the SDK: Satchel matches PocketBase', () => {
  let satchel: unknown[]
  let pocketbase: unknown[]
  beforeAll(async () => {
    ;[satchel, pocketbase] = await Promise.all([scenario('satchel'), scenario('pocketbase')])
  }, 120_000)

  test('same statuses, headers and records', () => {
    // Last-Modified/Date differ by nature; everything captured must be identical.
    expect(satchel).toEqual(pocketbase)
  })

  // NOTE: only on SQLite: PocketBase cannot open a PostgreSQL-backed app (files-sdk-postgres.test.ts)
  if (!satchelUsesPostgres())
    test('each server serves the files the other wrote (attrs read for content types)', async () => {
      for (const [reader, writer] of [
        ['satchel', 'pocketbase'],
        ['pocketbase', 'satchel'],
      ] as const) {
        const w = servers[writer]!
        await w.stop('SIGTERM')
        const r = await startServer(reader, w.dir)
        try {
          const pb = client(r.url)
          const list = await pb.collection('docs').getFullList()
          const doc = list[0]!
          const one = await fetchInfo(pb.files.getURL(doc, doc.one))
          expect(one.status).toBe(200)
          expect(one.headers['content-type']).toBe('image/png')
          const thumb = await fetchInfo(pb.files.getURL(doc, doc.one, { thumb: '50x50t' }))
          expect(thumb.headers['content-disposition']).toContain('50x50t_')
          const txt = await fetchInfo(pb.files.getURL(doc, doc.many[0]))
          expect(txt.headers['content-type']).toBe('text/plain; charset=utf-8')
          expect(txt.body.toString()).toBe('replaced')
        } finally {
          await r.stop('SIGKILL')
        }
      }
    }, 60_000)
})
