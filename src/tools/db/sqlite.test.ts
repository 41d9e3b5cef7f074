import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { Db } from './db.ts'
import { openSqlite } from './sqlite.ts'

describe('openSqlite', () => {
  let dir: string
  let db: Db
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'satchel-db-'))
    db = openSqlite(join(dir, 'data.db'))
    await db.exec('CREATE TABLE t (id TEXT PRIMARY KEY, n NUMERIC, b BOOLEAN)')
  })
  afterEach(async () => {
    await db.close()
    rmSync(dir, { recursive: true, force: true })
  })

  test('binds positional and named params, booleans as 1/0', async () => {
    await db.run('INSERT INTO t (id, n, b) VALUES (?, ?, ?)', ['a', 1.5, true])
    await db.run('INSERT INTO t (id, n, b) VALUES (:id, :n, :b)', { id: 'b', n: 2, b: false })
    expect(await db.all('SELECT id, n, b FROM t ORDER BY id')).toEqual([
      { id: 'a', n: 1.5, b: 1 },
      { id: 'b', n: 2, b: 0 },
    ])
    expect(await db.get('SELECT id FROM t WHERE id = ?', ['zz'])).toBeUndefined()
  })

  test('uses WAL and PocketBase pragmas', async () => {
    expect(await db.get('PRAGMA journal_mode')).toEqual({ journal_mode: 'wal' })
    expect(await db.get('PRAGMA foreign_keys')).toEqual({ foreign_keys: 1 })
  })

  test('rolls back a failed transaction and hides uncommitted rows from readers', async () => {
    let seenByReader: unknown
    await expect(
      db.transaction(async (tx) => {
        await tx.run('INSERT INTO t (id) VALUES (?)', ['x'])
        seenByReader = await db.get('SELECT id FROM t WHERE id = ?', ['x'])
        expect(await tx.get('SELECT id FROM t WHERE id = ?', ['x'])).toEqual({ id: 'x' })
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    expect(seenByReader).toBeUndefined()
    expect(await db.all('SELECT id FROM t')).toEqual([])
  })

  test('serialises concurrent transactions that await in between', async () => {
    const order: string[] = []
    const slow = (name: string) =>
      db.transaction(async (tx) => {
        order.push(`${name}:start`)
        await new Promise((r) => setTimeout(r, 10))
        await tx.run('INSERT INTO t (id) VALUES (?)', [name])
        order.push(`${name}:end`)
      })
    await Promise.all([slow('a'), slow('b'), db.run('INSERT INTO t (id) VALUES (?)', ['c'])])
    expect(order).toEqual(['a:start', 'a:end', 'b:start', 'b:end'])
    expect((await db.all('SELECT id FROM t ORDER BY rowid')).map((r) => r.id)).toEqual([
      'a',
      'b',
      'c',
    ])
  })

  test('a transaction handle refuses use after the transaction ended', async () => {
    let leaked: Db | undefined
    await db.transaction(async (tx) => {
      leaked = tx
    })
    await expect(leaked!.get('SELECT 1')).rejects.toThrow('already finished')
  })
})
