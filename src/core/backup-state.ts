import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { type FileLock, tryLockFile } from '../tools/db/sqlite-file.ts'
import type { App } from './app.ts'

/** What a running backup or restore reports (`GET /api/health` → `data.activeBackup`). */
export interface BackupState {
  readonly operation: 'backup' | 'restore'
  /** The backup file name ("" until a generated name is known). */
  readonly name: string
  /** 0–100. */
  readonly progress: number
  /** When it started (ISO 8601). */
  readonly started: string
  /** The process running it. */
  readonly pid: number
}

/** Thrown when a backup or restore is already running (in any process of the data dir). */
export class BackupBusyError extends Error {
  constructor() {
    super('Try again later - another backup/restore operation has already been started.')
    this.name = 'BackupBusyError'
  }
}

/** The text of {@link BackupUnsupportedError}. */
export const POSTGRES_BACKUP_MESSAGE =
  'The app keeps its data in PostgreSQL: back it up with pg_dump (and the storage folder or bucket); pb_data backups hold SQLite files only.'

/** Thrown for a backup or restore of an app whose data is in PostgreSQL (`--db`). */
export class BackupUnsupportedError extends Error {
  constructor() {
    super(POSTGRES_BACKUP_MESSAGE)
    this.name = 'BackupUnsupportedError'
  }
}

/**
 * The backup or restore this process runs, by lock file. NOTE: keyed by data dir, not by app: the
 * lock belongs to the folder, and a restore replaces the app instance while it holds the lock.
 */
const running = new Map<string, BackupOperation>()

/**
 * BackupOperation is the one backup or restore allowed at a time per data dir (PocketBase's
 * `@activeBackup` store key), held across processes (`serve --workers`) through a file lock in
 * `pb_data/.satchel`; the state file beside it lets every process answer `canBackup`.
 */
export class BackupOperation {
  readonly #app: App
  readonly #lock: FileLock
  #state: BackupState
  #lastLogged = -1

  private constructor(app: App, lock: FileLock, state: BackupState) {
    this.#app = app
    this.#lock = lock
    this.#state = state
  }

  /** Takes the lock for `operation`; throws BackupBusyError when another one runs. */
  static begin(app: App, operation: BackupState['operation'], name: string): BackupOperation {
    const dir = app.dataDir
    if (running.has(dir.backupLock)) throw new BackupBusyError()
    mkdirSync(dir.satchel, { recursive: true })
    const lock = tryLockFile(dir.backupLock)
    if (lock === undefined) throw new BackupBusyError()
    const op = new BackupOperation(app, lock, {
      operation,
      name,
      progress: 0,
      started: new Date().toISOString(),
      pid: process.pid,
    })
    running.set(dir.backupLock, op)
    op.#write()
    return op
  }

  /** The current state. */
  get state(): BackupState {
    return this.#state
  }

  /** Records the name once it is known. */
  setName(name: string): void {
    this.#state = { ...this.#state, name }
    this.#write()
  }

  /**
   * Records progress (0–100, rounded down); shared with the other processes and logged at every
   * 10% step.
   */
  progress(percent: number): void {
    const p = Math.max(0, Math.min(100, Math.floor(percent)))
    if (p === this.#state.progress) return
    this.#state = { ...this.#state, progress: p }
    this.#write()
    const step = Math.floor(p / 10) * 10
    if (step > this.#lastLogged) {
      this.#lastLogged = step
      logBackup(this.#app, `${this.#state.operation === 'backup' ? 'Backup' : 'Restore'} ${p}%`, {
        name: this.#state.name,
      })
    }
  }

  /** Releases the lock and removes the state file (idempotent). */
  end(): void {
    const dir = this.#app.dataDir
    if (running.get(dir.backupLock) !== this) return
    running.delete(dir.backupLock)
    rmSync(dir.backupState, { force: true })
    this.#lock.release()
  }

  #write(): void {
    const file = this.#app.dataDir.backupState
    const tmp = `${file}.${process.pid}.tmp`
    try {
      writeFileSync(tmp, JSON.stringify(this.#state))
      renameSync(tmp, file)
    } catch {
      // NOTE: the state file only informs other processes; the lock is what excludes them.
    }
  }
}

/**
 * The backup or restore running on the app's data dir in any process, or undefined. Another
 * process's state counts only while that process is alive (a crash leaves the file behind).
 */
export function activeBackup(app: App): BackupState | undefined {
  const dir = app.dataDir
  const own = running.get(dir.backupLock)
  if (own !== undefined) return own.state
  let state: BackupState
  try {
    state = JSON.parse(readFileSync(dir.backupState, 'utf8')) as BackupState
  } catch {
    return undefined
  }
  if (typeof state.pid !== 'number' || state.pid === process.pid) return undefined
  try {
    process.kill(state.pid, 0)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return undefined
  }
  return state
}

/** Logs a backup/restore message through `app.logger()` (PocketBase logs them the same way). */
export function logBackup(
  app: App,
  message: string,
  data: { [key: string]: unknown } = {},
  level: 'info' | 'error' = 'info',
): void {
  app.logger()[level](message, data)
}
