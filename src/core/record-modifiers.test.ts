import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createTestCollection, createTestRecord } from '../tests/record-fixtures.ts'
import { TestApp } from '../tests/test-app.ts'
import type { Collection } from './collection-model.ts'
import { hasSingleColumnUniqueIndex, normalizeExpands } from './record-expand.ts'
import { Record } from './record-model.ts'
import { replaceModifiers } from './record-modifiers.ts'
import { findRecordById } from './record-query.ts'

let app: TestApp
let posts: Collection

beforeAll(async () => {
  app = await TestApp.create()
  const authors = await createTestCollection(app, { name: 'authors' })
  posts = await createTestCollection(app, {
    name: 'posts',
    fields: [
      { name: 'title', type: 'text' },
      { name: 'n', type: 'number' },
      { name: 'tags', type: 'select', maxSelect: 3, values: ['a', 'b', 'c'] },
      { name: 'author', type: 'relation', collectionId: authors.id, maxSelect: 1 },
      { name: 'coauthors', type: 'relation', collectionId: authors.id, maxSelect: 5 },
      { name: 'code', type: 'text', autogeneratePattern: '[0-9]{4}' },
    ],
  })
  await createTestRecord(app, 'authors', { id: 'author000000001' })
  await createTestRecord(app, 'authors', { id: 'author000000002' })
  await createTestRecord(app, 'posts', {
    id: 'post00000000001',
    n: 1,
    tags: ['a'],
    author: 'author000000001',
    coauthors: ['author000000001', 'author000000002'],
  })
})

afterAll(async () => {
  await app.cleanup()
})

describe('replaceModifiers', () => {
  test('plain keys are prepared, unknown keys kept, the record untouched', async () => {
    const r = await findRecordById(app, posts, 'post00000000001')
    const out = replaceModifiers(r, { n: '4', tags: 'b', other: 1 })
    expect(out).toEqual({ n: 4, tags: ['b'], other: 1 })
    expect(r.get('n')).toBe(1)
  })

  test('number +/-, shortest key first', async () => {
    const r = await findRecordById(app, posts, 'post00000000001')
    expect(replaceModifiers(r, { 'n+': 2 })).toEqual({ n: 3 })
    expect(replaceModifiers(r, { 'n-': '0.5' })).toEqual({ n: 0.5 })
    expect(replaceModifiers(r, { 'n+': 2, n: 10 })).toEqual({ n: 12 })
  })

  test('select/relation prepend, append, remove (unique values)', async () => {
    const r = await findRecordById(app, posts, 'post00000000001')
    expect(replaceModifiers(r, { '+tags': ['c', 'a'] })).toEqual({ tags: ['c', 'a'] })
    expect(replaceModifiers(r, { 'tags+': 'b' })).toEqual({ tags: ['a', 'b'] })
    expect(replaceModifiers(r, { 'tags-': ['a', 'zz'] })).toEqual({ tags: [] })
    expect(replaceModifiers(r, { 'coauthors-': 'author000000001' })).toEqual({
      coauthors: ['author000000002'],
    })
  })

  test('single-valued relation keeps the last value', async () => {
    const r = await findRecordById(app, posts, 'post00000000001')
    expect(replaceModifiers(r, { 'author+': 'author000000002' })).toEqual({
      author: 'author000000002',
    })
    expect(replaceModifiers(r, { '+author': 'author000000002' })).toEqual({
      author: 'author000000001',
    })
    expect(replaceModifiers(r, { 'author-': 'author000000001' })).toEqual({ author: '' })
  })

  test('text :autogenerate; modifiers on unsupported types are unknown keys', () => {
    const r = new Record(posts)
    expect(replaceModifiers(r, { 'code:autogenerate': 'x' }).code).toMatch(/^x\d{4}$/)
    expect(replaceModifiers(r, { 'title:autogenerate': 'x' })).toEqual({ title: 'x' })
    expect(replaceModifiers(r, { 'title+': 'x', '+n': 1 })).toEqual({ 'title+': 'x', '+n': 1 })
  })
})

describe('expand helpers', () => {
  test('normalizeExpands drops spaces, duplicates and prefix paths', () => {
    expect(normalizeExpands(['a, b.c ,a', 'b', 'd.e.f,d'])).toEqual(['a', 'b.c', 'd.e.f'])
    expect(normalizeExpands(['', ' , '])).toEqual([])
  })

  test('hasSingleColumnUniqueIndex', () => {
    const c = posts.clone()
    c.indexes = [
      'CREATE UNIQUE INDEX `a` ON `posts` (`title`, `n`)',
      'CREATE INDEX `b` ON `posts` (`n`)',
      'create unique index c on posts (author collate nocase)',
    ]
    expect(hasSingleColumnUniqueIndex(c, 'title')).toBe(false)
    expect(hasSingleColumnUniqueIndex(c, 'n')).toBe(false)
    expect(hasSingleColumnUniqueIndex(c, 'author')).toBe(true)
  })
})
