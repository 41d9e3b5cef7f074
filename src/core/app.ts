import { mkdirSync, rmSync } from 'node:fs'
import { Cron } from '../tools/cron/cron.ts'
import type { Db, SqlValue } from '../tools/db/db.ts'
import { NoRowsError } from '../tools/db/db.ts'
import { openSqlite } from '../tools/db/sqlite.ts'
import { Hook } from '../tools/hook/hook.ts'
import { taggableHook } from '../tools/hook/tagged-hook.ts'
import type { Logger } from '../tools/logger/logger.ts'
import { decrypt, encrypt } from '../tools/security/encrypt.ts'
import { Store } from '../tools/store/store.ts'
import { createAppLogger, printQuery, registerLogsCleanupJob } from './app-logger.ts'
import { registerAutoBackupJob } from './backup-auto.ts'
import type { PendingRestore } from './backup-restore.ts'
import type { BatchRequestEvent } from './batch-request-event.ts'
import { Collection, type CollectionRow } from './collection-model.ts'
import type {
  CollectionRequestEvent,
  CollectionsImportRequestEvent,
  CollectionsListRequestEvent,
} from './collection-request-event.ts'
import { claimCronRun } from './cron-claims.ts'
import { registerSystemCronJobs } from './cron-system-jobs.ts'
import { DataDir } from './data-dir.ts'
import {
  AppEvent,
  type BackupEvent,
  type CollectionErrorEvent,
  type CollectionEvent,
  type ModelErrorEvent,
  type ModelEvent,
  type RecordErrorEvent,
  type RecordEvent,
  type ServeEvent,
} from './events.ts'
import type { FieldContext } from './field.ts'
import type { FileDownloadRequestEvent, FileTokenRequestEvent } from './file-request-events.ts'
import './fields.ts'
import { type CacheLink, CacheTrust } from './cache-trust.ts'
import { cleanupLogsForSettings, LOGS_WAL_AUTOCHECKPOINT_PAGES } from './log-query.ts'
import type { MailerEvent, MailerRecordEvent } from './mailer-events.ts'
import { runSystemMigrations } from './migrations-runner.ts'
import {
  type RealtimeConnectRequestEvent,
  type RealtimeMessageEvent,
  type RealtimeSubscribeRequestEvent,
  sendRealtimeMessage,
} from './realtime-events.ts'
import { RealtimeHub } from './realtime-hub.ts'
import type {
  RecordAuthFlowRequestEvent,
  RecordAuthRequestEvent,
  RecordAuthWithOAuth2RequestEvent,
  RecordAuthWithOTPRequestEvent,
  RecordAuthWithPasswordRequestEvent,
  RecordCreateOTPRequestEvent,
  RecordEmailChangeRequestEvent,
} from './record-auth-request-events.ts'
import type { Record } from './record-model.ts'
import type {
  RecordEnrichEvent,
  RecordRequestEvent,
  RecordsListRequestEvent,
} from './record-request-events.ts'
import { defaultSettings, mergeSettings, type Settings } from './settings-model.ts'
import type {
  SettingsListRequestEvent,
  SettingsUpdateRequestEvent,
} from './settings-request-events.ts'

/** Boot options, parsed once by the launcher and frozen (PocketBase `BaseAppConfig`). */
export interface AppConfig {
  /** The `pb_data` folder; created when missing. */
  readonly dataDir: string
  /** Verbose logging. */
  readonly dev: boolean
  /** The 32-character settings encryption key (the value of the `--encryptionEnv` variable). */
  readonly encryptionKey?: string
  /**
   * Default SELECT timeout in milliseconds (`--queryTimeout`), enforced between result rows on
   * the read connection (see `openSqlite`'s `queryTimeoutMs`); 0 disables it.
   */
  readonly queryTimeoutMs: number
  /**
   * `--hooksDir` (loaded by `serve`, see `plugins/hooks-loader.ts`), `--hooksWatch`,
   * `--hooksPool`, `--migrationsDir` (applied by `serve`, see `plugins/migrations-loader.ts`),
   * `--automigrate`. Paths are absolute.
   */
  readonly hooksDir?: string
  readonly hooksWatch?: boolean
  readonly hooksPool?: number
  readonly migrationsDir?: string
  readonly automigrate?: boolean
  /**
   * The language of the migration files Satchel writes (`migrate create|collections`,
   * automigrate): `js` (PocketBase's) or `ts`; undefined picks by the folder's files.
   */
  readonly migrationsLang?: 'js' | 'ts'
  /**
   * True when other processes serve the same data dir (`serve --workers`): caches are then
   * re-validated against the database before each request (`refreshCaches`).
   */
  readonly sharedDataDir?: boolean
  /**
   * A `postgres://user:pass@host:port/db` URL (`--db`, `SATCHEL_DB_URL`): data and logs live in
   * that database (system tables made by the PostgreSQL dialect) instead of `data.db` and
   * `auxiliary.db`; `dataDir` still holds `storage/` and `backups/`.
   */
  readonly databaseUrl?: string
}

/** Callbacks queued by `afterCommit` / `afterRollback` for one transaction. */
interface TxCallbacks {
  commit: (() => Promise<void>)[]
  rollback: ((err: unknown) => Promise<void>)[]
}

/** State shared by an app and its transaction-bound copies. */
interface AppState {
  collectionsById: Map<string, Collection>
  collectionsByName: Map<string, Collection>
  settings: Settings
  /** What `refreshCaches` last saw of `_collections` and the settings row. */
  stamp: string
  /** The `refreshCachesForRequest` check of the current poll phase, shared by its requests. */
  stampCheck?: Promise<void>
  /** When `refreshCaches` may skip its query (a PostgreSQL node's NOTIFY link). */
  cacheTrust: CacheTrust
  /** The app logger (`app.logger()`), writing to `auxiliary.db` `_logs`. */
  logger: Logger
}

/**
 * App is the core application (PocketBase `core.App`): the databases, the cached collections and
 * settings, and every hook. `runInTransaction` hands out a copy bound to one transaction;
 * everything that takes an `app` works with either.
 */
export class App implements FieldContext {
  readonly config: AppConfig
  readonly dataDir: DataDir
  /** `data.db` (or the transaction handle on a transaction-bound app). */
  db!: Db
  /** `auxiliary.db` (logs). */
  auxDb!: Db
  state!: AppState
  /** After-commit/rollback callbacks of the transaction a bound copy belongs to. */
  txCallbacks?: TxCallbacks
  /**
   * The realtime clients, bus and delivery queue of this app in this process (PocketBase
   * `app.SubscriptionsBroker()`); shared by transaction-bound copies, kept across a repeated
   * bootstrap.
   */
  readonly realtime = new RealtimeHub()
  /**
   * The app's own services, from construction (jobs and values may be added before
   * `bootstrap()`), shared by transaction-bound copies and kept across a repeated bootstrap: the
   * scheduler behind `cron()` and the key/value store behind `store()`.
   */
  readonly services: { readonly cron: Cron; readonly store: Store }

  /** After the app is bootstrapped. */
  readonly onBootstrap = new Hook<AppEvent>()
  /**
   * When the app starts serving (PocketBase `OnServe`): handlers add custom routes and
   * middlewares to `e.router`; the last link starts listening. Fires in every `--workers` process.
   *
   * @example
   * app.onServe.bind(async (e) => {
   *   e.router.get('/api/hello/{name}', (e) => e.json(200, { hello: e.pathValue('name') }))
   *   e.router.group('/api/admin').bind(requireSuperuserAuth()).get('/stats', stats)
   *   await e.next()
   * })
   */
  readonly onServe = new Hook<ServeEvent>()
  /** Before the app stops (databases still open). */
  readonly onTerminate = new Hook<AppEvent>()
  /** Around the validation of a record (field validators are the last link). */
  readonly onRecordValidate = taggableHook<RecordEvent>(recordTags)
  /** Around a record insert (validation, then the INSERT, are inside `e.next()`). */
  readonly onRecordCreate = taggableHook<RecordEvent>(recordTags)
  /** Around a record update. */
  readonly onRecordUpdate = taggableHook<RecordEvent>(recordTags)
  /** Around a record delete (cascades included). */
  readonly onRecordDelete = taggableHook<RecordEvent>(recordTags)
  /** After a record insert was committed. */
  readonly onRecordAfterCreateSuccess = taggableHook<RecordEvent>(recordTags)
  /** After a record update was committed. */
  readonly onRecordAfterUpdateSuccess = taggableHook<RecordEvent>(recordTags)
  /** After a record delete was committed. */
  readonly onRecordAfterDeleteSuccess = taggableHook<RecordEvent>(recordTags)
  /** After a record insert failed or was rolled back. */
  readonly onRecordAfterCreateError = taggableHook<RecordErrorEvent>(recordTags)
  /** After a record update failed or was rolled back. */
  readonly onRecordAfterUpdateError = taggableHook<RecordErrorEvent>(recordTags)
  /** After a record delete failed or was rolled back. */
  readonly onRecordAfterDeleteError = taggableHook<RecordErrorEvent>(recordTags)
  /**
   * Around the validation of every record and collection (PocketBase `OnModelValidate`), inside
   * `onRecordValidate` / `onCollectionValidate`; tags: a record's collection id and name, or
   * `_collections`.
   */
  readonly onModelValidate = taggableHook<ModelEvent>(modelTags)
  /**
   * Around every model insert (PocketBase `OnModelCreate`), inside `onRecordCreate` /
   * `onCollectionCreate`: validation and the `*Execute` hooks run inside `e.next()`.
   */
  readonly onModelCreate = taggableHook<ModelEvent>(modelTags)
  /** Right around the insert statement of every model, inside `onRecordCreateExecute` / `onCollectionCreateExecute`. */
  readonly onModelCreateExecute = taggableHook<ModelEvent>(modelTags)
  /** After a model insert was committed (at once, or when the outermost transaction commits). */
  readonly onModelAfterCreateSuccess = taggableHook<ModelEvent>(modelTags)
  /** After a model insert failed (at once) or its transaction rolled back. */
  readonly onModelAfterCreateError = taggableHook<ModelErrorEvent>(modelTags)
  /**
   * Around every model update (PocketBase `OnModelUpdate`), inside `onRecordUpdate` /
   * `onCollectionUpdate`: validation and the `*Execute` hooks run inside `e.next()`.
   */
  readonly onModelUpdate = taggableHook<ModelEvent>(modelTags)
  /** Right around the update statement of every model, inside `onRecordUpdateExecute` / `onCollectionUpdateExecute`. */
  readonly onModelUpdateExecute = taggableHook<ModelEvent>(modelTags)
  /** After a model update was committed (at once, or when the outermost transaction commits). */
  readonly onModelAfterUpdateSuccess = taggableHook<ModelEvent>(modelTags)
  /** After a model update failed (at once) or its transaction rolled back. */
  readonly onModelAfterUpdateError = taggableHook<ModelErrorEvent>(modelTags)
  /**
   * Around every model delete (PocketBase `OnModelDelete`), inside `onRecordDelete` /
   * `onCollectionDelete`: the `*Execute` hooks run inside `e.next()`.
   */
  readonly onModelDelete = taggableHook<ModelEvent>(modelTags)
  /** Right around the delete statement of every model, inside `onRecordDeleteExecute` / `onCollectionDeleteExecute`. */
  readonly onModelDeleteExecute = taggableHook<ModelEvent>(modelTags)
  /** After a model delete was committed (at once, or when the outermost transaction commits). */
  readonly onModelAfterDeleteSuccess = taggableHook<ModelEvent>(modelTags)
  /** After a model delete failed (at once) or its transaction rolled back. */
  readonly onModelAfterDeleteError = taggableHook<ModelErrorEvent>(modelTags)
  /** Right around a record's insert statement (after validation). */
  readonly onRecordCreateExecute = taggableHook<RecordEvent>(recordTags)
  /** Right around a record's update statement (after validation). */
  readonly onRecordUpdateExecute = taggableHook<RecordEvent>(recordTags)
  /** Right around a record's delete statement (after validation; cascades included). */
  readonly onRecordDeleteExecute = taggableHook<RecordEvent>(recordTags)
  /** Around the validation of a collection (PocketBase `OnCollectionValidate`). */
  readonly onCollectionValidate = taggableHook<CollectionEvent>(collectionTags)
  /** Right around a collection's `_collections` insert and its table sync. */
  readonly onCollectionCreateExecute = taggableHook<CollectionEvent>(collectionTags)
  /** After a collection insert was committed. */
  readonly onCollectionAfterCreateSuccess = taggableHook<CollectionEvent>(collectionTags)
  /** After a collection insert failed or was rolled back. */
  readonly onCollectionAfterCreateError = taggableHook<CollectionErrorEvent>(collectionTags)
  /** Right around a collection's `_collections` update and its table sync. */
  readonly onCollectionUpdateExecute = taggableHook<CollectionEvent>(collectionTags)
  /** After a collection update was committed. */
  readonly onCollectionAfterUpdateSuccess = taggableHook<CollectionEvent>(collectionTags)
  /** After a collection update failed or was rolled back. */
  readonly onCollectionAfterUpdateError = taggableHook<CollectionErrorEvent>(collectionTags)
  /** Right around a collection's `_collections` delete and its table sync. */
  readonly onCollectionDeleteExecute = taggableHook<CollectionEvent>(collectionTags)
  /** After a collection delete was committed. */
  readonly onCollectionAfterDeleteSuccess = taggableHook<CollectionEvent>(collectionTags)
  /** After a collection delete failed or was rolled back. */
  readonly onCollectionAfterDeleteError = taggableHook<CollectionErrorEvent>(collectionTags)
  /**
   * Around every email sent with the app's mail client (PocketBase `OnMailerSend`): handlers may
   * change `e.message` or skip `e.next()` to send it some other way.
   */
  readonly onMailerSend = new Hook<MailerEvent>()
  /** Around sending the new sign-in alert to an auth record (`e.message`, `e.meta`); `onMailerSend` runs inside. */
  readonly onMailerRecordAuthAlertSend = taggableHook<MailerRecordEvent>(recordTags)
  /** Around sending the password reset email to an auth record (`e.message`, `e.meta`); `onMailerSend` runs inside. */
  readonly onMailerRecordPasswordResetSend = taggableHook<MailerRecordEvent>(recordTags)
  /** Around sending the verification email to an auth record (`e.message`, `e.meta`); `onMailerSend` runs inside. */
  readonly onMailerRecordVerificationSend = taggableHook<MailerRecordEvent>(recordTags)
  /** Around sending the email change confirmation to an auth record (`e.message`, `e.meta`); `onMailerSend` runs inside. */
  readonly onMailerRecordEmailChangeSend = taggableHook<MailerRecordEvent>(recordTags)
  /** Around sending the one-time password email to an auth record (`e.message`, `e.meta`); `onMailerSend` runs inside. */
  readonly onMailerRecordOTPSend = taggableHook<MailerRecordEvent>(recordTags)
  /** Around a collection insert (the table is created inside `e.next()`). */
  readonly onCollectionCreate = taggableHook<CollectionEvent>(collectionTags)
  /** Around a collection update (the table is altered inside `e.next()`). */
  readonly onCollectionUpdate = taggableHook<CollectionEvent>(collectionTags)
  /** Around a collection delete. */
  readonly onCollectionDelete = taggableHook<CollectionEvent>(collectionTags)
  /** Around a collection create request (the save and the response are inside `e.next()`). */
  readonly onCollectionCreateRequest = new Hook<CollectionRequestEvent>()
  /** Around a collection update request (the save and the response are inside `e.next()`). */
  readonly onCollectionUpdateRequest = new Hook<CollectionRequestEvent>()
  /** Around a collection delete request (the delete and the response are inside `e.next()`). */
  readonly onCollectionDeleteRequest = new Hook<CollectionRequestEvent>()
  /** Around `GET /api/collections` (the last link answers with `e.collections`). */
  readonly onCollectionsListRequest = new Hook<CollectionsListRequestEvent>()
  /** Around `GET /api/collections/{collection}`. */
  readonly onCollectionViewRequest = new Hook<CollectionRequestEvent>()
  /** Around `PUT /api/collections/import` (the import and the 204 are inside `e.next()`). */
  readonly onCollectionsImportRequest = new Hook<CollectionsImportRequestEvent>()
  /** Around `GET /api/settings` (the last link answers with `e.settings`, secrets masked). */
  readonly onSettingsListRequest = new Hook<SettingsListRequestEvent>()
  /** Around `PATCH /api/settings` (validation, save and answer are inside `e.next()`). */
  readonly onSettingsUpdateRequest = new Hook<SettingsUpdateRequestEvent>()
  /** Around `POST /api/batch`, once its items are read (the transaction is inside `e.next()`). */
  readonly onBatchRequest = new Hook<BatchRequestEvent>()
  /** Around a file download, after the access checks (the last link sends the file). */
  readonly onFileDownloadRequest = taggableHook<FileDownloadRequestEvent>(collectionTags)
  /** Around `POST /api/files/token` (tags: the auth record's collection). */
  readonly onFileTokenRequest = taggableHook<FileTokenRequestEvent>(recordTags)
  /**
   * Around a realtime SSE connection: the last link connects and returns when the client has
   * disconnected.
   */
  readonly onRealtimeConnectRequest = new Hook<RealtimeConnectRequestEvent>()
  /** Around `POST /api/realtime` (the last link applies `e.subscriptions`). */
  readonly onRealtimeSubscribeRequest = new Hook<RealtimeSubscribeRequestEvent>()
  /** Around every message written to a realtime client (`PB_CONNECT`, record events). */
  readonly onRealtimeMessageSend = new Hook<RealtimeMessageEvent>()
  /** After the settings were saved. */
  readonly onSettingsReload = new Hook<AppEvent>()
  /** Around a records list request (the last link writes the response). */
  readonly onRecordsListRequest = taggableHook<RecordsListRequestEvent>(collectionTags)
  /** Around a record view request. */
  readonly onRecordViewRequest = taggableHook<RecordRequestEvent>(collectionTags)
  /** Around a record create request (after the createRule check; the save is inside). */
  readonly onRecordCreateRequest = taggableHook<RecordRequestEvent>(collectionTags)
  /** Around a record update request (after the updateRule check; the save is inside). */
  readonly onRecordUpdateRequest = taggableHook<RecordRequestEvent>(collectionTags)
  /** Around a record delete request (after the deleteRule check; the delete is inside). */
  readonly onRecordDeleteRequest = taggableHook<RecordRequestEvent>(collectionTags)
  /** Around every sign-in and auth refresh answer, after the auth rule and MFA checks. */
  readonly onRecordAuthRequest = taggableHook<RecordAuthRequestEvent>(collectionTags)
  /** Around `auth-with-password`, once the identity was looked up (the password check is inside). */
  readonly onRecordAuthWithPasswordRequest =
    taggableHook<RecordAuthWithPasswordRequestEvent>(collectionTags)
  /** Around `auth-with-oauth2`, after the code exchange (account creation/linking is inside). */
  readonly onRecordAuthWithOAuth2Request =
    taggableHook<RecordAuthWithOAuth2RequestEvent>(collectionTags)
  /** Around `auth-refresh` (the new token and answer are inside). */
  readonly onRecordAuthRefreshRequest = taggableHook<RecordAuthFlowRequestEvent>(collectionTags)
  /** Around `request-password-reset` for a found record (the email is sent inside). */
  readonly onRecordRequestPasswordResetRequest =
    taggableHook<RecordAuthFlowRequestEvent>(collectionTags)
  /** Around `confirm-password-reset` with a valid token (the save is inside). */
  readonly onRecordConfirmPasswordResetRequest =
    taggableHook<RecordAuthFlowRequestEvent>(collectionTags)
  /** Around `request-verification` for a found, unverified record (the email is sent inside). */
  readonly onRecordRequestVerificationRequest =
    taggableHook<RecordAuthFlowRequestEvent>(collectionTags)
  /** Around `confirm-verification` with a valid token (the save is inside). */
  readonly onRecordConfirmVerificationRequest =
    taggableHook<RecordAuthFlowRequestEvent>(collectionTags)
  /** Around `request-email-change` (the email to `e.newEmail` is sent inside). */
  readonly onRecordRequestEmailChangeRequest =
    taggableHook<RecordEmailChangeRequestEvent>(collectionTags)
  /** Around `confirm-email-change` with a valid token and password (the save is inside). */
  readonly onRecordConfirmEmailChangeRequest =
    taggableHook<RecordEmailChangeRequestEvent>(collectionTags)
  /** Around `request-otp` (`e.record` may be null; the OTP row and email are inside). */
  readonly onRecordRequestOTPRequest = taggableHook<RecordCreateOTPRequestEvent>(collectionTags)
  /** Around `auth-with-otp`, once the code was checked and used (the answer is inside). */
  readonly onRecordAuthWithOTPRequest = taggableHook<RecordAuthWithOTPRequestEvent>(collectionTags)
  /** For every record about to be sent by the records API (expanded ones included). */
  readonly onRecordEnrich = taggableHook<RecordEnrichEvent>(recordTags)
  /** Around a backup (the snapshot, archive and upload are the last link). */
  readonly onBackupCreate = new Hook<BackupEvent>()
  /**
   * Around a restore: the last link downloads, extracts and verifies the archive; the swap of
   * `pb_data` and the restart follow once the chain has returned.
   */
  readonly onBackupRestore = new Hook<BackupEvent>()

  /**
   * Restarts the app after a restore prepared new `pb_data` content (PocketBase `App.Restart`):
   * it must stop serving, close the app, call `swapDataDir(pending)` and start again (on the old
   * content, after the returned revert, when the new one fails to start). Set by `serve`; by
   * default the app closes, swaps and bootstraps itself again in place.
   */
  restarter?: (pending: PendingRestore) => Promise<void>

  /**
   * Where the log rows of a batch go instead of this process's `auxiliary.db` connection: the
   * bound values of {@link insertLogRows}, 5 per row. Set by `serve --workers` so that the
   * primary process writes every worker's logs (the writes' I/O waits leave the workers'
   * event loops); undefined writes here.
   */
  logsWriter?: (params: SqlValue[]) => Promise<void>

  constructor(config: AppConfig) {
    this.config = Object.freeze({ ...config })
    this.dataDir = new DataDir(config.dataDir)
    this.realtime.sender = (client, message) => {
      sendRealtimeMessage(this, client, message)?.catch((err) =>
        this.logger().error('onRealtimeMessageSend failed', 'error', err),
      )
    }
    this.services = { cron: this.#newCron(), store: new Store() }
  }

  /**
   * Opens (or creates) the data dir: opens both databases, runs pending system migrations,
   * loads collections and settings, then fires `onBootstrap`.
   */
  async bootstrap(): Promise<void> {
    mkdirSync(this.dataDir.root, { recursive: true })
    // NOTE: with --workers the primary wipes it once; a worker (re)starting must not remove the
    // temp files of a backup another worker is writing.
    if (!this.config.sharedDataDir) rmSync(this.dataDir.temp, { recursive: true, force: true })
    await this.#openDatabases()
    this.state = {
      collectionsById: new Map(),
      collectionsByName: new Map(),
      settings: defaultSettings(),
      stamp: '',
      cacheTrust: this.state?.cacheTrust ?? new CacheTrust(),
      logger: createAppLogger(this),
    }
    // PocketBase: saving the settings drops the logs the new `settings.logs` no longer keeps.
    this.onSettingsReload.bind(
      async (e) => {
        await e.next()
        await cleanupLogsForSettings(e.app)
      },
      { id: '__pbAppLoggerOnSettingsReload__', priority: -999 },
    )
    registerSystemCronJobs(this)
    registerLogsCleanupJob(this)
    registerAutoBackupJob(this)
    const lock = this.db.dialect.installLock()
    if (lock === undefined) await runSystemMigrations(this)
    else {
      // NOTE: all in one transaction behind the lock, so a node starting at the same time waits
      // and then finds the schema installed.
      await this.runInTransaction(async (tx) => {
        await tx.db.get(lock)
        await runSystemMigrations(tx)
      })
    }
    await this.reloadCollections()
    await this.reloadSettings()
    this.state.stamp = await cacheStamp(this.db)
    await this.onBootstrap.trigger(new AppEvent(this))
  }

  /**
   * Opens `data.db` and `auxiliary.db`, or with `config.databaseUrl` two handles on that
   * PostgreSQL database (two, so a logs write never waits for a data transaction's lock).
   * node-postgres is loaded only then. Throws a clear Error when the database cannot be reached.
   */
  async #openDatabases(): Promise<void> {
    const dataOptions = {
      queryTimeoutMs: this.config.queryTimeoutMs,
      onQuery: this.config.dev ? printQuery : undefined,
    }
    const url = this.config.databaseUrl
    if (url === undefined) {
      this.db = openSqlite(this.dataDir.dataDb, dataOptions)
      this.auxDb = openSqlite(this.dataDir.auxiliaryDb, {
        walAutocheckpointPages: LOGS_WAL_AUTOCHECKPOINT_PAGES,
      })
      return
    }
    const { openPostgres } = await import('../tools/db/postgres.ts')
    this.db = await openPostgres(url, dataOptions)
    try {
      this.auxDb = await openPostgres(url, { maxConnections: 2 })
    } catch (err) {
      await this.db.close()
      throw err
    }
  }

  /** Fires `onTerminate`, stops the scheduler, writes the buffered logs and closes both databases. */
  async close(): Promise<void> {
    await this.onTerminate.trigger(new AppEvent(this))
    this.services.cron.stop()
    await this.state.logger.handler.close()
    await this.db.close()
    await this.auxDb.close()
  }

  /**
   * The app logger (PocketBase `app.Logger()`): `debug`/`info`/`warn`/`error` with attributes,
   * buffered and written to `auxiliary.db` `_logs` in batches (see `createAppLogger`).
   */
  logger(): Logger {
    return this.state.logger
  }

  /** True once `bootstrap()` ran (PocketBase `IsBootstrapped`). */
  get isBootstrapped(): boolean {
    return this.state !== undefined
  }

  /**
   * True when other processes may change the data behind this one's caches: `serve --workers`
   * (`config.sharedDataDir`) or a PostgreSQL database (other nodes may serve it). Caches are
   * then re-validated before each request and cron tick, and rate limits live in the database.
   */
  get sharesData(): boolean {
    return this.config.sharedDataDir === true || this.config.databaseUrl !== undefined
  }

  /** The app a transaction-bound copy was made from (the app itself outside a transaction). */
  get outside(): App {
    return this.inTransaction ? (Object.getPrototypeOf(this) as App) : this
  }

  /** True when this copy is bound to a transaction. */
  get inTransaction(): boolean {
    return this.db.inTransaction
  }

  /**
   * Runs `fn` with an app bound to one write transaction of `data.db`; commits when it resolves,
   * rolls back (and reloads the collection cache) when it throws. Nested calls reuse the
   * transaction.
   */
  async runInTransaction<T>(fn: (txApp: App) => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn(this)
    const callbacks: TxCallbacks = { commit: [], rollback: [] }
    let result: T
    try {
      result = await this.db.transaction((tx) => {
        const txApp: App = Object.create(this)
        txApp.db = tx
        txApp.txCallbacks = callbacks
        return fn(txApp)
      })
    } catch (err) {
      await this.reloadCollections()
      for (const cb of callbacks.rollback) await cb(err).catch(() => undefined)
      throw err
    }
    for (const cb of callbacks.commit) await cb().catch(() => undefined)
    return result
  }

  /**
   * Runs `fn` once the outermost transaction of this app commits (at once outside a
   * transaction); failures of `fn` are ignored. Used for cleanups such as deleting replaced files.
   */
  async afterCommit(fn: () => Promise<void>): Promise<void> {
    if (this.inTransaction && this.txCallbacks !== undefined) this.txCallbacks.commit.push(fn)
    else await fn().catch(() => undefined)
  }

  /**
   * Runs `fn` with the error that rolled back the outermost transaction of this app (never outside a
   * transaction); e.g. removing files uploaded for a write that did not happen.
   */
  afterRollback(fn: (err: unknown) => Promise<void>): void {
    if (this.inTransaction && this.txCallbacks !== undefined) this.txCallbacks.rollback.push(fn)
  }

  /**
   * Reloads the collections and settings when another process changed them (one small query:
   * the number and latest `updated` of `_collections` rows and the settings row's `updated`).
   * Used by realtime and the scheduler when `sharesData`; requests use
   * {@link refreshCachesForRequest}.
   */
  refreshCaches(): Promise<void> {
    return this.#refreshCaches()
  }

  /**
   * {@link refreshCaches} before a request: the requests the HTTP server reads in one poll phase
   * of the event loop share the check the first of them starts. Their bytes had all arrived when
   * that phase began, so the shared check still started after each of them arrived and sees every
   * write committed before (as a check of their own would). The check is forgotten at the end of
   * that phase (`setImmediate`), even while it runs (PostgreSQL). Under load several requests
   * arrive per phase, and the check, which reads `_collections`' pages again after every write by
   * another process, cost ≈5% of a worker's CPU on creates.
   */
  refreshCachesForRequest(): Promise<void> {
    let check = this.state.stampCheck
    if (check === undefined) {
      const started = this.#refreshCaches()
      check = started
      this.state.stampCheck = started
      setImmediate(() => {
        if (this.state.stampCheck === started) this.state.stampCheck = undefined
      })
    }
    return check
  }

  async #refreshCaches(): Promise<void> {
    if (this.state.cacheTrust.trusted()) return
    const start = this.state.cacheTrust.beginCheck()
    const stamp = await cacheStamp(this.db)
    if (stamp !== this.state.stamp) {
      await this.reloadCollections()
      await this.#reloadSettingsNotifying()
      this.state.stamp = stamp
    }
    this.state.cacheTrust.checked(start)
  }

  /**
   * Lets `refreshCaches` skip its query while `link` (the PostgreSQL NOTIFY bus) is connected
   * and no other node announced a change (see `CacheTrust`): the other nodes' changes arrive as
   * `caches.changed` messages, and {@link syncCacheChanges} announces this node's. Announces
   * at once that this node may have changed the schema (its bootstrap ran migrations).
   */
  watchCaches(link: CacheLink): void {
    this.state.cacheTrust.use(link)
    this.realtime.handleMessage(CACHES_CHANGED_OP, () => this.state.cacheTrust.changed())
    this.realtime.handleRequest(CACHES_CHANGED_OP, () => {
      this.state.cacheTrust.changed()
      return undefined // every node answers: the requester waits for all of them
    })
    this.realtime.bus.publish({ op: CACHES_CHANGED_OP })
  }

  /**
   * When this node changed collections or settings since the last call (and watches its
   * caches through a link), tells every other node and waits until each has taken note (at most
   * 2 s), so a request made to another node right after this one's answer sees the change.
   * Called once a request is handled, before its response is sent.
   */
  async syncCacheChanges(): Promise<void> {
    if (!this.state.cacheTrust.linked || !this.state.cacheTrust.takeOwnChange()) return
    await this.realtime.bus.request({ op: CACHES_CHANGED_OP }, 2000)
  }

  /**
   * Re-reads the settings; when they differ from the cached ones (changed by another process or
   * by raw SQL) fires `onSettingsReload`, as PocketBase's `ReloadSettings` does, so what derives
   * from them (the `__pbAutoBackup__` schedule, the logs retention) follows.
   */
  async #reloadSettingsNotifying(): Promise<void> {
    const before = JSON.stringify(this.state.settings)
    await this.reloadSettings()
    if (JSON.stringify(this.state.settings) !== before) {
      await this.onSettingsReload.trigger(new AppEvent(this))
    }
  }

  /**
   * Reloads the collections and settings unconditionally: after raw SQL (the SQL console) that
   * may have changed `_collections` or `_params` without touching what `refreshCaches` watches.
   */
  async reloadCaches(): Promise<void> {
    await this.reloadCollections()
    await this.#reloadSettingsNotifying()
    this.state.stamp = await cacheStamp(this.db)
  }

  /**
   * The app's scheduler (PocketBase `app.Cron()`), usable from construction: the system jobs
   * are registered at bootstrap, the ticker starts when the app serves (`startServer`) and stops on `close()`. Scheduled runs
   * are claimed in `auxiliary.db`, so with `serve --workers=N` each runs once, not N times.
   *
   * @example
   * app.cron().add('cleanup', '0 3 * * *', async () => {
   *   await app.db.run("DELETE FROM tmp WHERE created < date('now', '-7 days')")
   * })
   */
  cron(): Cron {
    return this.services.cron
  }

  /**
   * The app's in-memory key/value store (PocketBase `app.Store()`), usable from construction and
   * shared by TypeScript and PocketBase JS hooks (`$app.store()`); see `Store`.
   */
  store(): Store {
    return this.services.store
  }

  #newCron(): Cron {
    return new Cron({
      // NOTE: every process serving this data dir ticks; the claim lets one of them run the job.
      claim: (id, scheduledAt) => claimCronRun(this.auxDb, id, scheduledAt),
      // an idle worker may hold settings (and so schedules) another process changed since
      beforeTick: this.sharesData ? () => this.refreshCaches() : undefined,
      onError: (id, err) => this.logger().error('Cron job failed', 'jobId', id, 'error', err),
    })
  }

  // ---- collections -------------------------------------------------------------------------

  /** Re-reads every collection from `_collections` into the cache. */
  async reloadCollections(): Promise<void> {
    const d = this.db.dialect
    const rows = await this.db.all<CollectionRow>(
      `SELECT * FROM ${d.quoteIdent('_collections')} ORDER BY ${d.rowid('_collections')}`,
    )
    const byId = new Map<string, Collection>()
    const byName = new Map<string, Collection>()
    for (const row of rows) {
      const c = Collection.fromRow(row)
      byId.set(c.id, c)
      byName.set(c.name.toLowerCase(), c)
    }
    this.state.collectionsById = byId
    this.state.collectionsByName = byName
  }

  /** Every cached collection, in creation order. */
  collections(): Collection[] {
    return [...this.state.collectionsById.values()]
  }

  /** Finds a cached collection by id or case-insensitive name; undefined when missing. */
  findCollection(idOrName: string): Collection | undefined {
    return (
      this.state.collectionsById.get(idOrName) ??
      this.state.collectionsByName.get(idOrName.toLowerCase())
    )
  }

  /** Like `findCollection` but throws NoRowsError when missing. */
  findCollectionByNameOrId(idOrName: string): Collection {
    const c = this.findCollection(idOrName)
    if (c === undefined) throw new NoRowsError(`Missing collection "${idOrName}".`)
    return c
  }

  /** Puts a saved collection into the cache (called by the collection save path). */
  cacheCollection(collection: Collection, previousName?: string): void {
    this.state.cacheTrust.ownChange()
    if (previousName !== undefined) this.state.collectionsByName.delete(previousName.toLowerCase())
    this.state.collectionsById.set(collection.id, collection)
    this.state.collectionsByName.set(collection.name.toLowerCase(), collection)
  }

  /** Removes a deleted collection from the cache. */
  uncacheCollection(collection: Collection): void {
    this.state.cacheTrust.ownChange()
    this.state.collectionsById.delete(collection.id)
    this.state.collectionsByName.delete(collection.name.toLowerCase())
  }

  // ---- settings ----------------------------------------------------------------------------

  /** The current settings (shared object: copy before changing, save with `saveSettings`). */
  settings(): Settings {
    return this.state.settings
  }

  /**
   * Reads the `settings` param: plain JSON, or PocketBase's encrypted form when an encryption key
   * is configured. A missing row keeps the defaults and writes them.
   */
  async reloadSettings(): Promise<void> {
    const row = await this.db.get<{ value: unknown }>(
      `SELECT value FROM ${this.db.dialect.quoteIdent('_params')} WHERE id = 'settings'`,
    )
    if (row === undefined || row.value === null) {
      await this.saveSettings(defaultSettings())
      return
    }
    const raw = Buffer.isBuffer(row.value) ? row.value.toString('utf8') : String(row.value)
    let parsed: unknown
    try {
      parsed = JSON.parse(raw)
    } catch {
      if (!this.config.encryptionKey) {
        throw new Error('The settings are encrypted: start with --encryptionEnv to read them.')
      }
      parsed = JSON.parse(decrypt(raw, this.config.encryptionKey))
    }
    this.state.settings = mergeSettings(defaultSettings(), parsed)
  }

  /** Stores new settings (encrypted when a key is configured) and fires `onSettingsReload`. */
  async saveSettings(settings: Settings): Promise<void> {
    const json = JSON.stringify(settings)
    const value = this.config.encryptionKey ? encrypt(json, this.config.encryptionKey) : json
    const d = this.db.dialect
    await this.db.run(
      `INSERT INTO ${d.quoteIdent('_params')} (id, value, created, updated) VALUES ('settings', ?, ${d.now()}, ${d.now()}) ` +
        d.onConflict(['id'], `value = ${d.excluded('value')}, updated = ${d.excluded('updated')}`),
      [value],
    )
    this.state.settings = settings
    this.state.cacheTrust.ownChange()
    await this.onSettingsReload.trigger(new AppEvent(this))
  }
}

/** The bus op of `App.watchCaches`: another node changed collections or settings. */
const CACHES_CHANGED_OP = 'app.cachesChanged'

/** The tags of a record event: its collection's id and name (`app.onRecordCreate('posts')`). */
function recordTags(e: { record: { collection: Collection } }): string[] {
  return [e.record.collection.id, e.record.collection.name]
}

/**
 * The tags of a model event: a record's collection id and name, or the table of any other
 * model (`_collections` for a collection).
 */
function modelTags(e: { model: Record | Collection }): string[] {
  if (e.model instanceof Collection) return ['_collections']
  return [e.model.collection.id, e.model.collection.name]
}

/** The tags of a collection or collection-scoped request event. */
function collectionTags(e: { collection: Collection }): string[] {
  return [e.collection.id, e.collection.name]
}

/**
 * A fingerprint of the cached tables: `_collections` count and latest update, and the settings
 * value itself; its `updated` has millisecond precision, and two saves by another process within
 * one millisecond left the second unseen (seen in CI).
 */
async function cacheStamp(db: Db): Promise<string> {
  const q = db.dialect.quoteIdent
  const row = await db.get<{ n: number; u: string | null; s: string | Buffer | null }>(
    `SELECT (SELECT COUNT(*) FROM ${q('_collections')}) AS n, (SELECT MAX(updated) FROM ${q('_collections')}) AS u, (SELECT value FROM ${q('_params')} WHERE id = 'settings') AS s`,
  )
  return `${row?.n}|${row?.u}|${String(row?.s)}`
}
