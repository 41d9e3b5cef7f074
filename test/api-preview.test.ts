// The dashboard's API preview generator without a browser: endpoints, access from the real
// rules, parameters from the real fields, response examples in the server's JSON shape.
import type { CollectionModel } from 'pocketbase'
import { describe, expect, test } from 'vitest'
import { accessOf, apiEndpoints, exampleRecord, sampleId } from '../ui/src/lib/api-preview.ts'

const field = (name: string, type: string, extra: Record<string, unknown> = {}) =>
  ({
    id: `${type}_${name}`,
    name,
    type,
    system: false,
    hidden: false,
    presentable: false,
    ...extra,
  }) as never

const authors = {
  id: 'pbc_authors',
  name: 'authors',
  type: 'base',
  listRule: '',
  viewRule: '',
  createRule: null,
  updateRule: null,
  deleteRule: null,
  fields: [field('id', 'text', { system: true }), field('name', 'text')],
} as unknown as CollectionModel
const posts = {
  id: 'pbc_posts',
  name: 'posts',
  type: 'base',
  listRule: '',
  viewRule: 'status = "published"',
  createRule: '@request.auth.id != ""',
  updateRule: null,
  deleteRule: null,
  fields: [
    field('id', 'text', { system: true }),
    field('title', 'text', { required: true, max: 120 }),
    field('status', 'select', { values: ['draft', 'published'], maxSelect: 1 }),
    field('secret', 'text', { hidden: true }),
    field('author', 'relation', { collectionId: 'pbc_authors', maxSelect: 1 }),
    field('cover', 'file', { maxSelect: 1, mimeTypes: ['image/jpeg'] }),
    field('views', 'number', { onlyInt: true }),
    field('created', 'autodate', { onCreate: true }),
  ],
} as unknown as CollectionModel
const users = {
  id: '_pb_users_auth_',
  name: 'users',
  type: 'auth',
  listRule: 'id = @request.auth.id',
  viewRule: 'id = @request.auth.id',
  createRule: '',
  updateRule: 'id = @request.auth.id',
  deleteRule: 'id = @request.auth.id',
  authRule: '',
  passwordAuth: { enabled: true, identityFields: ['email'] },
  otp: { enabled: false },
  mfa: { enabled: false },
  oauth2: { enabled: true, providers: [{ name: 'github' }] },
  fields: [
    field('id', 'text', { system: true }),
    field('password', 'password', { hidden: true, system: true }),
    field('tokenKey', 'text', { hidden: true, system: true }),
    field('email', 'email', { system: true }),
    field('emailVisibility', 'bool', { system: true }),
    field('verified', 'bool', { system: true }),
    field('name', 'text'),
  ],
} as unknown as CollectionModel
const all = [authors, posts, users]
const BASE = 'http://127.0.0.1:8090'
const byId = (c: CollectionModel) =>
  Object.fromEntries(apiEndpoints(c, all, BASE).map((e) => [e.id, e]))

describe('API preview', () => {
  test('who may call: null is superusers only, "" is anyone, a filter is shown as it is', () => {
    expect(accessOf(null).kind).toBe('superusers')
    expect(accessOf(null).summary).toMatch(/superusers only/i)
    expect(accessOf('').kind).toBe('public')
    expect(accessOf('a = 1')).toMatchObject({ kind: 'rule', rule: 'a = 1' })
    const e = byId(posts)
    expect(e.update.access.kind).toBe('superusers')
    expect(e.view.access.rule).toBe('status = "published"')
    expect(e.list.access.kind).toBe('public')
    // a 403 only where the rule is not set
    expect(e.update.errors.map((r) => r.status)).toContain(403)
    expect(e.list.errors.map((r) => r.status)).not.toContain(403)
  })

  test('the response example has the server shape: sorted keys, no hidden field, expand on demand', () => {
    const rec = exampleRecord(posts, all, true)
    expect(Object.keys(rec)).toEqual([...Object.keys(rec)].sort())
    expect(rec).not.toHaveProperty('secret')
    expect(rec).toMatchObject({
      collectionId: 'pbc_posts',
      collectionName: 'posts',
      status: 'draft',
    })
    expect(rec.id).toMatch(/^[a-z0-9]{15}$/)
    expect((rec.title as string).length).toBeLessThanOrEqual(120)
    expect(rec.cover).toMatch(/^cover_[a-z0-9]{10}\.jpg$/)
    const expanded = (rec.expand as Record<string, Record<string, unknown>>).author!
    expect(expanded).toMatchObject({ collectionName: 'authors', id: rec.author })
    expect(exampleRecord(posts, all)).not.toHaveProperty('expand')
    const list = byId(posts).list.response.body as { items: unknown[]; perPage: number }
    expect(Object.keys(list)).toEqual(['items', 'page', 'perPage', 'totalItems', 'totalPages'])
    // auth records never carry password or tokenKey
    const user = exampleRecord(users, all)
    expect(user).not.toHaveProperty('password')
    expect(user).not.toHaveProperty('tokenKey')
    expect(user.emailVisibility).toBe(true)
  })

  test('parameters come from the fields: select values, relation targets, files as multipart', () => {
    const create = byId(posts).create
    const p = Object.fromEntries(create.params.map((x) => [x.name, x]))
    expect(p.status!.type).toBe('One of: draft, published')
    expect(p.author!.type).toBe('A authors record id')
    expect(p.title).toMatchObject({ required: true, notes: ['at most 120 characters'] })
    expect(p.cover!.notes).toContain('types: image/jpeg')
    expect(p.views!.type).toBe('Integer')
    expect(p).not.toHaveProperty('created')
    expect(create.body).toBe('multipart')
    expect(create.curl).toContain("-F 'cover=@./cover.jpg'")
    expect(create.sdk).toContain("pb.collection('posts').create(data)")
    expect(create.sdk).toContain('cover: fileInput.files[0]')
    const update = Object.fromEntries(byId(posts).update.params.map((x) => [x.name, x]))
    expect(update['views+ / views-']).toBeDefined()
    expect(update.title!.required).toBe(false)
    // the 400 example names a real required field in PocketBase's error shape
    expect(create.errors[0]!.body).toEqual({
      data: { title: { code: 'validation_required', message: 'Cannot be blank.' } },
      message: 'Failed to create record.',
      status: 400,
    })
  })

  test('snippets: list with filter, sort and expand; curl carries a token unless public', () => {
    const e = byId(posts)
    expect(e.list.sdk).toContain("pb.collection('posts').getList(1, 20, {")
    expect(e.list.sdk).toContain(`filter: 'title ~ "example"'`)
    expect(e.list.sdk).toContain("sort: '-created'")
    expect(e.list.sdk).toContain("expand: 'author'")
    expect(e.list.curl).not.toContain('Authorization')
    expect(e.view.curl).toContain('Authorization')
    expect(e.create.curl).toContain('Authorization')
  })

  test('views have no writes; auth collections add the sign-in flows from their options', () => {
    const view = { ...authors, type: 'view', name: 'stats' } as unknown as CollectionModel
    expect(apiEndpoints(view, all, BASE).map((e) => e.id)).toEqual(['list', 'view', 'realtime'])
    const e = byId(users)
    expect(Object.keys(e)).toEqual([
      'list',
      'view',
      'create',
      'update',
      'delete',
      'batch',
      'realtime',
      'auth-methods',
      'auth-with-password',
      'otp',
      'oauth2',
      'auth-refresh',
      'verification',
      'password-reset',
      'email-change',
      'impersonate',
    ])
    // the sign-in methods as the server lists them: off ones with duration 0
    expect(e['auth-methods']!.response.body).toMatchObject({
      password: { enabled: true, identityFields: ['email'] },
      otp: { enabled: false, duration: 0 },
      mfa: { enabled: false, duration: 0 },
      oauth2: { enabled: true, providers: [{ name: 'github', codeChallengeMethod: 'S256' }] },
    })
    expect(e['auth-methods']!.sdk).toContain("pb.collection('users').listAuthMethods()")
    expect(e.otp.access.kind).toBe('off')
    expect(e.otp.errors.map((r) => r.status)).toContain(403)
    expect(e['auth-with-password'].access.kind).toBe('public')
    expect(e.oauth2.sdk).toContain("authWithOAuth2({ provider: 'github' })")
    const names = e.create.params.map((p) => p.name)
    expect(names).toEqual(expect.arrayContaining(['email', 'password', 'passwordConfirm']))
    expect(names).not.toContain('tokenKey')
    const locked = byId({ ...users, authRule: null } as unknown as CollectionModel)
    expect(locked['auth-with-password'].access.kind).toBe('superusers')
  })

  test('batch: create, update, upsert and delete of the collection; off unless turned on', () => {
    const batch = byId(posts).batch
    expect(batch).toMatchObject({ method: 'POST', path: '/api/batch', body: 'multipart' })
    // not known: the access follows the rules, the description says it must be turned on
    expect(batch.access.kind).toBe('rule')
    expect(batch.description).toMatch(/turned on in Settings/)
    const methods = batch.params.find((p) => p.name === 'requests.N.method')!
    expect(methods.type).toBe('One of: POST, PATCH, PUT, DELETE')
    expect(methods.notes.join(' ')).toMatch(/PUT \/api\/collections\/posts\/records: upsert/)
    expect(batch.sdk).toContain('const batch = pb.createBatch()')
    for (const call of ['create({', "update('RECORD_ID', {", 'upsert({', "delete('THIRD_ID')"])
      expect(batch.sdk).toContain(`batch.collection('posts').${call}`)
    const curlBody = JSON.parse(batch.curl.split(" -d '")[1]!.replace(/'$/, '')) as {
      requests: { method: string; url: string }[]
    }
    expect(curlBody.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST /api/collections/posts/records',
      'PATCH /api/collections/posts/records/RECORD_ID',
      'PUT /api/collections/posts/records',
      'DELETE /api/collections/posts/records/THIRD_ID',
    ])
    expect((batch.response.body as { status: number }[]).map((r) => r.status)).toEqual([
      200, 200, 200, 204,
    ])
    expect(batch.errors.map((e) => (e.body as { message: string }).message)).toContain(
      'Batch requests are not allowed.',
    )
    const off = apiEndpoints(posts, all, BASE, {
      batch: { enabled: false, maxRequests: 50, timeout: 3 },
    }).find((e) => e.id === 'batch')!
    expect(off.access.kind).toBe('off')
    const on = apiEndpoints(posts, all, BASE, {
      batch: { enabled: true, maxRequests: 7, timeout: 9 },
    }).find((e) => e.id === 'batch')!
    expect(on.access.kind).toBe('rule')
    expect(on.params[0]!.notes).toEqual([
      'at most 7 requests',
      'all of them within 9 s, else none applies',
    ])
    // authors: every write rule unset → superusers only; no file field → JSON only
    expect(byId(authors).batch).toMatchObject({ body: 'json', access: { kind: 'superusers' } })
  })

  test('file URL with thumb, token and download; a file token endpoint for protected files', () => {
    expect(byId(authors)).not.toHaveProperty('file')
    const open = byId(posts).file
    expect(open).toMatchObject({ method: 'GET', path: '/api/files/posts/{id}/{filename}' })
    expect(open.access.kind).toBe('public')
    expect(open.params.map((p) => `${p.place} ${p.name}`)).toEqual([
      'path id',
      'path filename',
      'query thumb',
      'query token',
      'query download',
    ])
    expect(open.sdk).toContain("pb.files.getURL(record, record.cover, { thumb: '100x100' })")
    expect(byId(posts)).not.toHaveProperty('file-token')

    const locked = {
      ...posts,
      fields: [
        ...posts.fields,
        field('scans', 'file', { maxSelect: 3, protected: true, thumbs: ['0x300', '50x50f'] }),
      ],
    } as unknown as CollectionModel
    const e = byId(locked)
    expect(e.file.access).toMatchObject({ kind: 'rule', rule: 'status = "published"' })
    expect(e.file.access.summary).toMatch(/Protected \(scans\).*The others \(cover\)/)
    const thumb = e.file.params.find((p) => p.name === 'thumb')!
    expect(thumb.notes[0]).toMatch(/100x100, 0x300, 50x50f$/)
    expect(e.file.params.find((p) => p.name === 'token')!.notes[0]).toMatch(/needed for scans/)
    expect(e.file.sdk).toContain('const token = await pb.files.getToken()')
    expect(e.file.sdk).toContain('record.scans[0], { token }')
    expect(e.file.curl).toMatch(/files\/token[\s\S]*\?token=FILE_TOKEN/)
    expect(e['file-token']).toMatchObject({
      method: 'POST',
      path: '/api/files/token',
      access: { kind: 'auth' },
      response: { status: 200, body: { token: expect.any(String) } },
    })
    expect(e['file-token']!.errors[0]!.status).toBe(401)
    // an empty view rule lets anyone fetch even protected files (no token checked)
    const open2 = byId({ ...locked, viewRule: '' } as unknown as CollectionModel).file
    expect(open2.access.kind).toBe('public')
    expect(open2.access.summary).toMatch(/even the protected scans needs no file token/)
    expect(byId({ ...locked, viewRule: null } as unknown as CollectionModel).file.access.kind).toBe(
      'superusers',
    )
    // views: no batch (read-only), a file URL when they show a file field
    const view = { ...locked, type: 'view', name: 'scans_view' } as unknown as CollectionModel
    expect(apiEndpoints(view, all, BASE).map((x) => x.id)).toEqual([
      'list',
      'view',
      'realtime',
      'file',
      'file-token',
    ])
  })

  test('sample ids are stable and well formed', () => {
    expect(sampleId('posts')).toBe(sampleId('posts'))
    expect(sampleId('posts')).not.toBe(sampleId('authors'))
    expect(sampleId('x')).toMatch(/^[a-z0-9]{15}$/)
  })
})
