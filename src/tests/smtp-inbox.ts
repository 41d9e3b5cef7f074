import { SMTPServer } from 'smtp-server'

/** One received email: recipients and its text (MIME parts decoded and joined). */
export interface ReceivedMail {
  readonly to: readonly string[]
  readonly text: string
}

/** A real SMTP receiver on loopback that keeps every message it gets. */
export interface SmtpInbox {
  readonly port: number
  readonly mails: ReceivedMail[]
  /** Waits (bounded, 10 s) for the `n`-th (1-based) email to `to`. */
  next(to: string, n?: number): Promise<ReceivedMail>
  close(): Promise<void>
}

/** Starts an `smtp-server` on 127.0.0.1 (a free port, no auth, no TLS). */
export async function startSmtpInbox(): Promise<SmtpInbox> {
  const mails: ReceivedMail[] = []
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, cb) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        const to = session.envelope.rcptTo.map((r) => r.address)
        mails.push({ to, text: decodeParts(Buffer.concat(chunks).toString('utf8')) })
        cb()
      })
    },
  })
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()))
  const port = (smtp.server.address() as { port: number }).port
  return {
    port,
    mails,
    async next(to, n = 1) {
      const end = Date.now() + 10_000
      for (;;) {
        const list = mails.filter((m) => m.to.includes(to))
        if (list.length >= n) return list[n - 1]!
        if (Date.now() > end) throw new Error(`no email #${n} to ${to} (got ${mails.length})`)
        await new Promise((r) => setTimeout(r, 50))
      }
    },
    close: () => new Promise<void>((resolve) => smtp.close(() => resolve())),
  }
}

/** Joins the decoded bodies of a raw MIME message's parts (base64 and quoted-printable). */
function decodeParts(raw: string): string {
  const out: string[] = []
  for (const part of raw.split(/\r?\n--[^\r\n]+\r?\n/)) {
    const sep = part.search(/\r?\n\r?\n/)
    if (sep < 0) continue
    const cte = /content-transfer-encoding:\s*([\w-]+)/i
      .exec(part.slice(0, sep))?.[1]
      ?.toLowerCase()
    const content = part.slice(sep).trim()
    if (cte === 'base64')
      out.push(Buffer.from(content.replace(/\s+/g, ''), 'base64').toString('utf8'))
    else if (cte === 'quoted-printable')
      out.push(
        Buffer.from(
          content
            .replace(/=\r?\n/g, '')
            .replace(/=([0-9A-F]{2})/gi, (_m, h: string) =>
              String.fromCharCode(Number.parseInt(h, 16)),
            ),
          'latin1',
        ).toString('utf8'),
      )
    else out.push(content)
  }
  return out.join('\n')
}
