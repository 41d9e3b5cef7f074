import { HookEvent } from '../tools/hook/hook.ts'
import type { App } from './app.ts'
import type { Collection } from './collection-model.ts'
import type { Record } from './record-model.ts'
import type { RequestInfo } from './request-info.ts'

/**
 * A records API request about one record (`onRecordViewRequest`, `onRecordCreateRequest`,
 * `onRecordUpdateRequest`, `onRecordDeleteRequest`; PocketBase `RecordRequestEvent`). The last
 * link saves/deletes and writes the response into `response`; a handler may set `response`
 * itself instead of calling `e.next()`.
 */
export class RecordRequestEvent extends HookEvent {
  app: App
  readonly collection: Collection
  record: Record
  readonly requestInfo: RequestInfo
  /** The HTTP response once produced. */
  response: Response | undefined = undefined

  constructor(app: App, collection: Collection, record: Record, requestInfo: RequestInfo) {
    super()
    this.app = app
    this.collection = collection
    this.record = record
    this.requestInfo = requestInfo
  }
}

/** A records list request (`onRecordsListRequest`; PocketBase `RecordsListRequestEvent`). */
export class RecordsListRequestEvent extends HookEvent {
  app: App
  readonly collection: Collection
  records: Record[]
  /** The list envelope (`page`, `perPage`, `totalItems`, `totalPages`). */
  readonly result: { page: number; perPage: number; totalItems: number; totalPages: number }
  readonly requestInfo: RequestInfo
  /** The HTTP response once produced. */
  response: Response | undefined = undefined

  constructor(
    app: App,
    collection: Collection,
    records: Record[],
    result: RecordsListRequestEvent['result'],
    requestInfo: RequestInfo,
  ) {
    super()
    this.app = app
    this.collection = collection
    this.records = records
    this.result = result
    this.requestInfo = requestInfo
  }
}

/**
 * Fired for every record about to be sent by the records API, expanded ones included
 * (`onRecordEnrich`; PocketBase `RecordEnrichEvent`): handlers may hide or unhide fields or set
 * custom data.
 */
export class RecordEnrichEvent extends HookEvent {
  app: App
  record: Record
  readonly requestInfo: RequestInfo

  constructor(app: App, record: Record, requestInfo: RequestInfo) {
    super()
    this.app = app
    this.record = record
    this.requestInfo = requestInfo
  }
}
