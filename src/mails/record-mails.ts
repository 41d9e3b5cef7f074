import type { App } from '../core/app.ts'
import type { EmailTemplate } from '../core/collection-auth-options.ts'
import { newMailClient } from '../core/mail-client.ts'
import type { Record } from '../core/record-model.ts'
import { newRecordToken } from '../core/record-tokens.ts'
import { escapeHtml, type Placeholders, renderEmail } from './template.ts'

/**
 * The system emails of auth records (PocketBase `mails/record.go`). Each renders the auth
 * collection's template and sends it with the current mail client; they reject when the
 * message could not be handed over (callers decide whether that reaches the client).
 */
async function send(
  app: App,
  record: Record,
  to: string,
  template: EmailTemplate,
  extra: Placeholders,
): Promise<void> {
  const meta = app.settings().meta
  const { subject, html } = renderEmail(app, record, template, extra)
  await newMailClient(app).send({
    from: { name: meta.senderName, address: meta.senderAddress },
    to: [{ address: to }],
    subject,
    html,
  })
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
  await send(app, record, email, options(record).verificationTemplate, { TOKEN: token })
}

/** Sends the password reset email with a `passwordReset` token (`{TOKEN}`) to the record's email. */
export async function sendRecordPasswordReset(app: App, record: Record): Promise<void> {
  const email = record.getString('email')
  const token = await newRecordToken(record, 'passwordResetToken', { email })
  await send(app, record, email, options(record).resetPasswordTemplate, { TOKEN: token })
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
  await send(app, record, newEmail, options(record).confirmEmailChangeTemplate, { TOKEN: token })
}

/** Sends the one-time password (`{OTP}`, `{OTP_ID}`) to the record's email. */
export async function sendRecordOTP(
  app: App,
  record: Record,
  otpId: string,
  code: string,
): Promise<void> {
  await send(app, record, record.getString('email'), options(record).otp.emailTemplate, {
    OTP: code,
    OTP_ID: otpId,
  })
}

/**
 * Sends the "new sign-in" alert (`{ALERT_INFO}` = `info`, e.g. `<date> - <ip> <user agent>`)
 * to the record's email.
 */
export async function sendRecordAuthAlert(app: App, record: Record, info: string): Promise<void> {
  await send(app, record, record.getString('email'), options(record).authAlert.emailTemplate, {
    // NOTE: the user agent is the client's text; escaped so it cannot inject HTML into the email.
    ALERT_INFO: escapeHtml(info),
  })
}
