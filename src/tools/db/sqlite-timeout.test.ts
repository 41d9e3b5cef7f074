import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type Db, type Params, QueryTimeoutError } from './db.ts'
import { renderSql } from './sql-log.ts'
import { openSqlite } from './sqlite.ts'

// An endless result: without the timeout this query never returns.
const ENDLESS = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c'

describe('openSqlite queryTimeoutMs / onQuery', () => {
  let dir: string
  let db: Db
  const logged: [string, Params | undefined, number][] = []
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'satchel-db-timeout-'))
    db = openSqlite(join(dir, 'data.db'), {
      queryTimeoutMs: 100,
      onQuery: (sql, params, ms) => logged.push([sql, params, ms]),
    })
    await db.exec('CREATE TABLE t (id TEXT PRIMARY KEY)')
  })
  afterAll(async () => {
    await db.close()
    rmSync(dir, { recursive: true, force: true })
  })

  test('an unbounded result is cut off between rows with QueryTimeoutError', async () => {
    const started = performance.now()
    await expect(db.all(ENDLESS)).rejects.toBeInstanceOf(QueryTimeoutError)
    expect(performance.now() - started).toBeLessThan(5000)
    // the statement was reset: the connection keeps working, the same SQL too
    expect(await db.all(`${ENDLESS} LIMIT 3`)).toEqual([{ x: 1 }, { x: 2 }, { x: 3 }])
    await expect(db.all(ENDLESS)).rejects.toThrow('The query exceeded the 0.1 s query timeout.')
  })

  test('inside a transaction too', async () => {
    await expect(db.transaction((tx) => tx.all(ENDLESS))).rejects.toBeInstanceOf(QueryTimeoutError)
    await db.run('INSERT INTO t (id) VALUES (?)', ['a'])
    expect(await db.all('SELECT id FROM t')).toEqual([{ id: 'a' }])
  })

  test('onQuery sees every statement with its parameters and duration', async () => {
    logged.length = 0
    await db.get('SELECT id FROM t WHERE id = ?', ['a'])
    await db.run('DELETE FROM t WHERE id = :id', { id: 'zz' })
    expect(logged.map(([sql, params]) => renderSql(sql, params))).toEqual([
      "SELECT id FROM t WHERE id = 'a'",
      "DELETE FROM t WHERE id = 'zz'",
    ])
    for (const [, , ms] of logged) expect(ms).toBeGreaterThanOrEqual(0)
  })
})

describe('renderSql', () => {
  test.each([
    ['SELECT ? , ?', ["a'b", 2], "SELECT 'a''b' , 2"],
    ['SELECT ?, ?, ?', [true, null, 10n], 'SELECT TRUE, NULL, 10'],
    ["SELECT '?', `a?`, [b?], ?", [1], "SELECT '?', `a?`, [b?], 1"],
    ['SELECT :a, :b, ":a"', { a: 'x', b: new Uint8Array([1, 255]) }, "SELECT 'x', X'01ff', \":a\""],
    ['SELECT :missing', { a: 1 }, 'SELECT :missing'],
  ] as [string, Params, string][])('%s', (sql, params, expected) => {
    expect(renderSql(sql, params)).toBe(expected)
  })
})
