import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { TestApp } from '../tests/test-app.ts'
import { FilterError } from '../tools/fexpr/filter-error.ts'
import { buildFilterExpr } from '../tools/search/filter.ts'
import { SelectQuery } from '../tools/search/select-query.ts'
import { buildSortExpr } from '../tools/search/sort.ts'
import { applyCollectionInput } from './collection-input.ts'
import type { Collection, CollectionType } from './collection-model.ts'
import { saveCollection } from './collection-save.ts'
import { newCollection } from './collection-scaffolds.ts'
import { compileRecordQueryParts, RecordFieldResolver } from './record-field-resolver.ts'
import { Record } from './record-model.ts'
import type { RequestInfo } from './request-info.ts'

let app: TestApp

async function createCollection(
  type: CollectionType,
  name: string,
  body: { [key: string]: unknown },
): Promise<Collection> {
  const c = newCollection(type, name)
  const fields = [...c.fields.map((f) => f.toJSON()), ...((body.fields as unknown[]) ?? [])]
  applyCollectionInput(c, { ...body, fields }, false)
  try {
    await saveCollection(app, c)
  } catch (err) {
    throw new Error(`${name}: ${JSON.stringify((err as { toJSON?: () => unknown }).toJSON?.())}`)
  }
  return app.findCollectionByNameOrId(name)
}

async function insert(table: string, rows: { [key: string]: unknown }[]): Promise<void> {
  for (const row of rows) {
    const cols = Object.keys(row)
    await app.db.run(
      `INSERT INTO \`${table}\` (${cols.map((c) => `\`${c}\``).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
      cols.map((c) => {
        const v = row[c]
        return typeof v === 'object' && v !== null ? JSON.stringify(v) : (v as string | number)
      }),
    )
  }
}

function info(partial: Partial<RequestInfo> = {}): RequestInfo {
  return {
    context: 'default',
    method: 'GET',
    query: {},
    headers: {},
    body: {},
    auth: null,
    ...partial,
  }
}

async function member(id: string): Promise<Record> {
  const c = app.findCollectionByNameOrId('members')
  const row = await app.db.get<{ [key: string]: unknown }>('SELECT * FROM `members` WHERE id = ?', [
    id,
  ])
  return Record.fromRow(c, row!)
}

/** Runs `filter` on `articles` and returns the matching ids (sorted). */
async function articles(
  filter: string,
  req: RequestInfo = info(),
  clientFilter = false,
): Promise<string[]> {
  const c = app.findCollectionByNameOrId('articles')
  const resolver = new RecordFieldResolver(app, c, req, { clientFilter })
  const q = new SelectQuery(app.db.dialect, 'articles')
    .columns('`articles`.`id`')
    .where(buildFilterExpr(filter, resolver))
    .orderBy({ sql: '`articles`.`id`', params: {} })
  resolver.updateQuery(q)
  const { sql, params } = q.toSql()
  const rows = await app.db.all<{ id: string }>(sql, params)
  return rows.map((r) => r.id)
}

function compile(filter: string, req: RequestInfo = info(), clientFilter = false): string {
  const c = app.findCollectionByNameOrId('articles')
  const resolver = new RecordFieldResolver(app, c, req, { clientFilter })
  const q = new SelectQuery(app.db.dialect, 'articles').where(buildFilterExpr(filter, resolver))
  resolver.updateQuery(q)
  return q.toSql().sql
}

beforeAll(async () => {
  app = await TestApp.create()
  const members = await createCollection('auth', 'members', {
    listRule: 'verified = 1',
    fields: [
      { name: 'nick', type: 'text' },
      { name: 'secret', type: 'text', hidden: true },
    ],
  })
  // self-relation added once the collection exists
  const m = members.clone()
  applyCollectionInput(
    m,
    {
      fields: [
        ...m.fields.map((f) => f.toJSON()),
        { name: 'friends', type: 'relation', collectionId: members.id, maxSelect: 5 },
      ],
    },
    false,
  )
  await saveCollection(app, m)
  const arts = await createCollection('base', 'articles', {
    listRule: '',
    fields: [
      { name: 'title', type: 'text' },
      { name: 'author', type: 'relation', collectionId: members.id, maxSelect: 1 },
      { name: 'editors', type: 'relation', collectionId: members.id, maxSelect: 5 },
      { name: 'tags', type: 'select', maxSelect: 3, values: ['a', 'b', 'c'] },
      { name: 'status', type: 'select', maxSelect: 1, values: ['x', 'y'] },
      { name: 'meta', type: 'json' },
      { name: 'loc', type: 'geoPoint' },
      { name: 'views', type: 'number' },
    ],
  })
  await createCollection('base', 'comments', {
    listRule: null,
    fields: [
      { name: 'body', type: 'text' },
      { name: 'article', type: 'relation', collectionId: arts.id, maxSelect: 1 },
      { name: 'articles', type: 'relation', collectionId: arts.id, maxSelect: 9 },
    ],
  })
  await createCollection('base', 'notes', {
    listRule: '',
    fields: [
      { name: 'body', type: 'text' },
      { name: 'article', type: 'relation', collectionId: arts.id, maxSelect: 1 },
    ],
    indexes: ['CREATE UNIQUE INDEX `idx_notes_article` ON `notes` (`article`)'],
  })
  const auth = (id: string, extra: { [key: string]: unknown }) => ({
    id,
    password: '',
    tokenKey: `t${id}`,
    email: `${id}@x.co`,
    ...extra,
  })
  await insert('members', [
    auth('m1', { nick: 'ann', secret: 's1', emailVisibility: 1, verified: 1, friends: ['m2'] }),
    auth('m2', { nick: 'bob', secret: 's2', emailVisibility: 0, verified: 0, friends: [] }),
    auth('m3', { nick: 'cid', emailVisibility: 1, verified: 1, friends: ['m1', 'm2'] }),
  ])
  await insert('articles', [
    {
      id: 'a1',
      title: 'one',
      author: 'm1',
      editors: ['m1', 'm3'],
      tags: ['a', 'b'],
      status: 'x',
      meta: { a: { b: 1 } },
      loc: { lon: 20, lat: 40 },
      views: 5,
    },
    {
      id: 'a2',
      title: 'two',
      author: 'm2',
      editors: ['m1'],
      tags: ['a'],
      status: 'y',
      meta: 'null',
      loc: { lon: 0, lat: 0 },
      views: 10,
    },
    {
      id: 'a3',
      title: 'three',
      author: '',
      editors: [],
      tags: [],
      status: '',
      meta: '"str"',
      views: 0,
    },
  ])
  await insert('comments', [
    { id: 'c1', body: 'hi', article: 'a1', articles: ['a1', 'a2'] },
    { id: 'c2', body: 'hi', article: 'a1', articles: ['a2'] },
    { id: 'c3', body: 'yo', article: 'a2', articles: [] },
  ])
  await insert('notes', [{ id: 'n1', body: 'n1', article: 'a1' }])
})

afterAll(async () => {
  await app.cleanup()
})

describe('RecordFieldResolver (rules: no restrictions)', () => {
  test.each<[string, string, string[]]>([
    ['plain field', "title = 'one'", ['a1']],
    ['single relation', "author.nick = 'ann'", ['a1']],
    ['hidden fields are allowed in rules', "author.secret = 's1'", ['a1']],
    ['rel.id short-circuit', "author.id = 'm2'", ['a2']],
    ['multiple relation: every value', "editors.nick = 'ann'", ['a2']],
    ['multiple relation: any value', "editors.nick ?= 'ann'", ['a1', 'a2']],
    ['multiple relation: any other', "editors.nick ?= 'cid'", ['a1']],
    ['nested relations', "editors.friends.nick ?= 'bob'", ['a1', 'a2']],
    ['back-relation: any', "comments_via_article.body ?= 'hi'", ['a1']],
    ['back-relation: every', "comments_via_article.body = 'hi'", ['a1']],
    ['back-relation: every (other)', "comments_via_article.body = 'yo'", ['a2']],
    ['multiple back-relation: any', "comments_via_articles.body ?= 'hi'", ['a1', 'a2']],
    ['multiple back-relation: every', "comments_via_articles.body = 'hi'", ['a1', 'a2']],
    ['unique back-relation', "notes_via_article.body = 'n1'", ['a1']],
    ['json path', 'meta.a.b = 1', ['a1']],
    ['json root', "meta = 'str'", ['a3']],
    ['json null', 'meta = null', ['a2']],
    ['geoPoint path', 'loc.lon > 10', ['a1']],
    ['geoDistance', 'geoDistance(loc.lon, loc.lat, 20, 40) < 1', ['a1']],
    ['each: every', "tags:each = 'a'", ['a2']],
    ['each: any', "tags:each ?= 'b'", ['a1']],
    ['length', 'tags:length = 0', ['a3']],
    ['relation length', 'editors:length = 2', ['a1']],
    ['each on a single select', "status:each = 'x'", ['a1']],
    ['length on a number is ignored (PocketBase)', 'views:length > 1', ['a1', 'a2']],
    ['lower', "author.nick:lower = 'ANN' || title:lower = 'two'", ['a2']],
    ['@collection: any', '@collection.comments.article ?= id', ['a1', 'a2']],
    ['@collection: every', "@collection.comments.body = 'hi'", []],
    [
      '@collection alias',
      "@collection.comments:c.body ?= 'yo' && @collection.comments.article ?= id",
      ['a1', 'a2'],
    ],
    ['guest auth id is empty', "@request.auth.id != ''", []],
    ['guest auth id equals empty', "@request.auth.id = ''", ['a1', 'a2', 'a3']],
    ['guest auth join path is NULL', "@request.auth.nick = ''", ['a1', 'a2', 'a3']],
    [
      'method and context',
      "@request.method = 'GET' && @request.context = 'default'",
      ['a1', 'a2', 'a3'],
    ],
    ['missing query key', "@request.query.q != ''", []],
  ])('%s', async (_name, filter, expected) => {
    expect(await articles(filter)).toEqual(expected)
  })

  test('auth: static fields and joined paths', async () => {
    const m1 = info({ auth: await member('m1') })
    const m3 = info({ auth: await member('m3') })
    expect(await articles('author = @request.auth.id', m1)).toEqual(['a1'])
    expect(
      await articles(
        "@request.auth.collectionName = 'members' && @request.auth.verified = true",
        m1,
      ),
    ).toHaveLength(3)
    expect(await articles("@request.auth.email = 'm1@x.co'", m1)).toHaveLength(3)
    expect(await articles("@request.auth.nick = 'ann'", m1)).toHaveLength(3)
    expect(await articles("@request.auth.nick = 'ann'", m3)).toEqual([])
    expect(await articles("@request.auth.secret = 's1'", m1)).toHaveLength(3)
    expect(await articles("@request.auth.friends.nick ?= 'bob'", m3)).toHaveLength(3)
    expect(await articles("@request.auth.friends.nick = 'bob'", m1)).toHaveLength(3)
    expect(await articles("@request.auth.friends.nick = 'bob'", m3)).toEqual([])
    expect(await articles('editors ?= @request.auth.id', m3)).toEqual([])
    expect(await articles('editors:each ?= @request.auth.id', m3)).toEqual(['a1'])
    // an invalid auth path resolves to NULL (PocketBase)
    expect(await articles("@request.auth.nope.nick = ''", m1)).toHaveLength(3)
    expect(await articles('@request.auth.id:isset = true', m1)).toHaveLength(3)
    expect(compile("@request.auth.nick = 'ann'", m1)).toContain(
      'LEFT JOIN `members` `__auth_members` ON `__auth_members`.`id` = :__rf',
    )
  })

  test('request query, headers and body', async () => {
    const req = info({
      query: { q: 'one' },
      headers: { x_token: 'abc' },
      body: { title: 'two', views: '10', tags: ['a', 'b'], author: 'm1', obj: { k: [1, 'v'] } },
    })
    const cases: [string, string[]][] = [
      ['title = @request.query.q', ['a1']],
      ["@request.headers.x_token = 'abc'", ['a1', 'a2', 'a3']],
      ['title = @request.body.title', ['a2']],
      // a string submitted for a number field is compared as a number
      ['@request.body.views > 100', []],
      ['@request.body.views = 10', ['a1', 'a2', 'a3']],
      ['@request.body.title:isset = true && @request.query.q:isset = true', ['a1', 'a2', 'a3']],
      ['@request.body.nope:isset = true', []],
      ['@request.body.title:changed = true', ['a1', 'a3']],
      ['@request.body.status:changed = true', []],
      ['@request.body.tags:length = 2', ['a1', 'a2', 'a3']],
      ["@request.body.tags:each ?= 'b'", ['a1', 'a2', 'a3']],
      ["@request.body.tags:each = 'a'", []],
      ["@request.body.author.nick = 'ann'", ['a1', 'a2', 'a3']],
      ["@request.body.obj.k.1 = 'v'", ['a1', 'a2', 'a3']],
      ['@request.body.obj = \'{"k":[1,"v"]}\'', ['a1', 'a2', 'a3']],
      [
        "@request.body.title:lower = 'TWO' || @request.body.title:lower = 'two'",
        ['a1', 'a2', 'a3'],
      ],
    ]
    for (const [filter, expected] of cases) {
      expect([filter, await articles(filter, req)]).toEqual([filter, expected])
    }
  })

  test('generated SQL follows PocketBase shapes', () => {
    expect(compile("author.nick = 'x'")).toBe(
      'SELECT DISTINCT `articles`.* FROM `articles` LEFT JOIN `members` `articles_author` ON ' +
        '`articles_author`.`id` = `articles`.`author` WHERE `articles_author`.`nick` = :p0',
    )
    expect(compile("author.id = 'x'")).toBe(
      'SELECT `articles`.* FROM `articles` WHERE `articles`.`author` = :p0',
    )
    expect(compile("notes_via_article.body = 'x'")).not.toContain('NOT EXISTS')
    expect(compile("comments_via_article.body = 'x'")).toContain('NOT EXISTS')
    expect(compile("status:each = 'x'")).not.toContain('NOT EXISTS')
  })

  test.each([
    ['unknown field', 'nope = 1'],
    ['unknown nested field', 'author.nope = 1'],
    ['path through a plain field', 'title.x = 1'],
    ['unknown modifier', 'title:upper = 1'],
    ['two modifiers', "tags:each:lower = 'a'"],
    ['record props are not fields', "collectionName = 'articles'"],
    ['back-relation without a path', "comments_via_article = 'x'"],
    ['invalid back-relation', 'nope_via_article.body = 1'],
    ['back-relation to another collection', 'members_via_friends.nick = 1'],
    ['unknown @request source', '@request.nope = 1'],
    ['unknown collection', '@collection.nope.x = 1'],
    ['too many relations', `editors${'.friends'.repeat(6)}.nick = 1`],
  ])('rejects %s', async (_name, filter) => {
    await expect(articles(filter)).rejects.toThrow(FilterError)
  })

  test('up to 6 relations are allowed', async () => {
    expect(await articles(`editors${'.friends'.repeat(5)}.nick ?= 'bob'`)).toEqual([])
    expect(await articles("editors.friends.friends.nick ?= 'bob'")).toEqual(['a1'])
  })

  test('sort through relations', async () => {
    const c = app.findCollectionByNameOrId('articles')
    const resolver = new RecordFieldResolver(app, c, info())
    const q = new SelectQuery(app.db.dialect, 'articles')
      .columns('`articles`.`id`')
      .orderBy(...buildSortExpr('-author.nick,@rowid', resolver))
    resolver.updateQuery(q)
    const rows = await app.db.all<{ id: string }>(q.toSql().sql, q.toSql().params)
    expect(rows.map((r) => r.id)).toEqual(['a2', 'a1', 'a3'])
  })
})

describe('RecordFieldResolver (client filter of a non-superuser)', () => {
  test('hidden fields are unknown', async () => {
    await expect(articles("author.secret = 's1'", info(), true)).rejects.toThrow('unknown field')
  })

  test.each(["@request.auth.id = ''", "@collection.comments.body = 'x'"])(
    '%s is forbidden',
    async (filter) => {
      const err = await articles(filter, info(), true).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(FilterError)
      expect((err as FilterError).forbidden).toBe(true)
      expect((err as FilterError).reason).toMatch(
        /^Only superusers can filter by @(request|collection)\.$/,
      )
    },
  )

  test('a joined collection without list access is refused', async () => {
    await expect(articles("comments_via_article.body ?= 'hi'", info(), true)).rejects.toThrow(
      FilterError,
    )
  })

  test("the joined collection's list rule is added as a constraint", async () => {
    expect(await articles("author.nick ?= 'bob'")).toEqual(['a2'])
    expect(await articles("author.nick ?= 'bob'", info(), true)).toEqual([])
    expect(await articles("editors.nick ?= 'ann'", info(), true)).toEqual(['a1', 'a2'])
    expect(compile("author.nick = 'x'", info(), true)).toContain(
      "((`articles_author`.`id` = '' OR `articles_author`.`id` IS NULL) OR (`articles_author`.`verified` = :__rf_lr0_0))",
    )
    // empty list rule: no constraint
    expect(await articles("notes_via_article.body = 'n1'", info(), true)).toEqual(['a1'])
  })

  test('auth emails also require emailVisibility', async () => {
    expect(await articles("author.email = 'm1@x.co'", info(), true)).toEqual(['a1'])
    expect(await articles("author.email ?= 'm2@x.co'")).toEqual(['a2'])
    expect(await articles("author.email ?= 'm2@x.co'", info(), true)).toEqual([])
    expect(compile("author.email = 'x'", info(), true)).toContain(
      '((`articles_author`.`email` = :p0) AND (`articles_author`.`emailVisibility` = TRUE))',
    )
  })
})

describe('compileRecordQueryParts', () => {
  test('combines a rule, a restricted filter and a sort with shared joins', async () => {
    const c = app.findCollectionByNameOrId('articles')
    const m1 = info({ auth: await member('m1') })
    const parts = compileRecordQueryParts(app, c, m1, {
      rule: "@request.auth.id != '' && author.secret != ''",
      filter: "author.nick ?= 'ann' || author.nick ?= 'bob'",
      sort: '-author.nick',
      clientFilter: true,
    })
    expect(parts.distinct).toBe(true)
    expect(parts.where).toHaveLength(3) // rule, filter, the members list rule
    const sql =
      `SELECT DISTINCT \`articles\`.\`id\` FROM \`articles\` ${parts.joins} ` +
      `WHERE ${parts.where.map((w) => `(${w})`).join(' AND ')} ORDER BY ${parts.orderBy.join(', ')}`
    const rows = await app.db.all<{ id: string }>(sql, parts.params)
    // a2's author (bob) is hidden by the members list rule; a3 has no author secret
    expect(rows.map((r) => r.id)).toEqual(['a1'])
    expect(() =>
      compileRecordQueryParts(app, c, m1, { filter: "author.secret = 's1'", clientFilter: true }),
    ).toThrow(FilterError)
    expect(() =>
      compileRecordQueryParts(app, c, m1, { filter: 'x'.repeat(3501), clientFilter: true }),
    ).toThrow(FilterError)
  })
})
