import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { apiScenarios } from '../tests/api-scenario.ts'
import { TestApp } from '../tests/test-app.ts'
import { cellText, goFloat, goTimeText } from './sql.ts'

// Every expected body below is what PocketBase 0.40.4 answered for the same query (execTime
// aside), unless a test says Satchel differs on purpose.

describe('POST /api/sql (access)', () => {
  apiScenarios([
    {
      name: 'guest',
      method: 'POST',
      url: '/api/sql',
      body: { query: 'select 1' },
      expectedStatus: 401,
      expectedContent: ['"message":"The request requires valid record authorization token."'],
    },
    {
      name: 'user',
      method: 'POST',
      url: '/api/sql',
      body: { query: 'select 1' },
      headers: async (app) => ({
        Authorization: (
          await app.createAuthRecord('users', { email: 'u@example.com', password: '1234567890' })
        ).token,
      }),
      expectedStatus: 403,
      expectedContent: ['"message":"The authorized record is not allowed to perform this action."'],
    },
  ])
})

describe('POST /api/sql (superuser)', () => {
  let app: TestApp
  let token: string

  beforeAll(async () => {
    app = await TestApp.create()
    token = (await app.createSuperuser()).token
  })
  afterAll(async () => {
    await app.cleanup()
  })

  async function sql(query: unknown, init: { raw?: string; type?: string } = {}) {
    const headers: { [k: string]: string } = { Authorization: token }
    let body: object | string = { query }
    if (init.raw !== undefined) {
      body = init.raw
      headers['content-type'] = init.type ?? 'application/json'
    }
    const res = await app.request('POST', '/api/sql', { headers, body })
    const json = (await res.json()) as { [k: string]: unknown }
    if (typeof json.execTime === 'number') json.execTime = 0
    return { status: res.status, body: json }
  }

  const ok = (columns: [string, string][], rows: (string | null)[][]) => ({
    status: 200,
    body: {
      execTime: 0,
      affectedRows: 0,
      columns: columns.map(([name, type]) => ({ name, type, nullable: true })),
      rows,
    },
  })
  const written = (affectedRows: number) => ({
    status: 200,
    body: { execTime: 0, affectedRows, columns: [], rows: [] },
  })
  const failed = (raw: string) => ({
    status: 400,
    body: { data: {}, message: `Failed to execute query. Raw error:\n${raw}`, status: 400 },
  })
  const invalid = (data: object) => ({
    status: 400,
    body: { data, message: 'An error occurred while validating the submitted data.', status: 400 },
  })
  const loadError = {
    status: 400,
    body: { data: {}, message: 'An error occurred while loading the submitted data.', status: 400 },
  }

  test('read query: every cell a string or null, Go formatting of numbers and blobs', async () => {
    expect(await sql('select 1')).toEqual(ok([['1', '']], [['1']]))
    expect(
      await sql(
        "SELECT 1 AS a, 'x' AS b, NULL AS c, 1.5 AS d, x'00ff' AS e, 9223372036854775807 AS big",
      ),
    ).toEqual(
      ok(
        ['a', 'b', 'c', 'd', 'e', 'big'].map((n) => [n, '']),
        [['1', 'x', null, '1.5', '\u0000\ufffd', '9223372036854775807']],
      ),
    )
    const r = await sql(
      'select 1e300*1e300, -0.0, 0.1+0.2, 1e20, 123456789012345678901234567890, 2.0, 1e-7, 1234567.0, 100000.0, 0.0001, 0.00001, 123456.7',
    )
    expect((r.body.rows as string[][])[0]).toEqual([
      '+Inf',
      '-0',
      '0.30000000000000004',
      '1e+20',
      '1.2345678901234568e+29',
      '2',
      '1e-07',
      '1.234567e+06',
      '100000',
      '0.0001',
      '1e-05',
      '123456.7',
    ])
  })

  test('validation and load errors', async () => {
    expect(await sql('')).toEqual(
      invalid({ query: { code: 'validation_required', message: 'Cannot be blank.' } }),
    )
    expect(await sql(null)).toEqual(
      invalid({ query: { code: 'validation_required', message: 'Cannot be blank.' } }),
    )
    expect(await sql(undefined, { raw: '' })).toEqual(
      invalid({ query: { code: 'validation_required', message: 'Cannot be blank.' } }),
    )
    const tooLong = invalid({
      query: {
        code: 'validation_length_too_long',
        message: 'The length must be no more than 5000.',
        params: { max: 5000, min: 0 },
      },
    })
    expect(await sql(`select 1${' '.repeat(4992)}`)).toEqual(ok([['1', '']], [['1']]))
    expect(await sql(`select 1${' '.repeat(4993)}`)).toEqual(tooLong)
    // PocketBase counts bytes: 5000 characters with one 2-byte "é" is too long
    expect(await sql(`select 'é'${' '.repeat(4990)}`)).toEqual(tooLong)
    expect((await sql(`select 'é'${' '.repeat(4989)}`)).status).toBe(200)
    expect(await sql(1)).toEqual(loadError)
    expect(await sql(undefined, { raw: '{bad' })).toEqual(loadError)
    expect(await sql(undefined, { raw: '[]' })).toEqual(loadError)
    expect(
      await sql(undefined, { raw: 'query=select+7', type: 'application/x-www-form-urlencoded' }),
    ).toEqual(ok([['7', '']], [['7']]))
    expect(await sql('   ')).toEqual(failed('empty query.'))
  })

  test('driver errors are raw, worded like the Go driver', async () => {
    expect(await sql('selec 1')).toEqual(failed('SQL logic error: near "selec": syntax error (1).'))
    expect(await sql('select * from nope')).toEqual(
      failed('SQL logic error: no such table: nope (1).'),
    )
    expect(await sql('select 1; selec 2')).toEqual(
      failed('SQL logic error: near "selec": syntax error (1).'),
    )
    expect(await sql('select abs(-9223372036854775808)')).toEqual(
      failed('SQL logic error: integer overflow (1).'),
    )
    expect(await sql('select 1; select 2 union select')).toEqual(
      failed('SQL logic error: incomplete input (1).'),
    )
    expect(await sql('select ?')).toEqual(failed('missing argument with index 1.'))
    expect(await sql('select :x')).toEqual(failed('missing named argument "x".'))
  })

  test('write queries: one transaction, affectedRows of the last statement, no rows', async () => {
    expect(
      (
        await sql(
          'create table t1 (id integer primary key, name text not null unique, d datetime, e date, f timestamp, vc varchar(255), b bool)',
        )
      ).status,
    ).toBe(200)
    expect(
      await sql(
        "insert into t1 (name, d, e, f) values ('a', '2024-01-02 03:04:05.678Z', '2024-01-02', '2024-01-02T03:04:05Z'), ('b', 1700000000, 'x', 12.5)",
      ),
    ).toEqual(written(2))
    expect(await sql("  insert into t1 (name) values ('c')")).toEqual(written(1))
    expect(await sql("insert into t1 (name) values ('a')")).toEqual(
      failed('constraint failed: UNIQUE constraint failed: t1.name (2067).'),
    )
    // the first insert is rolled back with the failing second one
    expect(
      await sql("insert into t1 (name) values ('d'); insert into t1 (name) values ('a')"),
    ).toEqual(failed('constraint failed: UNIQUE constraint failed: t1.name (2067).'))
    expect(
      await sql("insert into t1 (name) values ('d'); insert into t1 (name) values ('e')"),
    ).toEqual(written(1))
    expect(await sql("insert into t1 (name) values ('f'); select * from t1")).toEqual(written(1))
    expect(await sql('update t1 set b = 1')).toEqual(written(6))
    expect(await sql("replace into t1 (id, name) values (6, 'ff')")).toEqual(written(1))
    expect(await sql("delete from t1 where name = 'ff'")).toEqual(written(1))
    expect(await sql('select count(*) from t1')).toEqual(ok([['count(*)', '']], [['5']]))
  })

  test('column types are the declared ones; time columns are read as times', async () => {
    expect(await sql("select id, name, d, e, f, vc, b, name || '' as x from t1 limit 2")).toEqual(
      ok(
        [
          ['id', 'INTEGER'],
          ['name', 'TEXT'],
          ['d', 'DATETIME'],
          ['e', 'DATE'],
          ['f', 'TIMESTAMP'],
          ['vc', 'VARCHAR(255)'],
          ['b', 'BOOL'],
          ['x', ''],
        ],
        [
          [
            '1',
            'a',
            '2024-01-02T03:04:05.678Z',
            '2024-01-02T00:00:00Z',
            '2024-01-02T03:04:05Z',
            null,
            '1',
            'a',
          ],
          ['2', 'b', '1700000000', 'x', '12.5', null, '1', 'b'],
        ],
      ),
    )
    const su = await sql('select * from _superusers')
    expect(su.body.columns).toEqual(
      [
        ['created', 'TEXT'],
        ['email', 'TEXT'],
        ['emailVisibility', 'BOOLEAN'],
        ['id', 'TEXT'],
        ['password', 'TEXT'],
        ['tokenKey', 'TEXT'],
        ['updated', 'TEXT'],
        ['verified', 'BOOLEAN'],
      ].map(([name, type]) => ({ name, type, nullable: true })),
    )
    expect((su.body.rows as string[][])[0]?.[1]).toBe('admin@example.com')
  })

  test('several statements: the last one answers; reads are not transactional', async () => {
    expect(await sql('select 1; select 2')).toEqual(ok([['2', '']], [['2']]))
    expect(await sql('select 1;;')).toEqual(ok([['1', '']], [['1']]))
    expect(await sql(';')).toEqual(ok([], []))
    // SQLite names the column by its text, the trailing comment included
    expect(await sql("select 'a;b' -- ; trailing")).toEqual(
      ok([["'a;b' -- ; trailing", '']], [['a;b']]),
    )
    expect(await sql('select 1; -- x')).toEqual(ok([['1', '']], [['1']]))
    expect(await sql('-- note\nselect 5')).toEqual(ok([['5', '']], [['5']]))
    // not a write prefix, so the read path, which still runs it (as PocketBase does)
    expect(await sql("select 1; insert into t1 (name) values ('r')")).toEqual(ok([], []))
    expect(await sql("with x as (select 1) insert into t1 (name) select 'w' from x")).toEqual(
      ok([], []),
    )
    expect(await sql("/* c */ insert into t1 (name) values ('k')")).toEqual(ok([], []))
    // statements run in turn: the insert stays although the next statement fails
    expect(await sql("/* c */ insert into t1 (name) values ('k2'); selec")).toEqual(
      failed('SQL logic error: near "selec": syntax error (1).'),
    )
    expect(await sql("select count(*) from t1 where name = 'k2'")).toEqual(
      ok([['count(*)', '']], [['1']]),
    )
    expect(await sql("select count(*) from t1 where name in ('r', 'w', 'k')")).toEqual(
      ok([['count(*)', '']], [['3']]),
    )
    expect(await sql('pragma user_version = 7')).toEqual(ok([], []))
    expect(await sql('pragma user_version')).toEqual(ok([['user_version', '']], [['7']]))
    // a trigger body holds `;`s
    expect(
      (
        await sql(
          "create trigger tr after insert on t1 begin update t1 set vc = 'trig' where id = new.id; end; insert into t1 (name) values ('tt')",
        )
      ).status,
    ).toBe(200)
    expect(await sql("select vc from t1 where name = 'tt'")).toEqual(
      ok([['vc', 'VARCHAR(255)']], [['trig']]),
    )
  })

  test('?fields= picks keys', async () => {
    const res = await app.request('POST', '/api/sql?fields=rows,execTime', {
      headers: { Authorization: token },
      body: { query: 'select 1' },
    })
    expect(Object.keys((await res.json()) as object)).toEqual(['execTime', 'rows'])
    const cols = await app.request('POST', '/api/sql?fields=columns.name', {
      headers: { Authorization: token },
      body: { query: 'select 1' },
    })
    expect(await cols.json()).toEqual({ columns: [{ name: '1' }] })
  })

  test('at most 1000 rows', async () => {
    const r = await sql(
      'with recursive c(x) as (select 1 union all select x+1 from c where x < 1500) select x from c',
    )
    expect(r.status).toBe(200)
    const rows = r.body.rows as string[][]
    expect(rows).toHaveLength(1000)
    expect(rows[999]).toEqual(['1000'])
  })

  test('Satchel refuses transaction statements (PocketBase runs them on a pooled connection)', async () => {
    // PocketBase commits the insert here, then reports `cannot commit - no transaction is active`
    expect(await sql("insert into t1 (name) values ('z'); commit")).toEqual(
      failed('COMMIT is not allowed here: the console runs each query in its own transaction.'),
    )
    expect(await sql("select count(*) from t1 where name = 'z'")).toEqual(
      ok([['count(*)', '']], [['0']]),
    )
    expect((await sql('begin')).status).toBe(400)
    expect((await sql('select 1; rollback')).status).toBe(400)
    expect(await sql('vacuum')).toEqual(ok([], []))
  })

  test('the collection cache follows raw writes (PocketBase keeps serving the old rule)', async () => {
    await app.createAuthRecord('users', { email: 'c@example.com', password: '1234567890' })
    const list = () => app.request('GET', '/api/collections/users/records')
    expect(((await (await list()).json()) as { totalItems: number }).totalItems).toBe(0)
    expect(await sql("update _collections set listRule = '' where name = 'users'")).toEqual(
      written(1),
    )
    expect(((await (await list()).json()) as { totalItems: number }).totalItems).toBe(1)
    expect(app.findCollection('users')?.listRule).toBe('')
  })
})

describe('Go driver cell formatting', () => {
  test.each([
    [0, '0'],
    [-0, '-0'],
    [1.5, '1.5'],
    [-2.25, '-2.25'],
    [999999, '999999'],
    [1e6, '1e+06'],
    [1.5e21, '1.5e+21'],
    [0.0001, '0.0001'],
    [0.000123, '0.000123'],
    [1.23e-5, '1.23e-05'],
    [5e-324, '5e-324'],
    [Number.MAX_VALUE, '1.7976931348623157e+308'],
    [Number.NaN, 'NaN'],
    [-Infinity, '-Inf'],
  ])('goFloat(%s) = %s', (f, text) => {
    expect(goFloat(f)).toBe(text)
  })

  test.each([
    ['2024-01-02 03:04:05.678Z', '2024-01-02T03:04:05.678Z'],
    ['2024-01-02T03:04:05.100000000', '2024-01-02T03:04:05.1Z'],
    ['2024-01-02 03:04:05+02:00', '2024-01-02T03:04:05+02:00'],
    ['2024-01-02 03:04:05-00:00', '2024-01-02T03:04:05Z'],
    ['2024-01-02 03:04', '2024-01-02T03:04:00Z'],
    ['2024-01-02', '2024-01-02T00:00:00Z'],
    ['2024-02-30', undefined],
    ['2024-01-02 03:04+02:00', undefined],
    ['2024-01-02 24:00:00', undefined],
    ['x', undefined],
  ])('goTimeText(%j) = %j', (text, expected) => {
    expect(goTimeText(text)).toBe(expected)
  })

  test('time columns only: DATE, DATETIME, TIMESTAMP', () => {
    expect(cellText('2024-01-02', 'DATE')).toBe('2024-01-02T00:00:00Z')
    expect(cellText('2024-01-02', 'TEXT')).toBe('2024-01-02')
    expect(cellText('2024-01-02', 'DATETIME(3)')).toBe('2024-01-02')
    expect(cellText(17n, 'DATETIME')).toBe('17')
    expect(cellText(null, 'DATE')).toBeNull()
  })
})
