import { HookEvent } from '../tools/hook/hook.ts'
import type { App } from './app.ts'
import type { Collection } from './collection-model.ts'
import type { Record } from './record-model.ts'
import type { RequestInfo } from './request-info.ts'

/**
 * A record auth API request about one auth collection (PocketBase's `Record…RequestEvent`s of
 * `apis/record_auth_*.go`), tagged by the collection. Fired once the form is validated; the last
 * link does the rest of the request and writes `response`, which a handler may set itself
 * instead of calling `e.next()`. Used as is by `onRecordAuthRefreshRequest`,
 * `onRecordRequestPasswordResetRequest`, `onRecordConfirmPasswordResetRequest`,
 * `onRecordRequestVerificationRequest` and `onRecordConfirmVerificationRequest`.
 */
export class RecordAuthFlowRequestEvent extends HookEvent {
  app: App
  readonly collection: Collection
  /** The record the request is about (null when no record matched, where that can happen). */
  record: Record | null
  readonly requestInfo: RequestInfo
  /** The HTTP response once produced. */
  response: Response | undefined = undefined

  constructor(app: App, collection: Collection, record: Record | null, requestInfo: RequestInfo) {
    super()
    this.app = app
    this.collection = collection
    this.record = record
    this.requestInfo = requestInfo
  }
}

/**
 * Every successful sign-in and refresh (`onRecordAuthRequest`; PocketBase
 * `RecordAuthRequestEvent`), after the auth rule and MFA checks: the last link answers
 * `{token, record, meta?}`; handlers may change `token` or `meta`.
 */
export class RecordAuthRequestEvent extends RecordAuthFlowRequestEvent {
  declare record: Record
  token: string
  /** Extra data of the answer (OAuth2: the provider's user); null leaves `meta` out. */
  meta: { [key: string]: unknown } | null
  /** `password`, `otp`, `oauth2`, or '' for a refresh or impersonation. */
  readonly authMethod: string

  constructor(
    app: App,
    record: Record,
    requestInfo: RequestInfo,
    auth: { token: string; meta?: { [key: string]: unknown }; authMethod: string },
  ) {
    super(app, record.collection, record, requestInfo)
    this.token = auth.token
    this.meta = auth.meta ?? null
    this.authMethod = auth.authMethod
  }
}

/**
 * `auth-with-password` (`onRecordAuthWithPasswordRequest`): `record` is the identity's record or
 * null; a handler may set another. The last link checks `password` against it.
 */
export class RecordAuthWithPasswordRequestEvent extends RecordAuthFlowRequestEvent {
  identity: string
  identityField: string
  password: string

  constructor(
    app: App,
    collection: Collection,
    record: Record | null,
    requestInfo: RequestInfo,
    form: { identity: string; identityField: string; password: string },
  ) {
    super(app, collection, record, requestInfo)
    this.identity = form.identity
    this.identityField = form.identityField
    this.password = form.password
  }
}

/** `request-otp` (`onRecordRequestOTPRequest`): `password` is the code about to be sent. */
export class RecordCreateOTPRequestEvent extends RecordAuthFlowRequestEvent {
  password: string

  constructor(
    app: App,
    collection: Collection,
    record: Record | null,
    requestInfo: RequestInfo,
    password: string,
  ) {
    super(app, collection, record, requestInfo)
    this.password = password
  }
}

/** `auth-with-otp` (`onRecordAuthWithOTPRequest`), after the code was checked and claimed. */
export class RecordAuthWithOTPRequestEvent extends RecordAuthFlowRequestEvent {
  declare record: Record
  /** The `_otps` row that was used. */
  readonly otp: Record

  constructor(app: App, record: Record, requestInfo: RequestInfo, otp: Record) {
    super(app, record.collection, record, requestInfo)
    this.otp = otp
  }
}

/** `request-email-change` / `confirm-email-change` (`onRecord…EmailChangeRequest`). */
export class RecordEmailChangeRequestEvent extends RecordAuthFlowRequestEvent {
  declare record: Record
  newEmail: string

  constructor(app: App, record: Record, requestInfo: RequestInfo, newEmail: string) {
    super(app, record.collection, record, requestInfo)
    this.newEmail = newEmail
  }
}

/**
 * `auth-with-oauth2` (`onRecordAuthWithOAuth2Request`), after the code exchange and before the
 * account is created or linked: `record` is the linked, signed-in or same-email record, or null
 * (then the last link creates one from `createData` and the provider's user); a handler may set
 * another record.
 */
export class RecordAuthWithOAuth2RequestEvent extends RecordAuthFlowRequestEvent {
  readonly providerName: string
  /** The provider's user (`id`, `name`, `username`, `email`, `avatarURL`, `rawUser`, …). */
  readonly oAuth2User: { [key: string]: unknown }
  createData: { [key: string]: unknown }
  isNewRecord: boolean

  constructor(
    app: App,
    collection: Collection,
    record: Record | null,
    requestInfo: RequestInfo,
    oauth2: {
      providerName: string
      oAuth2User: { [key: string]: unknown }
      createData: { [key: string]: unknown }
    },
  ) {
    super(app, collection, record, requestInfo)
    this.providerName = oauth2.providerName
    this.oAuth2User = oauth2.oAuth2User
    this.createData = oauth2.createData
    this.isNewRecord = record === null
  }
}
