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
