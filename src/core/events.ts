import { HookEvent } from '../tools/hook/hook.ts'
import type { Router } from '../tools/router/router.ts'
import type { App } from './app.ts'
import type { Collection } from './collection-model.ts'
import type { Record } from './record-model.ts'
import type { RequestEvent } from './request-event.ts'

/** Fired around app start (`onBootstrap`) and stop (`onTerminate`). */
export class AppEvent extends HookEvent {
  readonly app: App
  constructor(app: App) {
    super()
    this.app = app
  }
}

/**
 * A record model event (`onRecordCreate`, `onRecordUpdate`, `onRecordDelete`, `onRecordValidate`,
 * the `*Execute` and `onRecordAfter*Success` hooks). `app` is transaction-bound inside a
 * transaction.
 */
export class RecordEvent extends HookEvent {
  app: App
  record: Record
  constructor(app: App, record: Record) {
    super()
    this.app = app
    this.record = record
  }
}

/** A record model event that failed (`onRecordAfterCreateError`, …). */
export class RecordErrorEvent extends RecordEvent {
  readonly error: unknown
  constructor(app: App, record: Record, error: unknown) {
    super(app, record)
    this.error = error
  }
}

/** A collection model event (`onCollectionCreate`, `onCollectionUpdate`, `onCollectionDelete`). */
export class CollectionEvent extends HookEvent {
  app: App
  collection: Collection
  constructor(app: App, collection: Collection) {
    super()
    this.app = app
    this.collection = collection
  }
}

/**
 * A backup event (`onBackupCreate`, `onBackupRestore`; PocketBase `BackupEvent`): handlers may
 * change `name` (before `e.next()`, while creating) and `exclude`, the root entries of `pb_data`
 * left out of the archive (create) or left in place (restore).
 */
export class BackupEvent extends HookEvent {
  readonly app: App
  name: string
  exclude: string[]
  constructor(app: App, name: string, exclude: string[]) {
    super()
    this.app = app
    this.name = name
    this.exclude = exclude
  }
}

/**
 * The `onServe` event (PocketBase `ServeEvent`): handlers add routes and middlewares to
 * `router` before calling `await e.next()`, which starts listening.
 *
 * @example
 * app.onServe.bind(async (e) => {
 *   e.router.get('/api/hello', (e) => e.json(200, { hello: 'world' }))
 *   await e.next()
 * })
 */
export class ServeEvent extends HookEvent {
  readonly app: App
  readonly router: Router<RequestEvent>
  constructor(app: App, router: Router<RequestEvent>) {
    super()
    this.app = app
    this.router = router
  }
}

/**
 * A generic model event (`onModelValidate`, `onModelCreate`, `onModelCreateExecute`,
 * `onModelAfterCreateSuccess`, …; PocketBase `ModelEvent`): fired for every record and
 * collection write, after the record/collection hooks of the same step (PocketBase's proxies).
 * `model` is the Record or Collection; tags are a record's collection id and name, or
 * `_collections` for a collection.
 */
export class ModelEvent extends HookEvent {
  app: App
  model: Record | Collection
  constructor(app: App, model: Record | Collection) {
    super()
    this.app = app
    this.model = model
  }
}

/** A model write that failed or was rolled back (`onModelAfterCreateError`, …). */
export class ModelErrorEvent extends ModelEvent {
  readonly error: unknown
  constructor(app: App, model: Record | Collection, error: unknown) {
    super(app, model)
    this.error = error
  }
}

/** A collection write that failed or was rolled back (`onCollectionAfterCreateError`, …). */
export class CollectionErrorEvent extends CollectionEvent {
  readonly error: unknown
  constructor(app: App, collection: Collection, error: unknown) {
    super(app, collection)
    this.error = error
  }
}
