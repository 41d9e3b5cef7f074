import { HookEvent } from '../tools/hook/hook.ts'
import type { App } from './app.ts'
import type { RequestInfo } from './request-info.ts'

/** One sub-request of a batch as hooks see it (PocketBase `InternalRequest`; files kept aside). */
export interface InternalRequest {
  method: string
  url: string
  headers: { [key: string]: string }
  body: { [key: string]: unknown }
}

/**
 * `POST /api/batch` (`onBatchRequest`; PocketBase `BatchRequestEvent`), fired once the
 * sub-requests are read and validated: handlers may change or drop items of `batch`; the last
 * link runs them in one transaction and answers with their results.
 */
export class BatchRequestEvent extends HookEvent {
  readonly app: App
  batch: InternalRequest[]
  readonly requestInfo: RequestInfo
  /** The HTTP response once produced. */
  response: Response | undefined = undefined

  constructor(app: App, batch: InternalRequest[], requestInfo: RequestInfo) {
    super()
    this.app = app
    this.batch = batch
    this.requestInfo = requestInfo
  }
}
