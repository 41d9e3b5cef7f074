import { resolve } from 'node:path'
import { type RunningServer, type ServeOptions, startServer } from './apis/serve.ts'
import { App } from './core/app.ts'
import './migrations/index.ts'
import { formatHooksFailure, type HooksLoadFailure, loadHooks } from './plugins/hooks-loader.ts'
import { runAppMigrations } from './plugins/migrations-loader.ts'

/** Options of `new Satchel(…)` (the library form of the `satchel` command's global flags). */
export interface SatchelOptions {
  /** The data folder (`pb_data`); created when missing. */
  readonly dataDir: string
  /** Verbose logging (SQL statements to stderr), like `--dev`. Default false. */
  readonly dev?: boolean
  /** The 32-character key that encrypts the stored settings (`--encryptionEnv`'s value). */
  readonly encryptionKey?: string
  /** Default SELECT timeout in seconds (`--queryTimeout`); 0 disables it. Default 30. */
  readonly queryTimeout?: number
  /**
   * A `pb_hooks`-style folder whose `*.pb.ts`/`*.pb.js` files are loaded (each exporting
   * `hooks(app)`) before the first bootstrap. Default: none (bind hooks in code instead).
   */
  readonly hooksDir?: string
  /**
   * A `pb_migrations`-style folder whose pending `*.ts` (and PocketBase `*.js`) migrations
   * `start()` applies after the bootstrap, like `serve`. Default: none.
   */
  readonly migrationsDir?: string
}

/** Options of `Satchel.start`: where and how to serve. */
export type SatchelServeOptions = Omit<ServeOptions, 'routes' | 'installer'>

/**
 * Satchel is the app to embed or extend (PocketBase's `pocketbase.New()`): an `App` with every
 * hook and query, plus `start()` to serve the PocketBase-compatible API. Bind hooks before
 * `bootstrap()`/`start()`; custom routes go in `onServe`.
 *
 * @example
 * import { Satchel, requireAuth } from 'satchel'
 *
 * const app = new Satchel({ dataDir: './pb_data' })
 * app.onRecordCreate('posts').bind(async (e) => {
 *   e.record.set('status', 'draft')
 *   await e.next()
 * })
 * app.onServe.bind(async (e) => {
 *   e.router.get('/api/hello/{name}', (e) => e.json(200, { hello: e.pathValue('name') }))
 *   e.router.get('/api/me', (e) => e.json(200, e.auth)).bind(requireAuth())
 *   await e.next()
 * })
 * const server = await app.start({ http: '127.0.0.1:8090' })
 * // … later: await server.close()
 */
export class Satchel extends App {
  /** The hooks files of `hooksDir` that failed to load (also written to stderr). */
  readonly hooksFailures: HooksLoadFailure[] = []
  #hooksLoaded = false

  constructor(options: SatchelOptions) {
    super({
      dataDir: resolve(options.dataDir),
      dev: options.dev ?? false,
      encryptionKey: options.encryptionKey,
      queryTimeoutMs: (options.queryTimeout ?? 30) * 1000,
      hooksDir: options.hooksDir === undefined ? undefined : resolve(options.hooksDir),
      migrationsDir:
        options.migrationsDir === undefined ? undefined : resolve(options.migrationsDir),
    })
  }

  /**
   * Loads `hooksDir` (first time only), then opens the data folder: databases, system
   * migrations, collections, settings, `onBootstrap`.
   */
  override async bootstrap(): Promise<void> {
    if (!this.#hooksLoaded && this.config.hooksDir !== undefined) {
      this.#hooksLoaded = true
      const { failures } = await loadHooks(this, this.config.hooksDir)
      for (const f of failures) {
        this.hooksFailures.push(f)
        process.stderr.write(`${formatHooksFailure(f)}\n`)
      }
    }
    await super.bootstrap()
  }

  /**
   * Bootstraps when not done yet, applies the pending `migrationsDir` migrations (throws their
   * MigrationError, closing the app, when one fails), fires `onServe` and serves the API (default
   * `127.0.0.1:8090`; `http: '127.0.0.1:0'` picks a free port, see `address`). The returned
   * server's `close()` stops serving (in-flight requests finish) and closes the app.
   */
  async start(options: SatchelServeOptions = {}): Promise<RunningServer> {
    if (!this.isBootstrapped) await this.bootstrap()
    await runAppMigrations(this)
    const server = await startServer(this, { http: '127.0.0.1:8090', ...options })
    return {
      address: server.address,
      redirectAddress: server.redirectAddress,
      close: async () => {
        await server.close()
        await this.close()
      },
    }
  }
}
