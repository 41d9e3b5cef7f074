import { HookEvent } from '../tools/hook/hook.ts'
import type { App } from './app.ts'
import type { Collection } from './collection-model.ts'
import type { FileField } from './field-file.ts'
import type { Record } from './record-model.ts'
import type { RequestInfo } from './request-info.ts'

/**
 * `GET /api/files/{collection}/{recordId}/{filename}` (`onFileDownloadRequest`, tagged by the
 * collection; PocketBase `FileDownloadRequestEvent`), fired after the access checks: handlers may
 * change `servedPath` (a storage key) and `servedName`, or answer themselves by setting
 * `response`; the last link sends the file.
 */
export class FileDownloadRequestEvent extends HookEvent {
  readonly app: App
  readonly collection: Collection
  readonly record: Record
  readonly fileField: FileField
  /** The storage key to send (the thumb's, when one was asked for and exists). */
  servedPath: string
  /** The file name of the `Content-Disposition` header. */
  servedName: string
  readonly requestInfo: RequestInfo
  /** The HTTP response once produced. */
  response: Response | undefined = undefined

  constructor(
    app: App,
    collection: Collection,
    record: Record,
    fileField: FileField,
    served: { path: string; name: string },
    requestInfo: RequestInfo,
  ) {
    super()
    this.app = app
    this.collection = collection
    this.record = record
    this.fileField = fileField
    this.servedPath = served.path
    this.servedName = served.name
    this.requestInfo = requestInfo
  }
}

/**
 * `POST /api/files/token` (`onFileTokenRequest`, tagged by the auth record's collection;
 * PocketBase `FileTokenRequestEvent`): `token` is already made for `record`; the last link
 * answers `{"token": …}`.
 */
export class FileTokenRequestEvent extends HookEvent {
  readonly app: App
  /** The authenticated record the token is for. */
  readonly record: Record
  token: string
  readonly requestInfo: RequestInfo
  /** The HTTP response once produced. */
  response: Response | undefined = undefined

  constructor(app: App, record: Record, token: string, requestInfo: RequestInfo) {
    super()
    this.app = app
    this.record = record
    this.token = token
    this.requestInfo = requestInfo
  }
}
