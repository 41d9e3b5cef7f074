import { HookEvent } from '../tools/hook/hook.ts'
import type { Mailer, MailMessage } from '../tools/mailer/mailer.ts'
import type { App } from './app.ts'
import type { Record } from './record-model.ts'

/** A message as hooks see it: every part may be replaced before `e.next()` sends it. */
export type EditableMailMessage = { -readonly [K in keyof MailMessage]: MailMessage[K] }

/**
 * An email about to be sent with the app's mail client (`onMailerSend`; PocketBase
 * `MailerEvent`): the last link hands `message` to `mailer`.
 */
export class MailerEvent extends HookEvent {
  readonly app: App
  /** The transport the last link sends with. */
  mailer: Mailer
  message: EditableMailMessage
  constructor(app: App, mailer: Mailer, message: EditableMailMessage) {
    super()
    this.app = app
    this.mailer = mailer
    this.message = message
  }
}

/**
 * A system email to an auth record (`onMailerRecordVerificationSend`, …; PocketBase
 * `MailerRecordEvent`). `meta` holds what the message was made from: `token` (verification,
 * password reset, email change), `otpId` and `password` (OTP), `info` (auth alert).
 */
export class MailerRecordEvent extends MailerEvent {
  record: Record
  meta: { [key: string]: unknown }
  constructor(
    app: App,
    mailer: Mailer,
    message: EditableMailMessage,
    record: Record,
    meta: { [key: string]: unknown },
  ) {
    super(app, mailer, message)
    this.record = record
    this.meta = meta
  }
}
