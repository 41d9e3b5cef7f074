import { accessSync, constants } from 'node:fs'
import { formatAddress, htmlToText, type Mailer, type MailMessage } from './mailer.ts'

/** Where a `sendmail` executable is looked for, in order (PocketBase's list). */
export const SENDMAIL_PATHS = ['/usr/bin/sendmail', '/usr/sbin/sendmail', '/usr/local/bin/sendmail']

/** The first executable `sendmail` of {@link SENDMAIL_PATHS}, or undefined. */
export function findSendmail(paths: readonly string[] = SENDMAIL_PATHS): string | undefined {
  for (const p of paths) {
    try {
      accessSync(p, constants.X_OK)
      return p
    } catch {
      // not there
    }
  }
  return undefined
}

/**
 * SendmailMailer pipes messages to the local `sendmail` binary (PocketBase's fallback when SMTP
 * is disabled). `send` rejects with `failed to locate a sendmail executable path` when there is
 * none, and with the binary's error when it fails.
 */
export class SendmailMailer implements Mailer {
  readonly #paths: readonly string[]

  constructor(paths: readonly string[] = SENDMAIL_PATHS) {
    this.#paths = paths
  }

  /** Sends one message through `sendmail -t -i`. */
  async send(message: MailMessage): Promise<void> {
    const path = findSendmail(this.#paths)
    if (path === undefined) throw new Error('failed to locate a sendmail executable path')
    // NOTE: nodemailer is loaded by the first message, not at start-up
    const { createTransport } = await import('nodemailer')
    const transport = createTransport({ sendmail: true, newline: 'unix', path })
    await transport.sendMail({
      from: formatAddress(message.from),
      to: message.to.map(formatAddress),
      subject: message.subject,
      html: message.html,
      text: message.text ?? htmlToText(message.html),
      headers: message.headers ? { ...message.headers } : undefined,
    })
  }
}
