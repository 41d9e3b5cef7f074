/** One address of a message: `name` is optional ("Support" in `Support <support@example.com>`). */
export interface MailAddress {
  readonly name?: string
  readonly address: string
}

/** A message to send (PocketBase `mailer.Message`): HTML body and an optional plain text part. */
export interface MailMessage {
  readonly from: MailAddress
  readonly to: readonly MailAddress[]
  readonly subject: string
  readonly html: string
  /** The plain text alternative; derived from `html` by the senders when omitted. */
  readonly text?: string
  readonly headers?: { readonly [name: string]: string }
}

/**
 * Mailer sends messages (PocketBase `mailer.Mailer`). Implementations: SMTP (`SmtpMailer`),
 * the local `sendmail` binary (`SendmailMailer`) and an in-memory recorder for tests
 * (`MemoryMailer`). `send` rejects when the message could not be handed over.
 */
export interface Mailer {
  send(message: MailMessage): Promise<void>
}

/** `Name <address>` (or just the address), for transports that take one header string. */
export function formatAddress(a: MailAddress): { name: string; address: string } | string {
  return a.name ? { name: a.name, address: a.address } : a.address
}

/**
 * A plain text rendering of an HTML body (the text/plain alternative of system emails): tags
 * removed, `<a href>` kept as `text (url)`, block ends as new lines, entities decoded.
 */
export function htmlToText(html: string): string {
  let s = html.replace(/<(style|script|head)[^>]*>[\s\S]*?<\/\1>/gi, '')
  s = s.replace(/<a\s[^>]*href\s*=\s*"([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, (_m, href, text) => {
    const label = text.replace(/<[^>]+>/g, '').trim()
    return label ? `${label} (${href})` : href
  })
  s = s.replace(/<br\s*\/?>/gi, '\n').replace(/<\/(p|div|h\d|li|tr)>/gi, '\n')
  s = s.replace(/<[^>]+>/g, '')
  s = s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#0?39;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
  return s
    .split('\n')
    .map((l) => l.trim())
    .filter((l, i, all) => l !== '' || (i > 0 && all[i - 1] !== ''))
    .join('\n')
    .trim()
}
