/**
 * Satchel's public API for embedding and extending it (`import { … } from 'satchel'`): the
 * `Satchel` app, its hooks and events, custom routes and their middlewares, the API errors and
 * the record/collection models a hook works with. The only barrel of the package.
 *
 * @example
 * import { Satchel } from 'satchel'
 *
 * const app = new Satchel({ dataDir: './pb_data' })
 * app.onServe.bind(async (e) => {
 *   e.router.get('/api/hello', (e) => e.json(200, { hello: 'world' }))
 *   await e.next()
 * })
 * await app.start({ http: '127.0.0.1:8090' })
 *
 * @module
 */

export {
  bodyLimit,
  requireAuth,
  requireGuestOnly,
  requireSuperuserAuth,
} from './apis/custom-routes.ts'
export type { RunningServer, TlsFiles } from './apis/serve.ts'
export { App, type AppConfig } from './core/app.ts'
export { BatchRequestEvent, type InternalRequest } from './core/batch-request-event.ts'
export { type CollectionChange, changeCollection } from './core/collection-change.ts'
export { importCollections } from './core/collection-import.ts'
export { Collection, type CollectionType } from './core/collection-model.ts'
export {
  CollectionRequestEvent,
  CollectionsImportRequestEvent,
  CollectionsListRequestEvent,
} from './core/collection-request-event.ts'
export { deleteCollection, saveCollection } from './core/collection-save.ts'
export {
  AppEvent,
  BackupEvent,
  CollectionErrorEvent,
  CollectionEvent,
  ModelErrorEvent,
  ModelEvent,
  RecordErrorEvent,
  RecordEvent,
  ServeEvent,
} from './core/events.ts'
export { FileDownloadRequestEvent, FileTokenRequestEvent } from './core/file-request-events.ts'
export {
  type EditableMailMessage,
  MailerEvent,
  MailerRecordEvent,
} from './core/mailer-events.ts'
export { MigrationError, type MigrationFunctions } from './core/migrations-runner.ts'
export {
  RealtimeConnectRequestEvent,
  RealtimeMessageEvent,
  RealtimeSubscribeRequestEvent,
} from './core/realtime-events.ts'
export {
  RecordAuthFlowRequestEvent,
  RecordAuthRequestEvent,
  RecordAuthWithOAuth2RequestEvent,
  RecordAuthWithOTPRequestEvent,
  RecordAuthWithPasswordRequestEvent,
  RecordCreateOTPRequestEvent,
  RecordEmailChangeRequestEvent,
} from './core/record-auth-request-events.ts'
export { deleteRecord } from './core/record-delete.ts'
export { Record } from './core/record-model.ts'
export {
  countRecords,
  findFirstRecordByData,
  findRecordById,
  findRecordsByFilter,
  findRecordsByIds,
} from './core/record-query.ts'
export {
  RecordEnrichEvent,
  RecordRequestEvent,
  RecordsListRequestEvent,
} from './core/record-request-events.ts'
export { type SaveOptions, saveRecord, validateRecord } from './core/record-save.ts'
export { RequestEvent } from './core/request-event.ts'
export type { RequestInfo } from './core/request-info.ts'
export {
  SettingsListRequestEvent,
  SettingsUpdateRequestEvent,
} from './core/settings-request-events.ts'
export type { HooksFunction, HooksLoadFailure } from './plugins/hooks-loader.ts'
export { type MigrationUp, migrate } from './plugins/migrations-loader.ts'
export { Satchel, type SatchelOptions, type SatchelServeOptions } from './satchel.ts'
export { Cron, CronJob } from './tools/cron/cron.ts'
export { NoRowsError } from './tools/db/db.ts'
export { type BindOptions, Hook, HookEvent, type HookHandler } from './tools/hook/hook.ts'
export { type TaggableHook, TaggedHook } from './tools/hook/tagged-hook.ts'
export {
  ApiError,
  badRequestError,
  forbiddenError,
  internalServerError,
  notFoundError,
  tooLargeError,
  tooManyRequestsError,
  unauthorizedError,
} from './tools/router/api-error.ts'
export {
  type Middleware,
  Route,
  type RouteAction,
  Router,
  RouterGroup,
} from './tools/router/router.ts'
export { RouterEvent } from './tools/router/router-event.ts'
export { Store } from './tools/store/store.ts'
export {
  RealtimeSocket,
  RealtimeSocketError,
  type RealtimeSocketOptions,
  type RealtimeSubscribeOptions,
  subscriptionKey,
  type WebSocketConstructorLike,
  type WebSocketLike,
} from './tools/subscriptions/ws-client.ts'
export {
  type ValidationError,
  ValidationErrors,
} from './tools/validation/validation-errors.ts'
