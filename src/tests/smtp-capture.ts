import { SMTPServer } from 'smtp-server'

/** One message received by {@link startSmtpCapture}: envelope, headers and decoded text parts. */
export interface CapturedMail {
  readonly from: string
  readonly to: string[]
  readonly headers: { readonly [name: string]: string }
  /** The text/plain and text/html parts, decoded (quoted-printable, base64), joined by `\n`. */
  readonly body: string
}

/** A real SMTP server on loopback that keeps every message it receives. */
export interface SmtpCapture {
  readonly port: number
  readonly mails: CapturedMail[]
  /** The mails whose envelope recipients include `to`. */
  to(to: string): CapturedMail[]
  /** Waits (bounded, 10 s) for the `n`-th (1-based) mail to `to`. */
  next(to: string, n?: number): Promise<CapturedMail>
  close(): Promise<void>
}

/**
 * Starts `smtp-server` on 127.0.0.1 and a free port, without auth or STARTTLS, capturing every
 * message (tests point a server's SMTP settings at it).
 */
export async function startSmtpCapture(): Promise<SmtpCapture> {
  const mails: CapturedMail[] = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, cb) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8')
        const mailFrom = session.envelope.mailFrom
        mails.push({
          from: mailFrom === false ? '' : mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          headers: topHeaders(raw),
          body: decodeParts(raw),
        })
        cb()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const port = (server.server.address() as { port: number }).port
  return {
    port,
    mails,
    to: (to) => mails.filter((m) => m.to.includes(to)),
    async next(to, n = 1) {
      const end = Date.now() + 10_000
      for (;;) {
        const list = mails.filter((m) => m.to.includes(to))
        if (list.length >= n) return list[n - 1]!
        if (Date.now() > end) throw new Error(`no email #${n} to ${to} (got ${mails.length})`)
        await new Promise((r) => setTimeout(r, 50))
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** The top-level headers of a raw message (folded lines joined), names lower-cased. */
function topHeaders(raw: string): { [name: string]: string } {
  const head = raw.slice(0, raw.search(/\r?\n\r?\n/)).replace(/\r?\n[ \t]+/g, ' ')
  const out: { [name: string]: string } = {}
  for (const line of head.split(/\r?\n/)) {
    const i = line.indexOf(':')
    if (i > 0) out[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim()
  }
  return out
}

/** The decoded contents of every MIME part (quoted-printable and base64). */
function decodeParts(raw: string): string {
  const out: string[] = []
  for (const part of raw.split(/\r?\n--[^\r\n]+\r?\n/)) {
    const sep = part.search(/\r?\n\r?\n/)
    if (sep < 0) continue
    const headers = part.slice(0, sep)
    if (!/content-type:\s*text\//i.test(headers)) continue
    const content = part.slice(sep).trim()
    const cte = /content-transfer-encoding:\s*([\w-]+)/i.exec(headers)?.[1]?.toLowerCase()
    if (cte === 'base64') {
      out.push(Buffer.from(content.replace(/\s+/g, ''), 'base64').toString('utf8'))
    } else if (cte === 'quoted-printable') {
      const soft = content.replace(/=\r?\n/g, '')
      const bytes = soft.replace(/=([0-9A-F]{2})/gi, (_m, h: string) =>
        String.fromCharCode(Number.parseInt(h, 16)),
      )
      out.push(Buffer.from(bytes, 'latin1').toString('utf8'))
    } else {
      out.push(content)
    }
  }
  return out.join('\n')
}
