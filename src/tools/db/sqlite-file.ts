import { stat } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import Database from 'better-sqlite3'

/**
 * The copy of a snapshot, run in a worker thread so the copy neither blocks the event loop nor
 * the app's writes: one backup step copies every page inside one read transaction (WAL lets
 * writers continue meanwhile), so the copy is a consistent snapshot and never restarts because
 * another connection wrote in between steps.
 */
const SNAPSHOT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.module)
const db = new Database(workerData.src, { readonly: true, fileMustExist: true, timeout: 10000 })
db.backup(workerData.dest, {
  progress: (p) => {
    parentPort.postMessage({ totalPages: p.totalPages })
    return 0x7fffffff
  },
}).then(
  () => { db.close(); parentPort.postMessage({ done: true }) },
  (err) => { db.close(); parentPort.postMessage({ error: String(err && err.message || err) }) },
)
`

/**
 * Writes a consistent snapshot of the SQLite database `srcFile` (WAL content included) to the
 * new file `destFile` with SQLite's online backup API, while other connections keep reading and
 * writing. `onProgress` receives a 0–1 fraction now and then. Throws when the source cannot be
 * read or the destination written.
 */
export async function snapshotSqlite(
  srcFile: string,
  destFile: string,
  onProgress?: (fraction: number) => void,
): Promise<void> {
  let module: string
  try {
    module = createRequire(import.meta.url).resolve('better-sqlite3')
  } catch {
    // NOTE: bundled builds have no resolvable module path: copy on this thread instead (the
    // backup API then steps between other work and restarts after foreign writes).
    const db = new Database(srcFile, { readonly: true, fileMustExist: true, timeout: 10_000 })
    try {
      await db.backup(destFile, {
        progress: (p) => {
          onProgress?.(p.totalPages > 0 ? 1 - p.remainingPages / p.totalPages : 0)
          return 1024
        },
      })
    } finally {
      db.close()
    }
    onProgress?.(1)
    return
  }
  const worker = new Worker(SNAPSHOT_WORKER, {
    eval: true,
    workerData: { module, src: srcFile, dest: destFile },
  })
  let totalBytes = 0
  const pageSize = await readPageSize(srcFile)
  // The destination grows as pages are copied; its size against the source's is the progress.
  const timer = setInterval(() => {
    if (totalBytes <= 0) return
    stat(destFile).then(
      (st) => onProgress?.(Math.min(0.99, st.size / totalBytes)),
      () => undefined,
    )
  }, 250)
  try {
    await new Promise<void>((resolve, reject) => {
      worker.on('message', (msg: { totalPages?: number; done?: boolean; error?: string }) => {
        if (msg.totalPages !== undefined) totalBytes = msg.totalPages * pageSize
        if (msg.done) resolve()
        if (msg.error !== undefined) reject(new Error(msg.error))
      })
      worker.once('error', reject)
      worker.once('exit', (code) => {
        reject(new Error(`The snapshot worker exited with code ${code}.`))
      })
    })
  } finally {
    clearInterval(timer)
    await worker.terminate()
  }
  onProgress?.(1)
}

async function readPageSize(file: string): Promise<number> {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    return Number(db.pragma('page_size', { simple: true })) || 4096
  } finally {
    db.close()
  }
}

/**
 * Checks that `file` is a readable, uncorrupted SQLite database (`PRAGMA integrity_check`).
 * Throws an Error saying what is wrong (not a database, or the first integrity problem).
 */
export function checkSqliteFile(file: string): void {
  let db: Database.Database
  try {
    db = new Database(file, { fileMustExist: true, timeout: 10_000 })
  } catch (err) {
    throw new Error(`Cannot open ${file}: ${(err as Error).message}`, { cause: err })
  }
  try {
    const result = db.pragma('integrity_check(1)', { simple: true })
    if (result !== 'ok') throw new Error(`The database failed the integrity check: ${result}`)
  } catch (err) {
    throw new Error(`The database is not valid: ${(err as Error).message}`, { cause: err })
  } finally {
    db.close()
  }
}

/** A held {@link tryLockFile} lock. */
export interface FileLock {
  /** Releases the lock (idempotent). */
  release(): void
}

/**
 * Takes an exclusive lock shared by every process on this machine, using the SQLite file at
 * `path` (created when missing) and its file locks: returns undefined at once when another
 * connection holds it. The operating system drops the lock when the holder dies, so a crash
 * never leaves it stuck.
 */
export function tryLockFile(path: string): FileLock | undefined {
  const db = new Database(path, { timeout: 0 })
  try {
    db.exec('BEGIN EXCLUSIVE')
  } catch (err) {
    db.close()
    if ((err as { code?: string }).code === 'SQLITE_BUSY') return undefined
    throw err
  }
  let held = true
  return {
    release() {
      if (!held) return
      held = false
      try {
        db.exec('ROLLBACK')
      } finally {
        db.close()
      }
    },
  }
}
