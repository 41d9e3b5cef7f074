import type { App } from '../core/app.ts'
import type { EmailTemplate } from '../core/collection-auth-options.ts'
import { newMailClient } from '../core/mail-client.ts'
import { MailerRecordEvent } from '../core/mailer-events.ts'
import type { Record } from '../core/record-model.ts'
import { newRecordToken } from '../core/record-tokens.ts'
import type { TaggableHook } from '../tools/hook/tagged-hook.ts'
import { escapeHtml, type Placeholders, renderEmail } from './template.ts'

/**
 * The system emails of auth records (PocketBase `mails/record.go`). Each renders the auth
 * collection's template and sends it with the current mail client; they reject when the
 * message could not be handed over (callers decide whether that reaches the client).
 */
async function send(
  app: App,
  hook: TaggableHook<MailerRecordEvent>,
  record: Record,
  to: string,
  template: EmailTemplate,
  extra: Placeholders,
  meta: { [key: string]: unknown },
): Promise<void> {
  const sender = app.settings().meta
  const { subject, html } = renderEmail(app, record, template, extra)
  const mailer = newMailClient(app)
  const message = {
    from: { name: sender.senderName, address: sender.senderAddress },
    to: [{ address: to }],
    subject,
    html,
  }
  await hook.trigger(new MailerRecordEvent(app, mailer, message, record, meta), (e) =>
    e.mailer.send(e.message),
  )
}

function options(record: Record) {
  const o = record.collection.auth
  if (o === undefined) throw new Error(`${record.collection.name} is not an auth collection.`)
  return o
}

/** Sends the verification email with a `verification` token (`{TOKEN}`) to the record's email. */
export async function sendRecordVerification(app: App, record: Record): Promise<void> {
  const email = record.getString('email')
  const token = await newRecordToken(record, 'verificationToken', { email })
  await send(
    app,
    app.onMailerRecordVerificationSend,
    record,
    email,
    options(record).verificationTemplate,
    { TOKEN: token },
    { token },
  )
}

/** Sends the password reset email with a `passwordReset` token (`{TOKEN}`) to the record's email. */
export async function sendRecordPasswordReset(app: App, record: Record): Promise<void> {
  const email = record.getString('email')
  const token = await newRecordToken(record, 'passwordResetToken', { email })
  await send(
    app,
    app.onMailerRecordPasswordResetSend,
    record,
    email,
    options(record).resetPasswordTemplate,
    { TOKEN: token },
    { token },
  )
}

/** Sends the email change confirmation (an `emailChange` token with `newEmail`) to `newEmail`. */
export async function sendRecordChangeEmail(
  app: App,
  record: Record,
  newEmail: string,
): Promise<void> {
  const token = await newRecordToken(record, 'emailChangeToken', {
    email: record.getString('email'),
    newEmail,
  })
  await send(
    app,
    app.onMailerRecordEmailChangeSend,
    record,
    newEmail,
    options(record).confirmEmailChangeTemplate,
    { TOKEN: token },
    { token },
  )
}

/** Sends the one-time password (`{OTP}`, `{OTP_ID}`) to the record's email. */
export async function sendRecordOTP(
  app: App,
  record: Record,
  otpId: string,
  code: string,
): Promise<void> {
  await send(
    app,
    app.onMailerRecordOTPSend,
    record,
    record.getString('email'),
    options(record).otp.emailTemplate,
    { OTP: code, OTP_ID: otpId },
    { otpId, password: code },
  )
}

/**
 * Sends the "new sign-in" alert (`{ALERT_INFO}` = `info`, e.g. `<date> - <ip> <user agent>`)
 * to the record's email.
 */
export async function sendRecordAuthAlert(app: App, record: Record, info: string): Promise<void> {
  await send(
    app,
    app.onMailerRecordAuthAlertSend,
    record,
    record.getString('email'),
    options(record).authAlert.emailTemplate,
    // NOTE: the user agent is the client's text; escaped so it cannot inject HTML into the email.
    { ALERT_INFO: escapeHtml(info) },
    { info },
  )
}
