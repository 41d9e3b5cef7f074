import { HookEvent } from '../tools/hook/hook.ts'
import type { App } from './app.ts'
import type { Collection } from './collection-model.ts'
import type { RequestInfo } from './request-info.ts'

/**
 * A collections API request about one collection (`onCollectionCreateRequest`,
 * `onCollectionUpdateRequest`, `onCollectionDeleteRequest`; PocketBase `CollectionRequestEvent`).
 * `collection` holds the submitted changes (create, update) or the collection to delete; the
 * last link saves or deletes it and writes the response into `response`, which a handler may
 * set itself instead of calling `e.next()`.
 */
export class CollectionRequestEvent extends HookEvent {
  app: App
  collection: Collection
  readonly requestInfo: RequestInfo
  /** The HTTP response once produced. */
  response: Response | undefined = undefined

  constructor(app: App, collection: Collection, requestInfo: RequestInfo) {
    super()
    this.app = app
    this.collection = collection
    this.requestInfo = requestInfo
  }
}

/**
 * `GET /api/collections` (`onCollectionsListRequest`; PocketBase `CollectionsListRequestEvent`):
 * the page of `collections` and its `result` envelope; the last link answers with them.
 */
export class CollectionsListRequestEvent extends HookEvent {
  app: App
  collections: Collection[]
  /** The list envelope (`page`, `perPage`, `totalItems`, `totalPages`). */
  readonly result: { page: number; perPage: number; totalItems: number; totalPages: number }
  readonly requestInfo: RequestInfo
  /** The HTTP response once produced. */
  response: Response | undefined = undefined

  constructor(
    app: App,
    collections: Collection[],
    result: CollectionsListRequestEvent['result'],
    requestInfo: RequestInfo,
  ) {
    super()
    this.app = app
    this.collections = collections
    this.result = result
    this.requestInfo = requestInfo
  }
}

/**
 * `PUT /api/collections/import` (`onCollectionsImportRequest`; PocketBase
 * `CollectionsImportRequestEvent`): the submitted definitions, which a handler may change; the
 * last link imports them in one transaction and answers 204.
 */
export class CollectionsImportRequestEvent extends HookEvent {
  app: App
  collectionsData: { [key: string]: unknown }[]
  deleteMissing: boolean
  readonly requestInfo: RequestInfo
  /** The HTTP response once produced. */
  response: Response | undefined = undefined

  constructor(
    app: App,
    collectionsData: { [key: string]: unknown }[],
    deleteMissing: boolean,
    requestInfo: RequestInfo,
  ) {
    super()
    this.app = app
    this.collectionsData = collectionsData
    this.deleteMissing = deleteMissing
    this.requestInfo = requestInfo
  }
}
