import type { Mailer } from '../tools/mailer/mailer.ts'
import { SendmailMailer } from '../tools/mailer/sendmail.ts'
import { SmtpMailer } from '../tools/mailer/smtp.ts'
import type { App } from './app.ts'
import { MailerEvent } from './mailer-events.ts'

const overrides = new WeakMap<object, Mailer>()

/**
 * A mail client for the current settings (PocketBase `app.NewMailClient`): SMTP when
 * `settings.smtp.enabled`, else the local `sendmail` binary; a mailer set with
 * {@link setMailerOverride} (tests) wins. Every `send` fires `onMailerSend`, whose last link
 * hands the (possibly changed) message to the transport.
 */
export function newMailClient(app: App): Mailer {
  const transport = mailTransport(app)
  return {
    send: (message) =>
      app.onMailerSend.trigger(new MailerEvent(app, transport, { ...message }), (e) =>
        e.mailer.send(e.message),
      ),
  }
}

function mailTransport(app: App): Mailer {
  const override = overrides.get(app.state)
  if (override !== undefined) return override
  const smtp = app.settings().smtp
  if (!smtp.enabled) return new SendmailMailer()
  return new SmtpMailer({
    host: smtp.host,
    port: smtp.port,
    username: smtp.username,
    password: smtp.password,
    authMethod: smtp.authMethod,
    tls: smtp.tls,
    localName: smtp.localName,
  })
}

/**
 * Makes every mail of `app` (and its transaction-bound copies) go to `mailer`; `undefined`
 * removes the override. For tests.
 */
export function setMailerOverride(app: App, mailer: Mailer | undefined): void {
  if (mailer === undefined) overrides.delete(app.state)
  else overrides.set(app.state, mailer)
}
