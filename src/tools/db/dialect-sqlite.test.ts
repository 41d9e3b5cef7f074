import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { Db } from './db.ts'
import { sqliteDialect as d } from './dialect-sqlite.ts'
import { openSqlite } from './sqlite.ts'

describe('sqliteDialect', () => {
  let dir: string
  let db: Db
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'satchel-dialect-'))
    db = openSqlite(join(dir, 'data.db'))
  })
  afterEach(async () => {
    await db.close()
    rmSync(dir, { recursive: true, force: true })
  })

  test('quoteIdent wraps names in backticks and doubles the backticks inside', () => {
    expect(d.quoteIdent('posts')).toBe('`posts`')
    expect(d.quoteIdent('a`b``c')).toBe('`a``b````c`')
  })

  test('creates tables with PocketBase column types; keyed tables have no rowid', async () => {
    const q = d.quoteIdent
    await db.exec(
      d.createTable('Posts', [
        `${q('id')} ${d.columnType('primaryKey')}`,
        `${q('title')} ${d.columnType('text')}`,
        `${q('tags')} ${d.columnType('jsonArray')}`,
      ]),
    )
    await db.exec(d.createTable('kv', ['k TEXT PRIMARY KEY NOT NULL'], { keyed: true }))
    await db.exec(d.createTable('kv', ['k TEXT PRIMARY KEY NOT NULL'], { ifNotExists: true }))
    await db.run(`INSERT INTO ${q('Posts')} (${q('title')}) VALUES (?)`, ['a'])
    const row = await db.get<{ id: string; title: string; tags: string }>('SELECT * FROM Posts')
    expect(row?.id).toMatch(/^r[0-9a-f]{14}$/)
    expect(row).toMatchObject({ title: 'a', tags: '[]' })
    await expect(db.get(`SELECT ${d.rowid('kv')} FROM kv`)).rejects.toThrow(/no such column/)
    expect(await d.hasTable(db, 'posts')).toBe(true)
    expect(await d.hasTable(db, 'missing')).toBe(false)
    expect(await d.tableColumns(db, 'Posts')).toEqual(['id', 'title', 'tags'])
    expect(await d.tableColumns(db, 'missing')).toEqual([])
  })

  test('builds indexes in PocketBase layout and finds their table', async () => {
    await db.exec('CREATE TABLE t (a TEXT, b TEXT)')
    const sql = d.createIndex({
      unique: true,
      optional: false,
      schemaName: '',
      indexName: 'idx_ab',
      tableName: 't',
      columns: [
        { name: 'a', collate: 'NOCASE', sort: '' },
        { name: 'lower(b)', collate: '', sort: 'DESC' },
      ],
      where: "a != ''",
    })
    expect(sql).toBe(
      "CREATE UNIQUE INDEX `idx_ab` ON `t` (\n  `a` COLLATE NOCASE,\n  lower(b) DESC\n) WHERE a != ''",
    )
    await db.exec(sql)
    expect(await d.indexTable(db, 'IDX_AB')).toBe('t')
    expect(await d.indexTable(db, 'nope')).toBeUndefined()
  })

  test('lists views with their current statements', async () => {
    await db.exec('CREATE TABLE t (a TEXT)')
    await db.exec('CREATE VIEW v2 AS SELECT a FROM t')
    await db.exec('CREATE VIEW v1 AS SELECT * FROM (SELECT a AS x FROM t)')
    await db.exec('ALTER TABLE t RENAME COLUMN a TO b')
    expect((await d.views(db)).map((v) => v.name)).toEqual(['v2', 'v1'])
    expect(await d.viewSql(db, 'v2')).toMatch(/^CREATE VIEW v2 AS SELECT "?b"? FROM t$/)
    expect(await d.viewSql(db, 'nope')).toBeUndefined()
  })

  test('upserts, skips conflicts and returns the stored row', async () => {
    await db.exec('CREATE TABLE c (k TEXT PRIMARY KEY, n INTEGER)')
    const insert = 'INSERT INTO c (k, n) VALUES (?, ?)'
    expect((await db.run(`${insert} ${d.onConflict(['k'])}`, ['a', 1])).changes).toBe(1)
    expect((await db.run(`${insert} ${d.onConflict(['k'])}`, ['a', 5])).changes).toBe(0)
    const set = `n = n + ${d.excluded('n')}`
    expect(await db.get(`${insert} ${d.onConflict(['k'], set)} RETURNING n`, ['a', 2])).toEqual({
      n: 3,
    })
  })

  test('compares values like the filter compiler expects', async () => {
    const one = async (expr: string, x: string | number = '', y = '') =>
      (await db.get<{ v: unknown }>(`SELECT ${expr} AS v`, { x, y }))?.v
    expect(await one(`${d.now()} || :y`)).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z$/)
    expect(await one(d.equalsNoCase(':x', ':y'), 'Ab', 'aB')).toBe(1)
    expect(await one(d.equalsNoCase(':x', ':y'), 'É', 'é')).toBe(0)
    expect(await one(`${d.orEmpty('NULL')} = :y`)).toBe(1)
    expect(await one(d.isEmpty(':x', false), '')).toBe(1)
    expect(await one(d.isEmpty(':x', true), 0)).toBe(1)
    expect(await one(d.jsonArrayLast(':x'), '["a","b"]')).toBe('b')
    expect(await one(d.jsonArrayLast(':x'), '[]')).toBeNull()
    expect(await one(d.jsonArrayLast(':x'), 'x')).toBe('x')
  })
})
