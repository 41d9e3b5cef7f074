import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { TestApp } from '../tests/test-app.ts'
import { applyCollectionInput } from './collection-input.ts'
import type { Collection } from './collection-model.ts'
import { deleteCollection, saveCollection } from './collection-save.ts'
import { newCollection } from './collection-scaffolds.ts'

let app: TestApp
beforeEach(async () => {
  app = await TestApp.create()
})
afterEach(async () => {
  await app.cleanup()
})

async function create(body: { [key: string]: unknown }): Promise<Collection> {
  const c = newCollection((body.type as 'base') ?? 'base', String(body.name))
  applyCollectionInput(c, body, false)
  await saveCollection(app, c, { generatedId: true })
  return app.findCollectionByNameOrId(c.id)
}

async function update(name: string, body: { [key: string]: unknown }): Promise<Collection> {
  const c = app.findCollectionByNameOrId(name).clone()
  applyCollectionInput(c, body, false)
  await saveCollection(app, c)
  return app.findCollectionByNameOrId(c.id)
}

const fieldsOf = (c: Collection) => c.fields.map((f) => f.toJSON())
const columns = async (table: string) =>
  (await app.db.all<{ name: string; type: string }>(`PRAGMA table_info(\`${table}\`)`)).map(
    (c) => `${c.name}:${c.type}`,
  )

describe('schema sync keeps data', () => {
  test('rename, add and drop columns', async () => {
    const c = await create({
      name: 'posts',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'views', type: 'number' },
        { name: 'old', type: 'text' },
      ],
    })
    await app.db.run(
      "INSERT INTO posts (id, title, views, old) VALUES ('aaaaaaaaaaaaaaa', 'hello', 3, 'x')",
    )
    const fields = fieldsOf(c)
    const title = fields.find((f) => f.name === 'title')!
    const views = fields.find((f) => f.name === 'views')!
    await update('posts', {
      fields: [fields[0], { ...title, name: 'headline' }, views, { name: 'body', type: 'editor' }],
    })
    expect(await app.db.all('SELECT * FROM posts')).toEqual([
      { id: 'aaaaaaaaaaaaaaa', headline: 'hello', views: 3, body: '' },
    ])
  })

  test('swap two column names', async () => {
    const c = await create({
      name: 'pairs',
      fields: [
        { name: 'a', type: 'text' },
        { name: 'b', type: 'text' },
      ],
    })
    await app.db.run("INSERT INTO pairs (id, a, b) VALUES ('aaaaaaaaaaaaaaa', 'A', 'B')")
    const [id, a, b] = fieldsOf(c)
    await update('pairs', { fields: [id, { ...a, name: 'b' }, { ...b, name: 'a' }] })
    expect(await app.db.get('SELECT a, b FROM pairs')).toEqual({ a: 'B', b: 'A' })
  })

  test('single ↔ multiple select rewrites values, views survive', async () => {
    const c = await create({
      name: 'tags',
      fields: [{ name: 'tag', type: 'select', values: ['a', 'b', 'c'], maxSelect: 1 }],
    })
    await app.db.run(
      "INSERT INTO tags (id, tag) VALUES ('aaaaaaaaaaaaaaa', 'b'), ('bbbbbbbbbbbbbbb', '')",
    )
    await create({ name: 'tags_view', type: 'view', viewQuery: 'SELECT id, tag FROM tags' })
    const [id, tag] = fieldsOf(c)
    await update('tags', { fields: [id, { ...tag, maxSelect: 3 }] })
    expect(await columns('tags')).toContain('tag:JSON')
    expect(await app.db.all('SELECT id, tag FROM tags ORDER BY id')).toEqual([
      { id: 'aaaaaaaaaaaaaaa', tag: '["b"]' },
      { id: 'bbbbbbbbbbbbbbb', tag: '[]' },
    ])
    expect(await app.db.all('SELECT id, tag FROM tags_view ORDER BY id')).toHaveLength(2)
    await app.db.run('UPDATE tags SET tag = \'["a","c"]\' WHERE id = \'aaaaaaaaaaaaaaa\'')
    await update('tags', { fields: [id, { ...tag, maxSelect: 1 }] })
    expect(await columns('tags')).toContain('tag:TEXT')
    expect(await app.db.all('SELECT id, tag FROM tags ORDER BY id')).toEqual([
      { id: 'aaaaaaaaaaaaaaa', tag: 'c' },
      { id: 'bbbbbbbbbbbbbbb', tag: '' },
    ])
  })

  test('rename the table and re-create indexes for it', async () => {
    await create({
      name: 'items',
      fields: [{ name: 'code', type: 'text' }],
      indexes: ['CREATE UNIQUE INDEX idx_items_code ON items (code)'],
    })
    await app.db.run("INSERT INTO items (id, code) VALUES ('aaaaaaaaaaaaaaa', 'X1')")
    const c = await update('items', { name: 'products' })
    expect(c.indexes).toEqual(['CREATE UNIQUE INDEX `idx_items_code` ON `products` (`code`)'])
    const idx = await app.db.get<{ tbl_name: string }>(
      "SELECT tbl_name FROM sqlite_master WHERE name = 'idx_items_code'",
    )
    expect(idx?.tbl_name).toBe('products')
    expect(await app.db.all('SELECT code FROM products')).toEqual([{ code: 'X1' }])
    expect(app.findCollection('items')).toBeUndefined()
  })

  test('dropping an indexed column drops the index first', async () => {
    const c = await create({
      name: 'things',
      fields: [
        { name: 'a', type: 'text' },
        { name: 'b', type: 'text' },
      ],
      indexes: ['CREATE INDEX idx_things_a ON things (a)'],
    })
    const [id, , b] = fieldsOf(c)
    await update('things', { fields: [id, b], indexes: [] })
    expect((await columns('things')).sort()).toEqual(['b:TEXT', 'id:TEXT'])
  })

  test('a failed update leaves table, row and cache untouched', async () => {
    const c = await create({ name: 'safe', fields: [{ name: 'a', type: 'text' }] })
    await app.db.run("INSERT INTO safe (id, a) VALUES ('aaaaaaaaaaaaaaa', 'v')")
    const [id, a] = fieldsOf(c)
    await expect(
      update('safe', {
        fields: [id, { ...a, name: 'renamed' }],
        indexes: ['CREATE INDEX idx_bad ON safe (missing)'],
      }),
    ).rejects.toThrow()
    expect((await columns('safe')).sort()).toEqual(['a:TEXT', 'id:TEXT'])
    expect(app.findCollectionByNameOrId('safe').getField('a')).toBeDefined()
  })

  test('views follow column renames and deleting a view source fails', async () => {
    const c = await create({ name: 'src', fields: [{ name: 'a', type: 'text' }] })
    await create({ name: 'src_view', type: 'view', viewQuery: 'SELECT id, a FROM src' })
    const [id, a] = fieldsOf(c)
    await update('src', { fields: [id, { ...a, name: 'b' }] })
    const v = app.findCollectionByNameOrId('src_view')
    expect(v.fields.map((f) => f.name)).toEqual(['id', 'b'])
    expect(v.viewQuery).toContain('"b"')
    await expect(deleteCollection(app, app.findCollectionByNameOrId('src'))).rejects.toThrow()
    expect(app.findCollection('src')).toBeDefined()
    await deleteCollection(app, v)
    await deleteCollection(app, app.findCollectionByNameOrId('src'))
    expect(await app.db.get("SELECT 1 FROM sqlite_master WHERE name IN ('src', 'src_view')")).toBe(
      undefined,
    )
  })
})
