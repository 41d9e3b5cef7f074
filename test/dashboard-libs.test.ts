// The dashboard's pure helpers, without a browser: filter-language suggestions and quick check,
// CSV cells both ways, and the collections import preview.
import type { CollectionModel } from 'pocketbase'
import { describe, expect, test } from 'vitest'
import { planImport, riskyChanges } from '../ui/src/lib/collections-diff.ts'
import {
  convertCell,
  csvCell,
  dryRun,
  guessMapping,
  importFields,
} from '../ui/src/lib/csv-records.ts'
import { type FilterContext, lint, suggest } from '../ui/src/lib/filter-assist.ts'
import { fromLocalInput, localHint, toLocalInput } from '../ui/src/lib/record-form.ts'

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

const users = {
  id: 'u1',
  name: 'users',
  type: 'auth',
  fields: [
    field('id', 'text', { system: true }),
    field('email', 'email'),
    field('password', 'password'),
  ],
} as unknown as CollectionModel
const authors = {
  id: 'a1',
  name: 'authors',
  type: 'base',
  fields: [field('id', 'text', { system: true }), field('name', 'text')],
} as unknown as CollectionModel
const posts = {
  id: 'p1',
  name: 'posts',
  type: 'base',
  fields: [
    field('id', 'text', { system: true }),
    field('title', 'text'),
    field('author', 'relation', { collectionId: 'a1', maxSelect: 1 }),
    field('tags', 'select', { maxSelect: 3, values: ['a'] }),
  ],
} as unknown as CollectionModel
const rule: FilterContext = {
  fields: posts.fields,
  collections: [users, authors, posts],
  self: posts,
  rule: true,
}

const labels = (before: string, ctx = rule) => suggest(ctx, before)?.options.map((o) => o.label)

describe('filter suggestions', () => {
  test('fields, relation paths, back-relations', () => {
    expect(labels('ti')).toEqual(expect.arrayContaining(['title', 'author', 'tags', '@now']))
    expect(suggest(rule, 'x && ti')?.from).toBe(5)
    expect(labels('author.')).toEqual(['id', 'name', 'posts_via_author'])
    expect(labels('author.name.')).toBeUndefined()
  })

  test('@request parts; body only in rules; auth without passwords', () => {
    expect(labels('@request.')).toContain('body')
    expect(labels('@request.', { ...rule, rule: false })).not.toContain('body')
    expect(labels('@request.auth.')).toEqual(['id', 'email', 'collectionId', 'collectionName'])
    expect(labels('@request.body.')).toEqual(['id', 'title', 'author', 'tags'])
    expect(labels('@collection.')).toEqual(['users', 'authors', 'posts'])
    expect(labels('@collection.posts.author.')).toContain('name')
  })

  test('modifiers fit the operand; operators after an operand, && after a value', () => {
    expect(labels('@request.body.title:')).toEqual(['isset', 'changed', 'lower'])
    expect(labels('tags:')).toEqual(['length', 'each', 'lower'])
    expect(labels('title ')).toContain('?~')
    expect(labels('title = "x" ')).toEqual(['&&', '||'])
    expect(labels('title = "unfinished ')).toBeUndefined()
  })

  test('the quick check: unknown fields, quotes, parentheses', () => {
    expect(lint(rule, 'title = "a" && (author.name != "")')).toEqual([])
    expect(lint(rule, 'nope = 1').map((p) => p.message)).toEqual([
      'There is no field named “nope”.',
    ])
    expect(lint(rule, '(title = "a').map((p) => p.message)).toEqual([
      'This ( is never closed.',
      'This text is missing its closing quote.',
    ])
  })
})

describe('CSV cells', () => {
  test('export cells read back as the same values', () => {
    const tags = posts.fields[3]!
    expect(csvCell(tags, ['a', 'b'])).toBe('["a","b"]')
    expect(convertCell({ ...tags, values: ['a', 'b'] }, '["a","b"]')).toEqual({ value: ['a', 'b'] })
    expect(convertCell({ ...tags, values: ['a', 'b'] }, 'a, b')).toEqual({ value: ['a', 'b'] })
    const json = field('meta', 'json')
    expect(convertCell(json, csvCell(json, 'text'))).toEqual({ value: 'text' })
    expect(convertCell(field('n', 'number', { onlyInt: true }), '1.5')).toEqual({
      error: '1.5 is not a whole number',
    })
    expect(convertCell(field('ok', 'bool'), 'Yes')).toEqual({ value: true })
  })

  test('a dry run reports required columns left unmapped and duplicate ids', () => {
    const fields = [
      field('id', 'text', { system: true }),
      field('title', 'text', { required: true }),
    ]
    const rows = [
      { ID: 'abc', Name: 'x' },
      { ID: 'abc', Name: 'y' },
    ]
    const mapping = guessMapping(fields, ['ID', 'Name'])
    expect(mapping).toEqual({ id: 'ID', title: '' })
    expect(dryRun(fields, mapping, rows).problems).toEqual([
      { line: 2, errors: ['title: is required'] },
      { line: 3, errors: ['title: is required', 'id: abc appears twice in the file'] },
    ])
    expect(dryRun(fields, { id: '', title: 'Name' }, rows).ready.map((r) => r.body)).toEqual([
      { title: 'x' },
      { title: 'y' },
    ])
  })
})

test('CSV into an auth collection: the password is checked and sent twice', () => {
  const fields = importFields({
    ...users,
    fields: [...users.fields, field('tokenKey', 'text'), field('created', 'autodate')],
  } as unknown as CollectionModel).map((f) =>
    f.type === 'password' ? { ...f, required: true, min: 8 } : f,
  )
  expect(fields.map((f) => f.name)).toEqual(['id', 'email', 'password'])
  const mapping = { id: '', email: 'email', password: 'password' }
  const res = dryRun(fields, mapping, [
    { email: 'a@b.co', password: 'long enough' },
    { email: 'nope', password: 'short' },
  ])
  expect(res.ready.map((r) => r.body)).toEqual([
    { email: 'a@b.co', password: 'long enough', passwordConfirm: 'long enough' },
  ])
  expect(res.problems).toEqual([
    {
      line: 3,
      errors: ['email: “nope” is not an email address', 'password: is shorter than 8 characters'],
    },
  ])
})

describe('collections import preview', () => {
  test('without delete missing, left-out fields stay; matched by id, else name and type', () => {
    const incoming = {
      ...posts,
      id: '',
      fields: [field('title', 'text', { id: '', max: 5 })],
    } as unknown as CollectionModel
    const plan = planImport([posts], [incoming], false)
    expect(plan.update).toEqual(['posts'])
    expect(plan.details.posts).toEqual(['field title: max changed'])
    expect(planImport([posts], [incoming], true).details.posts).toEqual([
      'field title: max changed',
      'field author (relation) is removed, with its values',
      'field tags (select) is removed, with its values',
    ])
    expect(planImport([posts], [posts], true)).toMatchObject({ unchanged: ['posts'], update: [] })
  })
})

describe('schema save confirmation', () => {
  const indexed = {
    ...posts,
    indexes: [
      'CREATE UNIQUE INDEX `idx_posts_title` ON `posts` (`title`)',
      'CREATE INDEX idx_posts_tags ON posts (tags)',
    ],
  } as unknown as CollectionModel
  const [id, title, author, tags] = posts.fields

  test('additions and option changes need no confirmation', () => {
    const draft = {
      name: 'posts',
      fields: [id!, { ...title!, max: 5 }, author!, tags!, field('body', 'editor', { id: '' })],
      indexes: [...indexed.indexes, 'CREATE INDEX idx_posts_body ON posts (body)'],
    }
    expect(riskyChanges(indexed, draft)).toEqual([])
  })

  test('several values made one loses data; one made several does not', () => {
    const single = field('tags', 'select', { id: 'select_tags', maxSelect: 1, values: ['a'] })
    const draft = (t: unknown) => ({
      name: 'posts',
      fields: [id!, title!, author!, t as never],
      indexes: [],
    })
    expect(riskyChanges(posts, draft(single))).toEqual([
      { kind: 'field-single', subject: 'tags', losesData: true },
    ])
    const multiAuthor = { ...posts, fields: [id!, title!, { ...author!, maxSelect: 2 }, tags!] }
    expect(riskyChanges(multiAuthor as never, draft(tags))).toEqual([
      { kind: 'field-single', subject: 'author', losesData: true },
    ])
    expect(riskyChanges(posts, draft({ ...tags!, maxSelect: 5 }))).toEqual([])
  })

  test('renames by id, drops with data loss, a type swap under the same name, dropped indexes', () => {
    const draft = {
      name: 'articles',
      fields: [
        id!,
        { ...title!, name: 'headline' },
        field('tags', 'json', { id: '' }),
        field('extra', 'text', { id: '' }),
      ],
      // the title index's statement may change (renamed column); only its name counts
      indexes: ['CREATE UNIQUE INDEX "idx_posts_title" ON articles (headline)'],
    }
    expect(riskyChanges(indexed, draft)).toEqual([
      {
        kind: 'collection-rename',
        subject: 'posts',
        from: 'posts',
        to: 'articles',
        losesData: false,
      },
      {
        kind: 'field-rename',
        subject: 'title',
        from: 'title',
        to: 'headline',
        losesData: false,
      },
      { kind: 'field-retype', subject: 'tags', from: 'select', to: 'json', losesData: true },
      { kind: 'field-drop', subject: 'author', losesData: true },
      { kind: 'index-drop', subject: 'idx_posts_tags', losesData: false },
    ])
  })
})

describe('record form dates', () => {
  test('PocketBase UTC dates to the picker and back; cleared stays empty', () => {
    expect(toLocalInput('2024-05-01 10:20:30.000Z')).toBe('2024-05-01T10:20:30')
    expect(fromLocalInput('2024-05-01T10:20:30')).toBe('2024-05-01 10:20:30.000Z')
    // Chromium leaves the seconds out when they are zero
    expect(fromLocalInput('2024-05-01T10:20')).toBe('2024-05-01 10:20:00.000Z')
    // milliseconds survive the round trip (an untouched date is sent back as it was)
    expect(toLocalInput('2024-05-01 10:20:30.250Z')).toBe('2024-05-01T10:20:30.250')
    expect(fromLocalInput('2024-05-01T10:20:30.250')).toBe('2024-05-01 10:20:30.250Z')
    expect(fromLocalInput('2024-05-01T10:20:30.5')).toBe('2024-05-01 10:20:30.500Z')
    expect(toLocalInput('')).toBe('')
    expect(fromLocalInput('')).toBe('')
    expect(localHint('')).toBe('No date')
    expect(localHint('2024-05-01T10:20:30')).toMatch(/^In your time zone \(.+\): .*2024/)
  })
})
