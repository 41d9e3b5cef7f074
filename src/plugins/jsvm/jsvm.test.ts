import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
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
