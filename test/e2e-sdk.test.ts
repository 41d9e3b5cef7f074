// End-to-end: `satchel serve` as a separate process, driven only through the official `pocketbase`
// SDK, the way a real application sees it. Run with SATCHEL_E2E_TARGET=pocketbase to check the
// same assertions against the real PocketBase (the oracle).
import type PocketBase from 'pocketbase'
import type { RecordModel } from 'pocketbase'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { satchelOnTwoNodes } from '../src/tests/postgres.ts'
import { cleanupAll, type ServerProcess } from '../src/tests/process.ts'
import {
  client,
  dataCodes,
  expectFailure,
  failure,
  startServer,
  targetKind,
  upsertSuperuser,
} from '../src/tests/sdk.ts'

const kind = targetKind()
const SU_EMAIL = 'root@example.com'
const SU_PASS = 'root-pass-123'

let server: ServerProcess
/** A second node on the same PostgreSQL database (e2e-sdk-two-nodes): everyone but `su` uses it. */
let other: ServerProcess | undefined
const userUrl = () => (other ?? server).url
let su: PocketBase
let guest: PocketBase
let alice: PocketBase
let bob: PocketBase
const ids: { [name: string]: string } = {}

beforeAll(async () => {
  server = await startServer(kind)
  if (satchelOnTwoNodes()) other = await startServer(kind, server.dir)
  upsertSuperuser(kind, server.dir, SU_EMAIL, SU_PASS)
  su = client(server.url)
  guest = client(userUrl())
  alice = client(userUrl())
  bob = client(userUrl())
})

// on a failure, show what the server printed (crashes, stack traces)
afterEach(({ task }) => {
  if (task.result?.state === 'fail') {
    console.error(`${kind} output (tail):\n${server?.output().slice(-3000)}`)
    if (other) console.error(`second node output (tail):\n${other.output().slice(-3000)}`)
  }
})

afterAll(async () => {
  await Promise.all([server?.stop('SIGKILL'), other?.stop('SIGKILL')])
  cleanupAll()
})

describe(`e2e through the SDK (${kind})`, () => {
  test('superuser auth with the password set by the CLI', async () => {
    const res = await su.collection('_superusers').authWithPassword(SU_EMAIL, SU_PASS)
    expect(res.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/)
    expect(res.record).toMatchObject({ email: SU_EMAIL, collectionName: '_superusers' })
    expect(res.record).not.toHaveProperty('password')
    expect(res.record).not.toHaveProperty('tokenKey')
    expect(su.authStore.isSuperuser).toBe(true)
    await expectFailure(
      client(server.url).collection('_superusers').authWithPassword(SU_EMAIL, 'wrong-pass'),
      400,
      'Failed to authenticate.',
      {},
    )
  })

  test('create collections (base with all field kinds, back-relation target, view)', async () => {
    const users = await su.collections.getOne('users')
    ids.users = users.id
    const posts = await su.collections.create({
      name: 'posts',
      type: 'base',
      fields: [
        { name: 'title', type: 'text', required: true, max: 100 },
        { name: 'views', type: 'number', onlyInt: true },
        { name: 'published', type: 'bool' },
        { name: 'status', type: 'select', values: ['draft', 'live', 'archived'], maxSelect: 1 },
        { name: 'tags', type: 'select', values: ['news', 'tech', 'life'], maxSelect: 3 },
        { name: 'meta', type: 'json' },
        { name: 'publishedAt', type: 'date' },
        { name: 'author', type: 'relation', collectionId: users.id, maxSelect: 1 },
        { name: 'created', type: 'autodate', onCreate: true },
        { name: 'updated', type: 'autodate', onCreate: true, onUpdate: true },
      ],
      listRule: 'published = true || author = @request.auth.id',
      viewRule: 'published = true || author = @request.auth.id',
      createRule: '@request.auth.id != "" && author = @request.auth.id',
      updateRule: 'author = @request.auth.id',
      deleteRule: 'author = @request.auth.id',
    })
    ids.posts = posts.id
    expect(posts).toMatchObject({
      name: 'posts',
      type: 'base',
      system: false,
      listRule: 'published = true || author = @request.auth.id',
      indexes: [],
    })
    expect(posts.fields.map((f: { name: string; type: string }) => `${f.name}:${f.type}`)).toEqual([
      'id:text',
      'title:text',
      'views:number',
      'published:bool',
      'status:select',
      'tags:select',
      'meta:json',
      'publishedAt:date',
      'author:relation',
      'created:autodate',
      'updated:autodate',
    ])
    expect(posts.fields[0]).toMatchObject({
      name: 'id',
      primaryKey: true,
      system: true,
      autogeneratePattern: '[a-z0-9]{15}',
    })

    const comments = await su.collections.create({
      name: 'comments',
      type: 'base',
      fields: [
        { name: 'message', type: 'text', required: true },
        {
          name: 'post',
          type: 'relation',
          collectionId: posts.id,
          maxSelect: 1,
          required: true,
          cascadeDelete: true,
        },
        { name: 'user', type: 'relation', collectionId: users.id, maxSelect: 1 },
      ],
      listRule: '',
      viewRule: '',
      createRule: '@request.auth.id != ""',
      updateRule: null,
      deleteRule: null,
    })
    ids.comments = comments.id

    const view = await su.collections.create({
      name: 'post_stats',
      type: 'view',
      listRule: '',
      viewRule: '',
      viewQuery:
        'SELECT p.id, p.title, COUNT(c.id) AS total FROM posts p LEFT JOIN comments c ON c.post = p.id GROUP BY p.id',
    })
    expect(view.fields.map((f: { name: string; type: string }) => `${f.name}:${f.type}`)).toEqual([
      'id:text',
      'title:text',
      'total:number',
    ])
    expect(view).toMatchObject({ type: 'view', createRule: null, indexes: [] })

    const list = await su.collections.getFullList({ filter: 'system = false', sort: 'name' })
    expect(list.map((c) => c.name)).toEqual(['comments', 'post_stats', 'posts', 'users'])
  })

  test('collection validation errors', async () => {
    const dup = await expectFailure(
      su.collections.create({ name: 'posts', type: 'base' }),
      400,
      'Failed to create collection.',
    )
    expect(dataCodes(dup)).toEqual({ name: 'validation_collection_name_exists' })
    const badRule = await expectFailure(
      su.collections.create({ name: 'bad_rule', type: 'base', listRule: 'missing_field = 1' }),
      400,
    )
    expect(dataCodes(badRule)).toEqual({ listRule: 'validation_invalid_rule' })
    await expectFailure(guest.collections.getList(), 401)
    await expectFailure(su.collections.getOne('nope'), 404, "The requested resource wasn't found.")
  })

  test('sign up users, auth with password, auth refresh', async () => {
    const a = await guest.collection('users').create({
      email: 'alice@example.com',
      password: 'alice-pass-1',
      passwordConfirm: 'alice-pass-1',
      name: 'Alice',
    })
    expect(a).toMatchObject({
      collectionName: 'users',
      name: 'Alice',
      verified: false,
      emailVisibility: false,
    })
    expect(a).not.toHaveProperty('email')
    expect(a).not.toHaveProperty('password')
    expect(a.id).toMatch(/^[a-z0-9]{15}$/)
    ids.alice = a.id
    const b = await guest.collection('users').create({
      email: 'bob@example.com',
      emailVisibility: true,
      password: 'bob-pass-12',
      passwordConfirm: 'bob-pass-12',
      name: 'Bob',
    })
    expect(b.email).toBe('bob@example.com')
    ids.bob = b.id

    const dup = await expectFailure(
      guest.collection('users').create({
        email: 'alice@example.com',
        password: 'x1234567',
        passwordConfirm: 'x7654321',
      }),
      400,
      'Failed to create record.',
    )
    expect(dataCodes(dup)).toMatchObject({ passwordConfirm: 'validation_values_mismatch' })

    const auth = await alice
      .collection('users')
      .authWithPassword('alice@example.com', 'alice-pass-1')
    expect(auth.record).toMatchObject({ id: ids.alice, email: 'alice@example.com' })
    expect(alice.authStore.record?.id).toBe(ids.alice)
    await bob.collection('users').authWithPassword('bob@example.com', 'bob-pass-12')

    const before = alice.authStore.token
    const refreshed = await alice.collection('users').authRefresh()
    expect(refreshed.record.id).toBe(ids.alice)
    expect(refreshed.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/)
    expect(alice.authStore.token).toBe(refreshed.token)
    expect(before).toBeTruthy()

    await expectFailure(
      client(server.url).collection('users').authWithPassword('alice@example.com', 'nope-nope'),
      400,
      'Failed to authenticate.',
    )
    await expectFailure(
      guest.collection('users').authRefresh(),
      401,
      'The request requires valid record authorization token.',
    )
    const mine = await alice.collection('users').getFullList()
    expect(mine.map((u) => u.id)).toEqual([ids.alice])
  })

  test('CRUD under rules', async () => {
    const mk = (pb: PocketBase, data: object) => pb.collection('posts').create(data)
    const p1 = await mk(alice, {
      title: 'Hello world',
      views: 10,
      published: true,
      status: 'live',
      tags: ['news', 'tech'],
      meta: { lang: 'en', n: [1, 2] },
      publishedAt: '2024-03-01 10:00:00.000Z',
      author: ids.alice,
    })
    expect(p1).toMatchObject({
      collectionId: ids.posts,
      collectionName: 'posts',
      title: 'Hello world',
      views: 10,
      published: true,
      status: 'live',
      tags: ['news', 'tech'],
      meta: { lang: 'en', n: [1, 2] },
      publishedAt: '2024-03-01 10:00:00.000Z',
      author: ids.alice,
    })
    expect(p1.created).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z$/)
    ids.p1 = p1.id
    const p2 = await mk(alice, {
      title: 'Secret draft',
      views: 3,
      published: false,
      status: 'draft',
      author: ids.alice,
    })
    expect(p2).toMatchObject({ tags: [], meta: null, publishedAt: '' })
    ids.p2 = p2.id
    const p3 = await mk(bob, {
      title: 'Bob writes',
      views: 42,
      published: true,
      status: 'live',
      tags: ['life'],
      publishedAt: '2023-12-31 23:00:00.000Z',
      author: ids.bob,
    })
    ids.p3 = p3.id
    const p4 = await mk(bob, {
      title: 'Bob hidden',
      views: 1,
      published: false,
      tags: ['tech'],
      author: ids.bob,
    })
    ids.p4 = p4.id

    // create rule: guests and impersonation are refused with 400
    await expectFailure(
      mk(guest, { title: 'x', author: ids.alice }),
      400,
      'Failed to create record.',
      {},
    )
    await expectFailure(mk(bob, { title: 'x', author: ids.alice }), 400, 'Failed to create record.')
    // field validation
    const invalid = await expectFailure(
      mk(alice, { title: '', status: 'bogus', author: ids.alice }),
      400,
      'Failed to create record.',
    )
    expect(dataCodes(invalid)).toEqual({
      title: 'validation_required',
      status: 'validation_invalid_value',
    })

    // list rule: rows silently filtered
    const titles = async (pb: PocketBase) =>
      (await pb.collection('posts').getFullList({ sort: 'title' })).map((r) => r.title)
    expect(await titles(guest)).toEqual(['Bob writes', 'Hello world'])
    expect(await titles(alice)).toEqual(['Bob writes', 'Hello world', 'Secret draft'])
    expect(await titles(su)).toEqual(['Bob hidden', 'Bob writes', 'Hello world', 'Secret draft'])

    // view/update/delete rule: 404
    expect((await guest.collection('posts').getOne(ids.p1)).title).toBe('Hello world')
    await expectFailure(
      bob.collection('posts').getOne(ids.p2),
      404,
      "The requested resource wasn't found.",
    )
    await expectFailure(bob.collection('posts').update(ids.p1, { title: 'hacked' }), 404)
    await expectFailure(bob.collection('posts').delete(ids.p1), 404)
    await expectFailure(guest.collection('posts').getOne('missing0000000'), 404)
    const upd = await alice.collection('posts').update(ids.p1, { 'views+': 5, 'tags-': 'tech' })
    expect(upd).toMatchObject({ views: 15, tags: ['news'] })

    // locked rules: 403 for non-superusers
    const c1 = await alice
      .collection('comments')
      .create({ message: 'first!', post: ids.p1, user: ids.alice })
    ids.c1 = c1.id
    await bob.collection('comments').create({ message: 'nice', post: ids.p1, user: ids.bob })
    await bob.collection('comments').create({ message: 'mine', post: ids.p3, user: ids.bob })
    await expectFailure(
      alice.collection('comments').update(ids.c1, { message: 'edited' }),
      403,
      'Only superusers can perform this action.',
      {},
    )
    await expectFailure(alice.collection('comments').delete(ids.c1), 403)
    expect(
      (await su.collection('comments').update(ids.c1, { message: 'edited by su' })).message,
    ).toBe('edited by su')

    // missing collection
    await expectFailure(guest.collection('nope').getList(), 404, 'Missing collection context.', {})

    // delete own, then it is gone
    const tmp = await mk(alice, { title: 'temp', author: ids.alice })
    expect(await alice.collection('posts').delete(tmp.id)).toBe(true)
    await expectFailure(alice.collection('posts').getOne(tmp.id), 404)
  })

  test('concurrent writes and reads from several clients', async () => {
    const clients = [alice, bob]
    const writes = Array.from({ length: 40 }, (_, i) => {
      const pb = clients[i % 2]!
      const author = i % 2 === 0 ? ids.alice : ids.bob
      return pb.collection('comments').create({ message: `burst ${i}`, post: ids.p3, user: author })
    })
    const reads = Array.from({ length: 20 }, () =>
      guest.collection('posts').getList(1, 5, { filter: 'published = true' }),
    )
    const results = await Promise.allSettled([...writes, ...reads])
    expect(results.filter((r) => r.status === 'rejected')).toEqual([])
    const burst = await su.collection('comments').getList(1, 1, { filter: 'message ~ "burst %"' })
    expect(burst.totalItems).toBe(40)
    // remove them again so the later expectations stay simple
    const all = await su.collection('comments').getFullList({ filter: 'message ~ "burst %"' })
    await Promise.all(all.map((c) => su.collection('comments').delete(c.id)))
  })

  test('filters: operators, any-of, like, dates, relations, back-relations, params, errors', async () => {
    const q = async (pb: PocketBase, filter: string) =>
      (await pb.collection('posts').getFullList({ filter, sort: 'title' })).map((r) => r.title)
    expect(await q(su, 'views > 10 && published = true')).toEqual(['Bob writes', 'Hello world'])
    expect(await q(su, 'views >= 15 || status = "draft"')).toEqual([
      'Bob writes',
      'Hello world',
      'Secret draft',
    ])
    expect(await q(su, 'title ~ "bob"')).toEqual(['Bob hidden', 'Bob writes'])
    expect(await q(su, 'title !~ "o"')).toEqual(['Secret draft'])
    expect(await q(su, 'tags ~ "tech"')).toEqual(['Bob hidden'])
    expect(await q(su, 'tags:each = "tech"')).toEqual(['Bob hidden'])
    expect(await q(su, 'tags ?~ "ew"')).toEqual(['Hello world'])
    expect(await q(su, 'tags:length = 0')).toEqual(['Secret draft'])
    expect(await q(su, 'publishedAt >= "2024-01-01 00:00:00"')).toEqual(['Hello world'])
    expect(await q(su, 'publishedAt = ""')).toEqual(['Bob hidden', 'Secret draft'])
    expect(await q(su, 'meta.lang = "en"')).toEqual(['Hello world'])
    expect(await q(su, 'author.name = "Bob"')).toEqual(['Bob hidden', 'Bob writes'])
    expect(await q(su, 'author.name = "Bob" && published = false')).toEqual(['Bob hidden'])
    await expectFailure(
      alice.collection('posts').getList(1, 10, { filter: 'author = @request.auth.id' }),
      403,
      'Only superusers can filter by @request.',
      {},
    )
    expect(await q(su, 'created <= @now && created >= @todayStart')).toHaveLength(4)
    // only superusers may use @request in a client filter
    expect(
      await q(su, 'author != @request.auth.id && @request.auth.collectionName = "_superusers"'),
    ).toHaveLength(4)
    expect(
      await q(su, su.filter('title = {:t} || views = {:v}', { t: 'Secret draft', v: 42 })),
    ).toEqual(['Bob writes', 'Secret draft'])
    expect(await q(su, 'comments_via_post.message ?= "nice"')).toEqual(['Hello world'])
    expect(await q(su, 'comments_via_post.user.name ?= "Bob"')).toEqual([
      'Bob writes',
      'Hello world',
    ])

    const err = await expectFailure(
      su.collection('posts').getList(1, 10, { filter: 'title ~' }),
      400,
      'Something went wrong while processing your request.',
      {},
    )
    expect(err.status).toBe(400)
    await expectFailure(su.collection('posts').getList(1, 10, { filter: 'nope = 1' }), 400)
    await expectFailure(su.collection('posts').getList(1, 10, { sort: 'nope' }), 400)
  })

  test('sort, paging, getFullList, getFirstListItem, skipTotal', async () => {
    const sorted = await su.collection('posts').getList(1, 2, { sort: '-views,title' })
    expect(sorted).toMatchObject({ page: 1, perPage: 2, totalItems: 4, totalPages: 2 })
    expect(sorted.items.map((r) => r.title)).toEqual(['Bob writes', 'Hello world'])
    const page2 = await su.collection('posts').getList(2, 2, { sort: '-views,title' })
    expect(page2.items.map((r) => r.title)).toEqual(['Secret draft', 'Bob hidden'])
    const skip = await su.collection('posts').getList(1, 3, { skipTotal: true, sort: 'title' })
    expect(skip).toMatchObject({ page: 1, perPage: 3, totalItems: -1, totalPages: -1 })
    expect(skip.items).toHaveLength(3)
    const full = await su.collection('posts').getFullList({ batch: 3, sort: '-created,title' })
    expect(full).toHaveLength(4)
    const first = await alice.collection('posts').getFirstListItem('status = "draft"')
    expect(first.id).toBe(ids.p2)
    // the SDK turns an empty first page into a 404 ClientResponseError itself
    const none = await failure(bob.collection('posts').getFirstListItem('status = "draft"'))
    expect(none.status).toBe(404)
  })

  test('expand (relation, nested, back-relation) and fields', async () => {
    const post = await su
      .collection('posts')
      .getOne(ids.p1, { expand: 'author,comments_via_post.user' })
    expect(post.expand?.author).toMatchObject({ id: ids.alice, name: 'Alice' })
    const via = post.expand?.comments_via_post as RecordModel[]
    expect(via.map((c) => c.message).sort()).toEqual(['edited by su', 'nice'])
    expect(via.map((c) => c.expand?.user?.name).sort()).toEqual(['Alice', 'Bob'])

    // the users viewRule limits what a regular user can expand
    const seenByBob = await bob.collection('posts').getOne(ids.p1, { expand: 'author' })
    expect(seenByBob.expand?.author).toBeUndefined()
    const seenByAlice = await alice.collection('posts').getOne(ids.p1, { expand: 'author' })
    expect(seenByAlice.expand?.author?.id).toBe(ids.alice)

    const comments = await guest.collection('comments').getFullList({
      expand: 'post',
      sort: 'message',
      fields: 'id,message,expand.post.title',
    })
    expect(comments[0]).toEqual({
      id: ids.c1,
      message: 'edited by su',
      expand: { post: { title: 'Hello world' } },
    })
    const picked = await su
      .collection('posts')
      .getOne(ids.p1, { fields: 'id,title:excerpt(5,true)' })
    expect(picked).toEqual({ id: ids.p1, title: 'Hello...' })
  })

  test('batch: disabled by default, then all-or-nothing', async () => {
    const disabled = alice.createBatch()
    disabled.collection('posts').create({ title: 'b0', author: ids.alice })
    await expectFailure(disabled.send(), 403, 'Batch requests are not allowed.')

    const settings = await su.settings.update({ batch: { enabled: true, maxRequests: 10 } })
    expect(settings.batch).toMatchObject({ enabled: true, maxRequests: 10 })

    const ok = alice.createBatch()
    ok.collection('posts').create({ title: 'batch one', author: ids.alice, views: 1 })
    ok.collection('posts').update(ids.p2, { views: 4 })
    ok.collection('posts').upsert({ id: 'batchupsert0001', title: 'upserted', author: ids.alice })
    ok.collection('comments').create({ message: 'via batch', post: ids.p2 })
    const res = await ok.send()
    expect(res.map((r) => r.status)).toEqual([200, 200, 200, 200])
    expect(res[0]!.body).toMatchObject({ title: 'batch one', collectionName: 'posts' })
    expect(res[1]!.body).toMatchObject({ id: ids.p2, views: 4 })
    expect(res[2]!.body).toMatchObject({ id: 'batchupsert0001', title: 'upserted' })

    const bad = alice.createBatch()
    bad.collection('posts').create({ title: 'never stored', author: ids.alice })
    bad.collection('posts').create({ title: '', author: ids.alice })
    const err = await expectFailure(bad.send(), 400, 'Batch transaction failed.')
    expect(err.response.data).toMatchObject({
      requests: {
        '1': {
          code: 'batch_request_failed',
          message: 'Batch request failed.',
          response: {
            status: 400,
            message: 'Failed to create record.',
            data: { title: { code: 'validation_required' } },
          },
        },
      },
    })
    const never = await su.collection('posts').getList(1, 1, { filter: 'title = "never stored"' })
    expect(never.totalItems).toBe(0)

    const del = alice.createBatch()
    del.collection('posts').delete('batchupsert0001')
    const delRes = await del.send()
    expect(delRes).toEqual([{ status: 204, body: null }])
  })

  test('view collection listing', async () => {
    const stats = await guest.collection('post_stats').getFullList({ sort: 'title' })
    expect(stats.map((r) => [r.title, r.total])).toEqual([
      ['Bob hidden', 0],
      ['Bob writes', 1],
      ['Hello world', 2],
      ['Secret draft', 1],
      ['batch one', 0],
    ])
    expect(stats[0]).toMatchObject({ collectionName: 'post_stats' })
    const one = await guest.collection('post_stats').getOne(ids.p1)
    expect(one.total).toBe(2)
    await expectFailure(
      su.collection('post_stats').create({ title: 'x' }),
      400,
      'Unsupported collection type.',
    )
  })

  test('restart on the same dir: data, collections and old tokens survive', async () => {
    const aliceToken = alice.authStore.token
    const suToken = su.authStore.token
    const collectionsBefore = await su.collections.getFullList({ sort: 'name' })
    const postsBefore = await su.collection('posts').getFullList({ sort: 'title' })
    const code = await server.stop('SIGTERM')
    expect(code).toBe(0)
    server = await startServer(kind, server.dir)

    const su2 = client(server.url, suToken)
    expect(await su2.collections.getFullList({ sort: 'name' })).toEqual(collectionsBefore)
    expect(await su2.collection('posts').getFullList({ sort: 'title' })).toEqual(postsBefore)

    alice = client(userUrl(), aliceToken)
    const mine = await alice.collection('posts').getFullList({ filter: `author = "${ids.alice}"` })
    expect(mine.map((r) => r.title).sort()).toEqual(['Hello world', 'Secret draft', 'batch one'])
    const refreshed = await alice.collection('users').authRefresh()
    expect(refreshed.record.email).toBe('alice@example.com')
    const again = await client(server.url)
      .collection('users')
      .authWithPassword('bob@example.com', 'bob-pass-12')
    expect(again.record.id).toBe(ids.bob)
  })
})
