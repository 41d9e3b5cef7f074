// Two handles on one file stand for two `serve --workers` processes: SQLite's write lock is the
// same between connections of one process as between processes. A writer that finds the lock
// taken waits without freezing its event loop (no sleep in SQLite's busy handler).
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { Db } from './db.ts'
import { openSqlite } from './sqlite.ts'

describe('the write lock between two handles of one file', () => {
  let dir: string
  let a: Db
  let b: Db
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'satchel-db-lock-'))
    a = openSqlite(join(dir, 'data.db'))
    await a.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, who TEXT NOT NULL)')
    b = openSqlite(join(dir, 'data.db'), { busyTimeoutMs: 2000 })
  })
  afterEach(async () => {
    await a.close()
    await b.close()
    rmSync(dir, { recursive: true, force: true })
  })

  /** A transaction of `a` that holds the lock until `release` is called. */
  async function holdLock(): Promise<{ release: () => void; done: Promise<void> }> {
    let release!: () => void
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    let entered!: () => void
    const inside = new Promise<void>((resolve) => {
      entered = resolve
    })
    const done = a.transaction(async (tx) => {
      await tx.run("INSERT INTO t (who) VALUES ('a')")
      entered()
      await gate
    })
    await inside
    return { release, done }
  }

  test('a write waits for the other handle without blocking the event loop, then lands', async () => {
    const held = await holdLock()
    let ticks = 0
    const timer = setInterval(() => ticks++, 5)
    let landed = false
    const run = b.run("INSERT INTO t (who) VALUES ('b-run')").then(() => {
      landed = true
    })
    const tx = b.transaction(async (t) => {
      await t.run("INSERT INTO t (who) VALUES ('b-tx')")
      return t.get<{ n: number }>('SELECT COUNT(*) AS n FROM t')
    })
    // the event loop keeps running while b waits: timers fire, nothing lands yet
    while (ticks < 10) await new Promise((r) => setTimeout(r, 5))
    expect(landed).toBe(false)
    held.release()
    await held.done
    await run
    expect(await tx).toEqual({ n: 3 })
    clearInterval(timer)
    expect(await a.all('SELECT who FROM t ORDER BY id')).toEqual([
      { who: 'a' },
      { who: 'b-run' },
      { who: 'b-tx' },
    ])
  })

  test('concurrent writes from both handles all land, none fails with SQLITE_BUSY', async () => {
    const writes: Promise<unknown>[] = []
    for (let i = 0; i < 200; i++) {
      const db = i % 2 === 0 ? a : b
      writes.push(
        i % 4 < 2
          ? db.run('INSERT INTO t (who) VALUES (?)', [`run-${i}`])
          : db.transaction(async (tx) => {
              await tx.run('INSERT INTO t (who) VALUES (?)', [`tx-${i}`])
              // a transaction that awaits (a hook, an upload) keeps the lock meanwhile
              await new Promise((r) => setImmediate(r))
              await tx.run('UPDATE t SET who = who || ? WHERE who = ?', ['!', `tx-${i}`])
            }),
      )
    }
    const results = await Promise.allSettled(writes)
    expect(results.filter((r) => r.status === 'rejected')).toEqual([])
    expect(await b.get('SELECT COUNT(*) AS n FROM t')).toEqual({ n: 200 })
    expect(await b.get("SELECT COUNT(*) AS n FROM t WHERE who LIKE 'tx-%!'")).toEqual({ n: 100 })
  })

  test('after busyTimeoutMs the waiting write fails with SQLITE_BUSY and changes nothing', async () => {
    const quick = openSqlite(join(dir, 'data.db'), { busyTimeoutMs: 60 })
    try {
      const held = await holdLock()
      const started = performance.now()
      await expect(quick.run("INSERT INTO t (who) VALUES ('late')")).rejects.toMatchObject({
        code: 'SQLITE_BUSY',
      })
      await expect(quick.transaction(async () => 1)).rejects.toMatchObject({
        code: 'SQLITE_BUSY',
      })
      expect(performance.now() - started).toBeGreaterThanOrEqual(100)
      held.release()
      await held.done
      // the handle works again once the lock is free
      await quick.run("INSERT INTO t (who) VALUES ('after')")
      expect(await quick.all('SELECT who FROM t ORDER BY id')).toEqual([
        { who: 'a' },
        { who: 'after' },
      ])
    } finally {
      await quick.close()
    }
  })

  test('opening waits in the busy handler while another connection holds the file locked', async () => {
    // another process creating the same data dir at the same moment (two workers booting)
    const file = join(dir, 'fresh.db')
    const locker = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads')
       const db = new (require(workerData.module))(workerData.file)
       db.exec('BEGIN EXCLUSIVE')
       db.exec('CREATE TABLE x (id INTEGER)')
       parentPort.postMessage('locked')
       Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300)
       db.exec('COMMIT')
       db.close()`,
      {
        eval: true,
        workerData: { module: createRequire(import.meta.url).resolve('better-sqlite3'), file },
      },
    )
    await new Promise((resolve) => locker.once('message', resolve))
    const late = openSqlite(file)
    try {
      await late.run('INSERT INTO x (id) VALUES (1)')
      expect(await late.all('SELECT id FROM x')).toEqual([{ id: 1 }])
    } finally {
      await late.close()
      await locker.terminate()
    }
  })
})
