import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { BackupEvent } from '../../core/events.ts'
import { Record } from '../../core/record-model.ts'
import { findRecordsByFilter } from '../../core/record-query.ts'
import { saveRecord } from '../../core/record-save.ts'
import { TestApp } from '../../tests/test-app.ts'
import { loadHooks } from '../hooks-loader.ts'
import { loadJsMigration } from './jsvm.ts'

let app: TestApp
let dir: string

beforeEach(async () => {
  app = await TestApp.create()
  dir = mkdtempSync(join(tmpdir(), 'satchel-jsvm-'))
})

afterEach(async () => {
  await app.cleanup()
  rmSync(dir, { recursive: true, force: true })
})

function file(name: string, text: string): string {
  const path = join(dir, name)
  mkdirSync(join(path, '..'), { recursive: true })
  writeFileSync(path, text)
  return path
}

const CREATE_POSTS = `
migrate((app) => {
  const c = new Collection({
    type: "base",
    name: "posts",
    listRule: "",
    fields: [
      { type: "text", name: "title", required: true },
      { type: "number", name: "views" },
    ],
  })
  c.fields.add(new BoolField({ name: "published" }))
  c.addIndex("idx_posts_title", true, "title", "")
  app.save(c)
  app.db().newQuery("INSERT INTO posts (id, title, views, published) VALUES ({:id}, {:t}, 3, 1)")
    .bind({ id: "p1234567890abcd", t: "first" }).execute()
  const r = new Record(app.findCollectionByNameOrId("posts"))
  r.set("title", "second")
  r.set("views", "7")
  app.save(r)
}, (app) => {
  app.delete(app.findCollectionByNameOrId("posts"))
})
`

describe('loadJsMigration', () => {
  test('up creates a collection and rows through the app; down deletes it', async () => {
    const m = loadJsMigration(file('1_posts.js', CREATE_POSTS))
    await app.runInTransaction((tx) => m.up(tx))
    const posts = app.findCollectionByNameOrId('posts')
    expect(posts.fields.map((f) => f.name)).toEqual(['id', 'title', 'views', 'published'])
    expect(posts.listRule).toBe('')
    expect(posts.indexes).toEqual(['CREATE UNIQUE INDEX `idx_posts_title` ON `posts` (`title`)'])
    const rows = await findRecordsByFilter(app, 'posts', '', { sort: 'title' })
    expect(rows.map((r) => [r.get('title'), r.get('views'), r.get('published')])).toEqual([
      ['first', 3, true],
      ['second', 7, false],
    ])
    await app.runInTransaction((tx) => m.down(tx))
    expect(app.findCollection('posts')).toBeUndefined()
  })

  test('the updated-collection migration shape automigrate writes (unmarshal, fields.addAt, removeById)', async () => {
    await app.runInTransaction((tx) => loadJsMigration(file('1_posts.js', CREATE_POSTS)).up(tx))
    const views = app.findCollectionByNameOrId('posts').getField('views')!
    const m = loadJsMigration(
      file(
        '2_updated_posts.js',
        `migrate((app) => {
  const collection = app.findCollectionByNameOrId("posts")
  unmarshal({ "listRule": null, "viewRule": "id != ''" }, collection)
  collection.fields.addAt(1, new Field({ "id": "text1", "name": "subtitle", "type": "text", "max": 50 }))
  collection.fields.removeById("${views.id}")
  return app.save(collection)
})`,
      ),
    )
    await app.runInTransaction((tx) => m.up(tx))
    const posts = app.findCollectionByNameOrId('posts')
    expect([posts.listRule, posts.viewRule]).toEqual([null, "id != ''"])
    expect(posts.fields.map((f) => f.name)).toEqual(['id', 'subtitle', 'title', 'published'])
    expect(posts.getField('subtitle')?.toJSON()).toMatchObject({ id: 'text1', max: 50 })
  })

  test('a migration that throws rolls back everything it did', async () => {
    const m = loadJsMigration(
      file(
        '2_bad.js',
        `migrate((app) => {
          app.save(new Collection({ name: "tmp", fields: [{ type: "text", name: "a" }] }))
          throw new Error("stop here")
        })`,
      ),
    )
    await expect(app.runInTransaction((tx) => m.up(tx))).rejects.toThrow('stop here')
    expect(app.findCollection('tmp')).toBeUndefined()
    expect(await app.db.get(`SELECT name FROM sqlite_master WHERE name = 'tmp'`)).toBeUndefined()
  })
})

const SCHEMA = `
migrate((app) => {
  app.save(new Collection({ name: "posts", createRule: "", fields: [
    { type: "text", name: "title" }, { type: "text", name: "slug" }, { type: "text", name: "note" },
  ] }))
  app.save(new Collection({ name: "counters", fields: [
    { type: "text", name: "name" }, { type: "number", name: "total" }, { type: "text", name: "by" },
  ] }))
  const c = new Record(app.findCollectionByNameOrId("counters"), { name: "posts", total: 0 })
  app.save(c)
})
`

describe('pb_hooks scripts on the app hooks', () => {
  beforeEach(async () => {
    const m = loadJsMigration(file('pb_migrations/1_schema.js', SCHEMA))
    await app.runInTransaction((tx) => m.up(tx))
  })

  test('hooks with tags, require() in handlers, nested hooks of a save a handler waits for', async () => {
    file(
      'pb_hooks/utils.js',
      'module.exports = { slug: (s) => s.toLowerCase().replace(/ +/g, "-") }',
    )
    const hooks = file(
      'pb_hooks/main.pb.js',
      `
const hidden = "top-level"
onRecordCreate((e) => {
  const { slug } = require(\`\${__hooks}/utils.js\`)
  e.record.set("slug", slug(e.record.getString("title")))
  e.next()
}, "posts")
onRecordAfterCreateSuccess((e) => {
  const [counter] = $app.findRecordsByFilter("counters", "name = {:n}", "", 1, 0, { n: "posts" })
  counter.set("total+", 1)
  $app.save(counter)
  e.next()
}, "posts")
onRecordUpdate((e) => {
  e.record.set("by", "hook " + e.record.getInt("total"))
  e.next()
}, "counters")
onRecordValidate((e) => {
  if (e.record.getString("title") === "peek") e.record.set("note", typeof hidden)
  e.next()
}, "posts")
`,
    )
    const result = await loadHooks(app, join(dir, 'pb_hooks'))
    expect(result.failures).toEqual([])
    expect(result.loaded).toEqual([hooks])
    for (const title of ['Hello World', 'peek']) {
      const r = new Record(app.findCollectionByNameOrId('posts'))
      r.set('title', title)
      await saveRecord(app, r)
    }
    const posts = await findRecordsByFilter(app, 'posts', '', { sort: 'title' })
    expect(posts.map((p) => [p.get('title'), p.get('slug'), p.get('note')])).toEqual([
      ['Hello World', 'hello-world', ''],
      ['peek', 'peek', 'undefined'],
    ])
    const [counter] = await findRecordsByFilter(app, 'counters', '')
    expect([counter?.get('total'), counter?.get('by')]).toEqual([2, 'hook 2'])
  })

  test('requests whose JS hooks wait for the write lock do not starve the JS hook of its holder', async () => {
    // posts creates hold workers while they wait for the lock; a counters create holds the lock
    // (no JS on its request) and needs a worker for its in-transaction hook
    file(
      'pb_hooks/posts.pb.js',
      `
onRecordCreateRequest((e) => { e.record.set("note", "request"); e.next() }, "posts")
onRecordCreate((e) => { e.record.set("by", "in-tx"); e.next() }, "counters")
`,
    )
    expect((await loadHooks(app, join(dir, 'pb_hooks'))).failures).toEqual([])
    const { token } = await app.createSuperuser()
    const answers = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        i % 4 === 3
          ? app.request('POST', '/api/collections/counters/records', {
              headers: { authorization: token },
              body: { name: `c${i}` },
            })
          : app.request('POST', '/api/collections/posts/records', { body: { title: `t${i}` } }),
      ),
    )
    expect(answers.map((r) => r.status)).toEqual(Array(16).fill(200))
    const posts = await findRecordsByFilter(app, 'posts', '')
    expect(posts.map((p) => p.get('note'))).toEqual(Array(12).fill('request'))
    const counters = await findRecordsByFilter(app, 'counters', 'name != "posts"')
    expect(counters.map((c) => c.get('by'))).toEqual(Array(4).fill('in-tx'))
  })

  test("an event's plain data crosses and a handler's changes to it come back", async () => {
    file(
      'pb_hooks/backup.pb.js',
      'onBackupCreate((e) => { e.name = "nightly_" + e.name; e.exclude.push("tmp"); e.next() })\n',
    )
    expect((await loadHooks(app, join(dir, 'pb_hooks'))).failures).toEqual([])
    let seen: [string, string[]] = ['', []]
    await app.onBackupCreate.trigger(new BackupEvent(app, 'b.zip', ['x']), async (e) => {
      seen = [e.name, e.exclude]
    })
    expect(seen).toEqual(['nightly_b.zip', ['x', 'tmp']])
  })

  test('a file that fails to load is reported with file:line and the others still bind', async () => {
    const bad = file(
      'pb_hooks/a_bad.pb.js',
      'onRecordCreate((e) => e.next(), "posts")\n\nthrow new Error("boom")\n',
    )
    file('pb_hooks/b_syntax.pb.js', 'routerAdd("GET", "/x", (e) => {\n  e.json(200, {\n})\n')
    file(
      'pb_hooks/c_good.pb.js',
      'onRecordCreate((e) => { e.record.set("note", "good"); e.next() }, "posts")\n',
    )
    const result = await loadHooks(app, join(dir, 'pb_hooks'))
    expect(result.failures.map((f) => [f.location, f.message])).toEqual([
      [`${bad}:3`, 'boom'],
      [`${join(dir, 'pb_hooks/b_syntax.pb.js')}:4`, expect.stringMatching(/Unexpected|missing/)],
    ])
    const r = new Record(app.findCollectionByNameOrId('posts'))
    await saveRecord(app, r)
    expect(r.get('note')).toBe('good')
  })
})
