import type { App } from './app.ts'
import type { Collection } from './collection-model.ts'
import {
  CollectionErrorEvent,
  CollectionEvent,
  ModelErrorEvent,
  ModelEvent,
  RecordErrorEvent,
  RecordEvent,
} from './events.ts'
import type { Record } from './record-model.ts'

// How a record or collection write fires its hooks (PocketBase's model hooks and their record and
// collection proxies): each step runs the record/collection hook first and, as its last link,
// the model hook of the same step, whose last link is the work itself. After-hooks fire at once
// outside a transaction and once the outermost transaction commits (or rolls back) inside one.

/** A write step: `create`, `update` or `delete`. */
export type WriteAction = 'create' | 'update' | 'delete'

/** The step hooks of a write: the step itself or its `*Execute` part. */
export type WriteStage = 'main' | 'execute'

function recordHook(app: App, action: WriteAction, stage: WriteStage) {
  if (stage === 'execute') {
    if (action === 'create') return [app.onRecordCreateExecute, app.onModelCreateExecute] as const
    if (action === 'update') return [app.onRecordUpdateExecute, app.onModelUpdateExecute] as const
    return [app.onRecordDeleteExecute, app.onModelDeleteExecute] as const
  }
  if (action === 'create') return [app.onRecordCreate, app.onModelCreate] as const
  if (action === 'update') return [app.onRecordUpdate, app.onModelUpdate] as const
  return [app.onRecordDelete, app.onModelDelete] as const
}

function collectionHook(app: App, action: WriteAction, stage: WriteStage) {
  if (stage === 'execute') {
    if (action === 'create')
      return [app.onCollectionCreateExecute, app.onModelCreateExecute] as const
    if (action === 'update')
      return [app.onCollectionUpdateExecute, app.onModelUpdateExecute] as const
    return [app.onCollectionDeleteExecute, app.onModelDeleteExecute] as const
  }
  if (action === 'create') return [app.onCollectionCreate, app.onModelCreate] as const
  if (action === 'update') return [app.onCollectionUpdate, app.onModelUpdate] as const
  return [app.onCollectionDelete, app.onModelDelete] as const
}

/**
 * Runs a record write step: `onRecord<Action>[Execute]`, then `onModel<Action>[Execute]`, then
 * `fn` with the (possibly transaction-bound) app and record of the event. A handler that skips
 * `e.next()` skips the rest, `fn` included.
 */
export async function triggerRecordStep(
  app: App,
  action: WriteAction,
  stage: WriteStage,
  record: Record,
  fn: (app: App, record: Record) => Promise<void>,
): Promise<void> {
  const [proxy, model] = recordHook(app, action, stage)
  await proxy.trigger(new RecordEvent(app, record), (re) =>
    model.trigger(new ModelEvent(re.app, re.record), (me) => fn(me.app, me.model as Record)),
  )
}

/** Like {@link triggerRecordStep} for a collection write (`onCollection…`, then `onModel…`). */
export async function triggerCollectionStep(
  app: App,
  action: WriteAction,
  stage: WriteStage,
  collection: Collection,
  fn: (app: App, collection: Collection) => Promise<void>,
): Promise<void> {
  const [proxy, model] = collectionHook(app, action, stage)
  await proxy.trigger(new CollectionEvent(app, collection), (ce) =>
    model.trigger(new ModelEvent(ce.app, ce.collection), (me) =>
      fn(me.app, me.model as Collection),
    ),
  )
}

/** Runs `onRecordValidate`, then `onModelValidate`, then `fn` (the field validators). */
export async function triggerRecordValidate(
  app: App,
  record: Record,
  fn: (app: App, record: Record) => Promise<void>,
): Promise<void> {
  await app.onRecordValidate.trigger(new RecordEvent(app, record), (re) =>
    app.onModelValidate.trigger(new ModelEvent(re.app, re.record), (me) =>
      fn(me.app, me.model as Record),
    ),
  )
}

/** Runs `onCollectionValidate`, then `onModelValidate`, then `fn`. */
export async function triggerCollectionValidate(
  app: App,
  collection: Collection,
  fn: (app: App, collection: Collection) => Promise<void>,
): Promise<void> {
  await app.onCollectionValidate.trigger(new CollectionEvent(app, collection), (ce) =>
    app.onModelValidate.trigger(new ModelEvent(ce.app, ce.collection), (me) =>
      fn(me.app, me.model as Collection),
    ),
  )
}

function recordAfter(app: App, action: WriteAction) {
  if (action === 'create') {
    return {
      success: [app.onRecordAfterCreateSuccess, app.onModelAfterCreateSuccess],
      error: [app.onRecordAfterCreateError, app.onModelAfterCreateError],
    } as const
  }
  if (action === 'update') {
    return {
      success: [app.onRecordAfterUpdateSuccess, app.onModelAfterUpdateSuccess],
      error: [app.onRecordAfterUpdateError, app.onModelAfterUpdateError],
    } as const
  }
  return {
    success: [app.onRecordAfterDeleteSuccess, app.onModelAfterDeleteSuccess],
    error: [app.onRecordAfterDeleteError, app.onModelAfterDeleteError],
  } as const
}

function collectionAfter(app: App, action: WriteAction) {
  if (action === 'create') {
    return {
      success: [app.onCollectionAfterCreateSuccess, app.onModelAfterCreateSuccess],
      error: [app.onCollectionAfterCreateError, app.onModelAfterCreateError],
    } as const
  }
  if (action === 'update') {
    return {
      success: [app.onCollectionAfterUpdateSuccess, app.onModelAfterUpdateSuccess],
      error: [app.onCollectionAfterUpdateError, app.onModelAfterUpdateError],
    } as const
  }
  return {
    success: [app.onCollectionAfterDeleteSuccess, app.onModelAfterDeleteSuccess],
    error: [app.onCollectionAfterDeleteError, app.onModelAfterDeleteError],
  } as const
}

async function recordSuccess(app: App, action: WriteAction, record: Record): Promise<void> {
  const [proxy, model] = recordAfter(app, action).success
  await proxy.trigger(new RecordEvent(app, record), (re) =>
    model.trigger(new ModelEvent(re.app, re.record)),
  )
}

async function recordError(
  app: App,
  action: WriteAction,
  record: Record,
  err: unknown,
): Promise<void> {
  const [proxy, model] = recordAfter(app, action).error
  await proxy.trigger(new RecordErrorEvent(app, record, err), (re) =>
    model.trigger(new ModelErrorEvent(re.app, re.record, err)),
  )
}

async function collectionSuccess(
  app: App,
  action: WriteAction,
  collection: Collection,
): Promise<void> {
  const [proxy, model] = collectionAfter(app, action).success
  await proxy.trigger(new CollectionEvent(app, collection), (ce) =>
    model.trigger(new ModelEvent(ce.app, ce.collection)),
  )
}

async function collectionError(
  app: App,
  action: WriteAction,
  collection: Collection,
  err: unknown,
): Promise<void> {
  const [proxy, model] = collectionAfter(app, action).error
  await proxy.trigger(new CollectionErrorEvent(app, collection, err), (ce) =>
    model.trigger(new ModelErrorEvent(ce.app, ce.collection, err)),
  )
}

/**
 * Fires a record write's after-success hooks (`onRecordAfter<Action>Success`, then
 * `onModelAfter<Action>Success`): at once outside a transaction (a handler's error is the
 * caller's), else once the outermost transaction commits, or the after-error hooks when it rolls
 * back. The event's app is never transaction-bound.
 */
export async function afterRecordWrite(
  app: App,
  action: WriteAction,
  record: Record,
): Promise<void> {
  if (!app.inTransaction) return recordSuccess(app, action, record)
  const outside = app.outside
  await app.afterCommit(() => recordSuccess(outside, action, record))
  app.afterRollback((err) => recordError(outside, action, record, err))
}

/** Fires a failed record write's after-error hooks at once (PocketBase: "immediate" errors). */
export function afterRecordWriteError(
  app: App,
  action: WriteAction,
  record: Record,
  err: unknown,
): Promise<void> {
  return recordError(app.outside, action, record, err)
}

/** Like {@link afterRecordWrite} for a collection write. */
export async function afterCollectionWrite(
  app: App,
  action: WriteAction,
  collection: Collection,
): Promise<void> {
  if (!app.inTransaction) return collectionSuccess(app, action, collection)
  const outside = app.outside
  await app.afterCommit(() => collectionSuccess(outside, action, collection))
  app.afterRollback((err) => collectionError(outside, action, collection, err))
}

/** Like {@link afterRecordWriteError} for a collection write. */
export function afterCollectionWriteError(
  app: App,
  action: WriteAction,
  collection: Collection,
  err: unknown,
): Promise<void> {
  return collectionError(app.outside, action, collection, err)
}
