import type { Transporter } from 'nodemailer'
import { formatAddress, htmlToText, type Mailer, type MailMessage } from './mailer.ts'

/** SMTP connection options (PocketBase `settings.smtp`). */
export interface SmtpOptions {
  readonly host: string
  readonly port: number
  readonly username?: string
  readonly password?: string
  /** `PLAIN`, `LOGIN` or "" (nodemailer picks one the server offers). */
  readonly authMethod?: string
  /** True: implicit TLS from the first byte (SMTPS, usually port 465); false: STARTTLS when offered. */
  readonly tls: boolean
  /** The EHLO/HELO name ("" → the system's host name). */
  readonly localName?: string
  /** Connection, greeting and socket timeout in milliseconds (default 15000). */
  readonly timeoutMs?: number
}

/**
 * SmtpMailer sends through an SMTP server with nodemailer (PocketBase `mailer.SMTPClient`). One
 * connection per message (no pool), so settings changes apply to the next message.
 */
export class SmtpMailer implements Mailer {
  readonly #options: SmtpOptions
  #transport: Transporter | undefined

  constructor(options: SmtpOptions) {
    this.#options = options
  }

  /** Sends one message; rejects with the SMTP error. */
  async send(message: MailMessage): Promise<void> {
    this.#transport ??= await this.#createTransport()
    await this.#transport.sendMail({
      from: formatAddress(message.from),
      to: message.to.map(formatAddress),
      subject: message.subject,
      html: message.html,
      text: message.text ?? htmlToText(message.html),
      headers: message.headers ? { ...message.headers } : undefined,
    })
  }

  // NOTE: nodemailer is loaded by the first message, not at start-up (~30 ms per process).
  async #createTransport(): Promise<Transporter> {
    const { createTransport } = await import('nodemailer')
    const options = this.#options
    const timeout = options.timeoutMs ?? 15_000
    const auth =
      options.username || options.password
        ? { user: options.username ?? '', pass: options.password ?? '' }
        : undefined
    return createTransport({
      host: options.host,
      port: options.port,
      secure: options.tls,
      auth,
      authMethod: options.authMethod ? options.authMethod.toUpperCase() : undefined,
      name: options.localName || undefined,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    })
  }
}
