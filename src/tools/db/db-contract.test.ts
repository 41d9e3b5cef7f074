import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { startPostgres, type TestPostgres } from '../../tests/postgres.ts'
import type { Db, SqlValue } from './db.ts'
import { openPostgres } from './postgres.ts'
import { openSqlite } from './sqlite.ts'

// One contract, two engines: everything above tools/db relies on these behaviours.
let server: TestPostgres
beforeAll(async () => {
  server = await startPostgres()
})
afterAll(async () => {
  await server?.close()
})

interface Engine {
  open(): Promise<Db>
  cleanup(): void
}

const engines: [string, () => Engine][] = [
  [
    'sqlite',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'satchel-contract-'))
      return {
        open: async () => openSqlite(join(dir, 'data.db')),
        cleanup: () => rmSync(dir, { recursive: true, force: true }),
      }
    },
  ],
  [
    'postgres',
    () => ({
      open: async () => openPostgres(await server.createDatabase()),
      cleanup: () => undefined,
    }),
  ],
]

describe.each(engines)('Db contract on %s', (_name, engine) => {
  let db: Db
  let env: Engine
  beforeEach(async () => {
    env = engine()
    db = await env.open()
    await db.exec(db.dialect.systemTablesSql('data'))
    await db.exec(db.dialect.systemTablesSql('auxiliary'))
  })
  afterEach(async () => {
    await db.close()
    env.cleanup()
  })

  const one = async (expr: string, params: Record<string, SqlValue> = {}) =>
    (await db.get<{ v: unknown }>(`SELECT ${expr} AS v`, params))?.v

  test('tables, placeholders, types, schema inspection', async () => {
    const d = db.dialect
    const q = d.quoteIdent
    await db.exec(
      d.createTable('Posts', [
        `${q('id')} ${d.columnType('primaryKey')}`,
        `${q('title')} ${d.columnType('text')}`,
        `${q('done')} ${d.columnType('bool')}`,
        `${q('n')} ${d.columnType('number')}`,
        `${q('meta')} ${d.columnType('json')}`,
        `${q('tags')} ${d.columnType('jsonArray')}`,
        `${q('geo')} ${d.columnType('geoPoint')}`,
      ]),
    )
    const ins = `INSERT INTO ${q('Posts')} (${q('title')}, ${q('done')}, ${q('n')}, ${q('meta')}) VALUES (?, ?, ?, ?)`
    expect((await db.run(ins, ['a', true, 1.5, '{"b": 1,"a":2}'])).changes).toBe(1)
    await db.run(ins, ['b', false, 3, null])
    const rows = await db.all(
      `SELECT ${q('id')}, ${q('title')}, ${q('done')}, ${q('n')}, ${q('meta')}, ${q('tags')}, ${q('geo')} FROM ${q('Posts')} ORDER BY ${d.rowid('Posts')}`,
    )
    expect(rows[0]!.id).toMatch(/^r[0-9a-f]{14}$/)
    expect(rows.map(({ id: _, ...r }) => r)).toEqual([
      { title: 'a', done: 1, n: 1.5, meta: '{"b": 1,"a":2}', tags: '[]', geo: '{"lon":0,"lat":0}' },
      { title: 'b', done: 0, n: 3, meta: null, tags: '[]', geo: '{"lon":0,"lat":0}' },
    ])
    // booleans compare with 1/0 and bound JS booleans, as the filter compiler writes them
    const titles = async (where: string, params: SqlValue[] = []) =>
      (
        await db.all<{ title: string }>(
          `SELECT ${q('title')} FROM ${q('Posts')} WHERE ${where}`,
          params,
        )
      ).map((r) => r.title)
    expect(await titles(`${q('done')} = 1`)).toEqual(['a'])
    expect(await titles(`${q('done')} = ?`, [false])).toEqual(['b'])
    expect(await titles(`${d.isSame(q('done'), '0', true)}`)).toEqual(['a'])
    expect(await titles(`${d.orEmpty(q('done'))} = ${d.orEmpty('?')}`, [true])).toEqual(['a'])
    expect(await titles(`${q('n')} > ?`, [2])).toEqual(['b'])
    // named parameters, the same name twice, `::`-free SQL and a colon inside a literal
    expect(
      await db.get(
        `SELECT COUNT(*) AS c, ':x' AS lit FROM ${q('Posts')} WHERE ${q('title')} = :t OR ${q('title')} = :t`,
        { t: 'a' },
      ),
    ).toEqual({ c: 1, lit: ':x' })
    expect(await d.hasTable(db, 'posts')).toBe(true)
    expect(await d.hasTable(db, '_collections')).toBe(true)
    expect(await d.hasTable(db, 'missing')).toBe(false)
    expect(await d.tableColumns(db, 'Posts')).toEqual([
      'id',
      'title',
      'done',
      'n',
      'meta',
      'tags',
      'geo',
    ])
    expect(await d.tableColumns(db, 'missing')).toEqual([])
    await db.exec(d.createTable('kv', [`${q('k')} TEXT PRIMARY KEY NOT NULL`], { keyed: true }))
    await db.exec(
      d.createTable('kv', [`${q('k')} TEXT PRIMARY KEY NOT NULL`], { ifNotExists: true }),
    )
    expect(await d.tableColumns(db, 'kv')).toEqual(['k'])
  })

  test('indexes from PocketBase definitions, NOCASE included', async () => {
    const d = db.dialect
    await db.exec(d.createTable('t', ['a TEXT', 'b TEXT']))
    await db.exec(
      d.createIndex({
        unique: true,
        optional: false,
        schemaName: '',
        indexName: 'idx_ab',
        tableName: 't',
        columns: [{ name: 'a', collate: 'NOCASE', sort: '' }],
        where: "`b` != ''",
      }),
    )
    await db.run('INSERT INTO t (a, b) VALUES (?, ?)', ['X', 'y'])
    await expect(db.run('INSERT INTO t (a, b) VALUES (?, ?)', ['x', 'z'])).rejects.toThrow()
    await db.run('INSERT INTO t (a, b) VALUES (?, ?)', ['x', ''])
    expect(await d.indexTable(db, 'IDX_AB')).toBe('t')
    expect(await d.indexTable(db, 'nope')).toBeUndefined()
  })

  test('views in creation order, with their current statements', async () => {
    const d = db.dialect
    await db.exec('CREATE TABLE t (a TEXT)')
    await db.exec('CREATE VIEW v2 AS SELECT a FROM t')
    await db.exec('CREATE VIEW v1 AS SELECT a AS x FROM t')
    await db.exec('ALTER TABLE t RENAME COLUMN a TO b')
    const views = await d.views(db)
    expect(views.map((v) => v.name)).toEqual(['v2', 'v1'])
    expect(await d.viewSql(db, 'v2')).toMatch(/^CREATE VIEW "?v2"? AS\s+SELECT\s+.*\bb\b/)
    expect(await d.viewSql(db, 'nope')).toBeUndefined()
    for (const v of views) await db.exec(`DROP VIEW ${d.quoteIdent(v.name)}`)
    for (const v of views) await db.exec(v.sql)
    expect(await d.tableColumns(db, 'v1')).toEqual(['x'])
  })

  test('upserts, skipped conflicts and insertOrIgnore', async () => {
    const d = db.dialect
    await db.exec('CREATE TABLE c (k TEXT PRIMARY KEY, n INTEGER)')
    const insert = 'INSERT INTO c (k, n) VALUES (?, ?)'
    expect((await db.run(`${insert} ${d.onConflict(['k'])}`, ['a', 1])).changes).toBe(1)
    expect((await db.run(`${insert} ${d.onConflict(['k'])}`, ['a', 5])).changes).toBe(0)
    const set = `${d.quoteIdent('n')} = c.n + ${d.excluded('n')}`
    expect(await db.get(`${insert} ${d.onConflict(['k'], set)} RETURNING n`, ['a', 2])).toEqual({
      n: 3,
    })
    expect((await db.run(d.insertOrIgnore('c', ['k', 'n']), ['a', 9])).changes).toBe(0)
    expect((await db.run(d.insertOrIgnore('c', ['k', 'n']), ['b', 9])).changes).toBe(1)
  })

  test('comparisons of the filter compiler', async () => {
    const d = db.dialect
    expect(await one(`${d.now()} || :y`, { y: '' })).toMatch(
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z$/,
    )
    expect(
      await one(`CASE WHEN ${d.equalsNoCase(':x', ':y')} THEN 1 ELSE 0 END`, { x: 'Ab', y: 'aB' }),
    ).toBe(1)
    expect(await one(`CASE WHEN ${d.orEmpty('NULL')} = '' THEN 1 ELSE 0 END`)).toBe(1)
    expect(await one(`CASE WHEN ${d.orEmpty('5')} = '' THEN 1 ELSE 0 END`)).toBe(0)
    expect(await one(`CASE WHEN ${d.isEmpty("''", false)} THEN 1 ELSE 0 END`)).toBe(1)
    expect(await one(`CASE WHEN ${d.isEmpty('NULL', false)} THEN 1 ELSE 0 END`)).toBe(1)
    expect(await one(`CASE WHEN ${d.isEmpty('0', true)} THEN 1 ELSE 0 END`)).toBe(1)
    expect(await one(`CASE WHEN ${d.isSame('NULL', 'NULL', false)} THEN 1 ELSE 0 END`)).toBe(1)
    expect(await one(`CASE WHEN ${d.isSame("'a'", 'NULL', true)} THEN 1 ELSE 0 END`)).toBe(1)
    const like = async (v: string, p: string, negate = false) =>
      one(`CASE WHEN ${d.like(':v', ':p', negate)} THEN 1 ELSE 0 END`, { v, p })
    expect(await like('Hello World', '%lo w%')).toBe(1)
    expect(await like('100%', '100\\%')).toBe(1)
    expect(await like('1000', '100\\%')).toBe(0)
    expect(await like('a_b', 'a\\_b')).toBe(1)
    expect(await like('axb', 'a\\_b')).toBe(0)
    expect(await like('abc', '%z%', true)).toBe(1)
    const shuffled = await db.all<{ v: number }>(
      `SELECT v FROM (SELECT 1 AS v UNION ALL SELECT 2 AS v UNION ALL SELECT 3 AS v) s ORDER BY ${d.random()}`,
    )
    expect(shuffled.map((r) => r.v).sort()).toEqual([1, 2, 3])
  })

  test('ordering comparisons of JSON values, as SQLite makes them', async () => {
    const d = db.dialect
    const cmp = async (json: string, path: (string | number)[], op: string, v: SqlValue) =>
      one(
        `CASE WHEN ${d.order(op, { sql: d.jsonExtract(`'${json}'`, path), kind: 'value' }, { sql: ':v', kind: typeof v === 'number' ? 'number' : 'text' })} THEN 1 WHEN NOT (${d.order(op, { sql: d.jsonExtract(`'${json}'`, path), kind: 'value' }, { sql: ':v', kind: typeof v === 'number' ? 'number' : 'text' })}) THEN 0 END`,
        { v },
      )
    expect(await cmp('[1,2,3]', [2], '<', 10)).toBe(1)
    expect(await cmp('[1,2,3]', [2], '>', 10)).toBe(0)
    expect(await cmp('[1,2,3]', [0], '>', '0')).toBe(0)
    expect(await cmp('[1,2,3]', [0], '<', '0')).toBe(1)
    expect(await cmp('{"a":"two"}', ['a'], '>', 100)).toBe(1)
    expect(await cmp('{"a":"abc"}', ['a'], '<', 'abd')).toBe(1)
    expect(await cmp('{"a":true}', ['a'], '>', 0)).toBe(1)
    expect(await cmp('{"a":1.5}', ['a'], '>=', 1.5)).toBe(1)
    expect(await cmp('{"a":null}', ['a'], '<', 5)).toBe(null)
    expect(await cmp('{"a":1}', ['b'], '<', 5)).toBe(null)
    // without a JSON side: the plain comparison
    expect(
      await one(
        `CASE WHEN ${d.order('<', { sql: '2', kind: 'value' }, { sql: '10', kind: 'value' })} THEN 1 ELSE 0 END`,
      ),
    ).toBe(1)
  })

  test('JSON helpers', async () => {
    const d = db.dialect
    const obj = '{"a":{"b":[10,{"c":"x"}]},"s":"str"}'
    expect(await one(d.jsonExtract(':j', ['a', 'b', 1, 'c']), { j: obj })).toBe('x')
    expect(await one(d.jsonExtract(':j', ['s']), { j: obj })).toBe('str')
    const flags = '{"ok":true,"no":false,"n":12.5}'
    const holds = async (cond: string) => one(`CASE WHEN ${cond} THEN 1 ELSE 0 END`, { j: flags })
    expect(await holds(d.isSame(d.jsonExtract(':j', ['ok']), '1', false))).toBe(1)
    expect(await holds(`${d.jsonExtract(':j', ['no'])} = 0`)).toBe(1)
    expect(await holds(`${d.jsonExtract(':j', ['n'])} = 12.5`)).toBe(1)
    expect(await one(d.jsonExtract(':j', ['missing']), { j: obj })).toBeNull()
    expect(await one(d.jsonExtract(':j', []), { j: 'not json' })).toBe('not json')
    expect(() => d.jsonExtract(':j', ['a-b'])).toThrow()
    expect(await one(d.jsonArrayLength(':j'), { j: '["a","b","c"]' })).toBe(3)
    expect(await one(d.jsonArrayLength(':j'), { j: '[]' })).toBe(0)
    expect(JSON.parse(String(await one(d.jsonArray(':j', false), { j: '["a"]' })))).toEqual(['a'])
    expect(JSON.parse(String(await one(d.jsonArray(':j', false), { j: 'x' })))).toEqual(['x'])
    expect(JSON.parse(String(await one(d.jsonArray(':j', true), { j: '' })))).toEqual([])
    expect(await one(d.jsonArrayLast(':j'), { j: '["a","b"]' })).toBe('b')
    expect(await one(d.jsonArrayLast(':j'), { j: '[]' })).toBeNull()
    expect(await one(d.jsonArrayLast(':j'), { j: 'x' })).toBe('x')
    const items = await db.all<{ value: unknown }>(
      `SELECT je.value AS value FROM ${d.jsonEach(d.jsonArray(':j', false))} je ORDER BY je.value`,
      { j: '["b","a"]' },
    )
    expect(items.map((r) => r.value)).toEqual(['a', 'b'])
    const scalar = await db.all(`SELECT je.value FROM ${d.jsonEach(d.jsonArray(':j', false))} je`, {
      j: 'solo',
    })
    expect(scalar).toEqual([{ value: 'solo' }])
  })

  test('strftime and geoDistance', async () => {
    const d = db.dialect
    const t = "'2024-03-05 14:07:09.123Z'"
    expect(await one(d.strftime("'%Y-%m-%d %H:00:00'", t, []))).toBe('2024-03-05 14:00:00')
    expect(await one(d.strftime("'%Y-%m-%d %H:%M:%f'", t, []))).toBe('2024-03-05 14:07:09.123')
    expect(await one(d.strftime("'%Y-%m-%d'", t, ["'+1 day'"]))).toBe('2024-03-06')
    expect(await one(d.strftime("'%Y-%m-%d'", t, ["'start of month'"]))).toBe('2024-03-01')
    expect(await one(d.strftime("'%s'", "'2024-01-01 00:00:00.000Z'", []))).toBe('1704067200')
    expect(await one(d.strftime("'%Y'", "'garbage'", []))).toBeNull()
    const km = Number(await one(d.geoDistance('0', '0', '0', '1')))
    expect(km).toBeCloseTo(111.19, 1)
    expect(Number(await one(d.geoDistance(':a', ':a', ':a', ':a'), { a: '12.5' }))).toBe(0)
  })

  test('rowid order, transactions and rollback', async () => {
    const d = db.dialect
    await db.exec(d.createTable('r', ['"k" TEXT']))
    for (const k of ['z', 'a', 'm']) await db.run('INSERT INTO r (k) VALUES (?)', [k])
    const order = await db.all<{ k: string }>(`SELECT k FROM r ORDER BY ${d.rowid('r')} DESC`)
    expect(order.map((r) => r.k)).toEqual(['m', 'a', 'z'])
    await expect(
      db.transaction(async (tx) => {
        await tx.run('INSERT INTO r (k) VALUES (?)', ['gone'])
        expect(tx.inTransaction).toBe(true)
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    const got = await db.transaction(async (tx) => {
      await tx.run('INSERT INTO r (k) VALUES (?)', ['kept'])
      // a failing statement fails alone, as in SQLite: the transaction goes on
      await expect(tx.run('INSERT INTO nope (k) VALUES (?)', ['x'])).rejects.toThrow(/nope/)
      await expect(tx.exec('CREATE TABLE r (k TEXT)')).rejects.toThrow()
      return tx.transaction(async (inner) => (await inner.all('SELECT k FROM r')).length)
    })
    expect(got).toBe(4)
    expect((await db.all('SELECT k FROM r')).length).toBe(4)
  })

  test('a failing statement in a transaction undoes itself only, after reads and writes', async () => {
    await db.exec('CREATE TABLE f (k TEXT UNIQUE)')
    await db.transaction(async (tx) => {
      await tx.run('INSERT INTO f (k) VALUES (?)', ['a'])
      await tx.run('INSERT INTO f (k) VALUES (?)', ['b'])
      await expect(tx.get('SELECT k FROM nope')).rejects.toThrow(/nope/) // a failing read
      expect((await tx.all('SELECT k FROM f')).length).toBe(2)
      await expect(tx.run('INSERT INTO f (k) VALUES (?)', ['a'])).rejects.toThrow() // a failing write
      await expect(tx.run('INSERT INTO f (k) VALUES (?)', ['a'])).rejects.toThrow() // twice
      await tx.runScript("INSERT INTO f (k) VALUES ('c')", { maxRows: 1 })
      await expect(tx.runScript('SELECT * FROM nope', { maxRows: 1 })).rejects.toThrow()
      await tx.exec("INSERT INTO f (k) VALUES ('e')")
      await expect(tx.get('SELECT k FROM nope')).rejects.toThrow(/nope/)
    })
    const rows = await db.all<{ k: string }>('SELECT k FROM f ORDER BY k')
    expect(rows.map((r) => r.k)).toEqual(['a', 'b', 'c', 'e'])
  })

  test('transactions run one at a time, in order', async () => {
    await db.exec('CREATE TABLE s (n INTEGER)')
    await db.run('INSERT INTO s (n) VALUES (0)')
    const bump = () =>
      db.transaction(async (tx) => {
        const row = await tx.get<{ n: number }>('SELECT n FROM s')
        await new Promise((r) => setImmediate(r))
        await tx.run('UPDATE s SET n = ?', [(row?.n ?? 0) + 1])
      })
    await Promise.all([bump(), bump(), bump(), bump(), bump()])
    expect(await db.get('SELECT n FROM s')).toEqual({ n: 5 })
  })

  test('runScript answers the last statement and refuses transaction statements', async () => {
    await db.exec('CREATE TABLE sc (a TEXT, b INTEGER)')
    const w = await db.runScript("INSERT INTO sc (a, b) VALUES ('x', 1), ('y', 2)", { maxRows: 10 })
    expect(w.changes).toBe(2)
    const r = await db.runScript('SELECT a, b FROM sc ORDER BY b; ', { maxRows: 1 })
    expect(r.columns.map((c) => c.name)).toEqual(['a', 'b'])
    expect(r.columns[0]!.type).toBe('TEXT')
    expect(r.rows.length).toBe(1)
    expect(r.rows[0]![0]).toBe('x')
    await expect(db.runScript('BEGIN; SELECT 1', { maxRows: 1 })).rejects.toThrow(/BEGIN/)
    await expect(db.runScript('SELECT * FROM nope', { maxRows: 1 })).rejects.toThrow(/nope/)
  })
})
