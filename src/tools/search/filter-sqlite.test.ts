import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Db } from '../db/db.ts'
import { openSqlite } from '../db/sqlite.ts'
import { buildFilterExpr } from './filter.ts'
import { listPage } from './provider.ts'
import { SelectQuery } from './select-query.ts'
import { SimpleFieldResolver } from './simple-field-resolver.ts'
import { buildSortExpr } from './sort.ts'

// Rows chosen to exercise NULL vs '', LIKE escaping, JSON fallbacks and multi-value semantics.
const ROWS: [
  string,
  string | null,
  number | null,
  string | null,
  string | null,
  string | null,
  string,
  number,
  number,
][] = [
  // id, title, views, status, data, tags, created, lon, lat
  [
    'a',
    'hello',
    5,
    'active',
    '{"a":{"b":[1,{"c":2}]}}',
    '["a","b"]',
    '2024-01-05 10:00:00.000Z',
    23.32,
    42.7,
  ],
  ['b', '', 0, null, null, '[]', '', 24.75, 42.15],
  ['c', '50% off_x', 10, 'draft', 'str', '["a"]', '2023-06-01 00:00:00.000Z', 2.35, 48.86],
  ['d', 'back\\slash', 3, 'active', 'null', '["c","a"]', '', 0, 0],
  ['e', null, null, '', '{"n":1}', null, '2100-01-01 00:00:00.000Z', 0, 0],
]

describe('buildFilterExpr on SQLite', () => {
  let dir: string
  let db: Db
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'satchel-filter-'))
    db = openSqlite(join(dir, 'data.db'))
    await db.exec(
      'CREATE TABLE posts (id TEXT PRIMARY KEY, title TEXT, views NUMERIC, status TEXT, data JSON, ' +
        'tags JSON, created TEXT, lon NUMERIC, lat NUMERIC)',
    )
    for (const r of ROWS) {
      await db.run('INSERT INTO posts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', r)
    }
  })
  afterAll(async () => {
    await db.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const ids = async (filter: string, params: Record<string, unknown> = {}): Promise<string[]> => {
    const resolver = new SimpleFieldResolver({
      table: 'posts',
      columns: ['id', 'title', 'views', 'status', 'data', 'tags', 'created', 'lon', 'lat'],
      jsonColumns: ['data'],
      arrayColumns: ['tags'],
    })
    const q = new SelectQuery(db.dialect, 'posts')
      .columns('`posts`.`id`')
      .where(buildFilterExpr(filter, resolver, params))
      .orderBy({ sql: '`posts`.`id`', params: {} })
    resolver.updateQuery(q)
    const { sql, params: bound } = q.toSql()
    const rows = await db.all<{ id: string }>(sql, bound)
    return rows.map((r) => r.id)
  }

  test.each<[string, string, string[]]>([
    ['equal', "title = 'hello'", ['a']],
    ['empty matches NULL and empty', "title = ''", ['b', 'e']],
    ['not empty', "title != ''", ['a', 'c', 'd']],
    ['null literal', 'status = null', ['b', 'e']],
    ['not null literal', 'status != null', ['a', 'c', 'd']],
    ['not equal keeps NULL rows', "status != 'active'", ['b', 'c', 'e']],
    ['column vs column with NULLs', 'title = status', ['b', 'e']],
    ['number', 'views > 3', ['a', 'c']],
    ['number equality', 'views = 0', ['b']],
    ['contains, case-insensitive', "title ~ 'HELLO'", ['a']],
    ['not contains keeps only non-NULL', "title !~ 'l'", ['b', 'c']],
    ['literal underscore', "title ~ '_'", ['c']],
    ['escaped percent', "title ~ '50\\%'", ['c']],
    ['user wildcard', "title ~ 'h%o'", ['a']],
    ['user wildcard anchored', "title ~ 'ello%'", []],
    ['backslash', "title ~ 'k\\s'", ['d']],
    ['column pattern', 'status ~ id', ['a']],
    ['column pattern with NULL', 'title ~ status', []],
    ['AND binds tighter than OR', "views = 0 || views = 5 && status = 'draft'", ['b']],
    ['AND then OR', "status = 'draft' && views = 10 || views = 0", ['b', 'c']],
    ['groups', "(views = 0 || views = 5) && status = 'active'", ['a']],
    ['json path', 'data.a.b.1.c = 2', ['a']],
    ['json nested key', 'data.n = 1', ['e']],
    ['json invalid text falls back to a string', "data = 'str'", ['c']],
    ['json null', 'data = null', ['b', 'd']],
    ['each: any', "tags:each ?= 'a'", ['a', 'c', 'd']],
    ['each: all', "tags:each = 'a'", ['c']],
    ['each: all not equal', "tags:each != 'c'", ['a', 'b', 'c', 'e']],
    ['each: any not equal', "tags:each ?!= 'a'", ['a', 'b', 'd', 'e']],
    ['each: all like', "tags:each ~ 'a'", ['c']],
    ['length', 'tags:length = 0', ['b', 'e']],
    ['length 2', 'tags:length = 2', ['a', 'd']],
    ['strftime', "strftime('%Y', created) = '2024'", ['a']],
    ['strftime empty', "strftime('%Y', created) = ''", ['b', 'd']],
    ['@now', 'created < @now && created != ""', ['a', 'c']],
    ['geoDistance', 'geoDistance(lon, lat, 23.32, 42.7) < 150', ['a', 'b']],
    ['geoDistance zero', 'geoDistance(lon, lat, 23.32, 42.7) < 0.001', ['a']],
    ['lower', "title:lower = 'hello'", ['a']],
    ['placeholder', 'title = {:t} || views = {:n}', ['a', 'c']],
    ['placeholder with quotes', 'title = {:q}', []],
  ])('%s', async (_name, filter, expected) => {
    expect(await ids(filter, { t: 'hello', n: 10, q: "x' OR '1'='1" })).toEqual(expected)
  })

  test('list helper pages, counts distinct rows and sorts', async () => {
    const resolver = new SimpleFieldResolver({
      table: 'posts',
      columns: ['id', 'views', 'tags'],
      arrayColumns: ['tags'],
    })
    const q = new SelectQuery(db.dialect, 'posts')
      .columns('`posts`.`id`')
      .where(buildFilterExpr("tags:each ?= 'a' || tags:each ?= 'b'", resolver))
      .orderBy(...buildSortExpr('-views,id', resolver))
    resolver.updateQuery(q)
    const page1 = await listPage<{ id: string }>(db, q, { page: 1, perPage: 2 })
    expect(page1).toEqual({
      page: 1,
      perPage: 2,
      totalItems: 3,
      totalPages: 2,
      items: [{ id: 'c' }, { id: 'a' }],
    })
    const page2 = await listPage<{ id: string }>(db, q, { page: 2, perPage: 2, skipTotal: true })
    expect(page2).toEqual({
      page: 2,
      perPage: 2,
      totalItems: -1,
      totalPages: -1,
      items: [{ id: 'd' }],
    })
    const beyond = await listPage(db, q, { page: 9, perPage: 2 })
    expect(beyond.items).toEqual([])
    expect(beyond.totalItems).toBe(3)
  })

  test('@rowid and @random sorting run', async () => {
    const resolver = new SimpleFieldResolver({ table: 'posts', columns: ['id'] })
    const q = new SelectQuery(db.dialect, 'posts').columns('`posts`.`id`')
    q.orderBy(...buildSortExpr('-@rowid', resolver))
    const rows = await db.all<{ id: string }>(q.toSql().sql)
    expect(rows.map((r) => r.id)).toEqual(['e', 'd', 'c', 'b', 'a'])
    const r2 = new SelectQuery(db.dialect, 'posts').orderBy(...buildSortExpr('@random', resolver))
    expect(await db.all(r2.toSql().sql)).toHaveLength(5)
  })
})
