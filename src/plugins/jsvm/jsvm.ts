import { readFileSync } from 'node:fs'
import type { App } from '../../core/app.ts'
import { JsBinds } from './binds.ts'
import { locationOf } from './errors.ts'
import { JsvmPool } from './pool.ts'

/**
 * True when a `.pb.js` file is one of PocketBase's JS hooks scripts (globals such as `routerAdd`
 * and `$app`, no `import`/`export` statement) rather than an ES module exporting `hooks(app)`.
 */
export function isPocketBaseScript(source: string): boolean {
  return !/^\s*(import\s*[\w{*'"]|export\s)/m.test(source)
}

/** A hooks script that failed to load: where and why. */
export interface ScriptFailure {
  /** `path:line` of the failure (the script or a module it requires), else the file. */
  readonly location: string
  readonly message: string
  readonly error: unknown
}

/**
 * The PocketBase JS hooks runtime of one app (PocketBase's `plugins/jsvm`): a pool of worker
 * threads (`--hooksPool`, started on demand) running `pb_hooks/*.pb.js` scripts with
 * PocketBase's globals and synchronous semantics. Each script's top level runs once, in a
 * context of its own; the handlers it binds (`routerAdd`, `onRecordCreate(…)`, `cronAdd`…) are
 * re-evaluated from their source in the workers' handler context, so — as in PocketBase — a
 * handler does not see its file's top-level variables (`require(`${__hooks}/utils.js`)` inside
 * the handler is the way to share code). Handlers are bound to the same App hooks TypeScript
 * hooks use. The workers stop when the app terminates.
 */
export class JsHooks {
  readonly #pool: JsvmPool
  readonly #binds: JsBinds

  private constructor(pool: JsvmPool) {
    this.#pool = pool
    this.#binds = new JsBinds(pool)
    pool.binds = this.#binds
    pool.app.onTerminate.bind(async (e) => {
      await e.next()
      await pool.close()
    })
  }

  /** The runtime for `app`'s hooks folder `hooksDir`, with at most `size` workers. */
  static start(app: App, hooksDir: string, size = app.config.hooksPool ?? 15): JsHooks {
    return new JsHooks(new JsvmPool(app, hooksDir, size))
  }

  /**
   * Runs the top level of the script `file`; resolves with its failure (file:line and message)
   * when it throws, after which the binds it made before throwing stay, as in PocketBase. Binds
   * to hooks the App lacks are reported the same way, the rest of the file still loads.
   */
  async load(file: string): Promise<ScriptFailure[]> {
    const before = this.#binds.unsupported.length
    const failures: ScriptFailure[] = []
    try {
      await this.#pool.run(() => ({ kind: 'load', file }))
    } catch (err) {
      const location = locationOf(err) ?? file
      failures.push({
        location,
        message: err instanceof Error ? err.message : String(err),
        error: err,
      })
    }
    for (const u of this.#binds.unsupported.slice(before)) {
      failures.push({ location: `${u.file}:${u.line}`, message: u.message, error: undefined })
    }
    return failures
  }

  /** Stops the workers. */
  close(): Promise<void> {
    return this.#pool.close()
  }
}

/** A JS migration's functions, run against the app (or transaction) they are given. */
export interface JsMigration {
  up(app: App): Promise<void>
  down(app: App): Promise<void>
}

/**
 * Loads a PocketBase JS migration (`pb_migrations/*.js`: `migrate((app) => {…}, (app) => {…})`)
 * as async functions of the App: each call evaluates the file in a fresh JSVM context (on the
 * process's migrations worker) and runs the chosen function with `app` (usually a transaction-bound app)
 * as its argument and as `$app`. Everything it does goes through that app, so a migration that
 * throws rolls back with the caller's transaction. Throws (when called) the migration's error;
 * `down` of a file without one does nothing.
 *
 * @example
 * const m = loadJsMigration('/app/pb_migrations/1700000000_create_posts.js')
 * await app.runInTransaction((tx) => m.up(tx))
 */
export function loadJsMigration(file: string): JsMigration {
  readFileSync(file) // fail early on a missing file
  const run = async (app: App, dir: 'up' | 'down') => {
    migrations ??= new JsvmPool(app, app.config.hooksDir ?? '', 1)
    const pool = migrations
    const { handle, release } = pool.handleOf(app)
    try {
      await pool.run(() => ({ kind: 'migrate', file, dir, app: handle }))
    } finally {
      release()
    }
  }
  return { up: (app) => run(app, 'up'), down: (app) => run(app, 'down') }
}

// NOTE: one worker for every JS migration of the process (starting one costs about a second);
// it does not keep the process alive while idle.
let migrations: JsvmPool | undefined
