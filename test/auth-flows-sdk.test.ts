// End-to-end auth email flows: `satchel serve` (2 workers) as a process, SMTP settings pointing at
// a real `smtp-server` on loopback started here, every flow driven with the official SDK and the
// tokens/codes read from the received emails. SATCHEL_E2E_TARGET=pocketbase runs the same suite
// against the real PocketBase (the oracle).
import type PocketBase from 'pocketbase'
import { SMTPServer } from 'smtp-server'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { cleanupAll, type ServerProcess } from '../src/tests/process.ts'
import {
  client,
  expectFailure,
  failure,
  startServer,
  targetKind,
  upsertSuperuser,
} from '../src/tests/sdk.ts'

const kind = targetKind()
const SU_EMAIL = 'root@example.com'
const SU_PASS = 'root-pass-123'

interface Mail {
  to: string[]
  subject: string
  body: string
}

const mails: Mail[] = []
let smtp: SMTPServer
let smtpPort = 0
let server: ServerProcess
let su: PocketBase

/** Decodes the parts of a raw MIME message (quoted-printable and base64) into one text. */
function decodeMime(raw: string): { subject: string; body: string } {
  const subject = /^Subject: (.*)$/im.exec(raw)?.[1]?.trim() ?? ''
  const out: string[] = []
  for (const part of raw.split(/\r?\n--[^\r\n]+\r?\n/)) {
    const sep = part.search(/\r?\n\r?\n/)
    if (sep < 0) continue
    const headers = part.slice(0, sep)
    const content = part.slice(sep).trim()
    const cte = /content-transfer-encoding:\s*([\w-]+)/i.exec(headers)?.[1]?.toLowerCase()
    if (cte === 'base64')
      out.push(Buffer.from(content.replace(/\s+/g, ''), 'base64').toString('utf8'))
    else if (cte === 'quoted-printable') {
      const soft = content.replace(/=\r?\n/g, '')
      out.push(
        Buffer.from(
          soft.replace(/=([0-9A-F]{2})/gi, (_m, h: string) =>
            String.fromCharCode(Number.parseInt(h, 16)),
          ),
          'latin1',
        ).toString('utf8'),
      )
    } else out.push(content)
  }
  return { subject, body: out.join('\n') }
}

/** Waits for the `n`-th (1-based) email to `to`. */
async function mailTo(to: string, n = 1, timeoutMs = 10_000): Promise<Mail> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const list = mails.filter((m) => m.to.includes(to))
    if (list.length >= n) return list[n - 1]!
    if (Date.now() > end)
      throw new Error(
        `no email #${n} to ${to}; got ${JSON.stringify(mails.map((m) => [m.to, m.subject]))}`,
      )
    await new Promise((r) => setTimeout(r, 50))
  }
}

function tokenOf(mail: Mail): string {
  const m = /confirm-[a-z-]+\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/.exec(mail.body)
  if (!m) throw new Error(`no token in ${mail.body.slice(0, 500)}`)
  return m[1]!
}

function otpOf(mail: Mail): string {
  const m = /<strong>(\d{4,})<\/strong>/.exec(mail.body)
  if (!m) throw new Error(`no OTP in ${mail.body.slice(0, 500)}`)
  return m[1]!
}

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, cb) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        const { subject, body } = decodeMime(Buffer.concat(chunks).toString('utf8'))
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), subject, body })
        cb()
      })
    },
  })
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()))
  smtpPort = (smtp.server.address() as { port: number }).port
  server = await startServer(kind)
  upsertSuperuser(kind, server.dir, SU_EMAIL, SU_PASS)
  su = client(server.url)
  await su.collection('_superusers').authWithPassword(SU_EMAIL, SU_PASS)
  await su.settings.update({
    meta: { appName: 'AuthFlows', appURL: 'http://app.test' },
    smtp: { enabled: true, host: '127.0.0.1', port: smtpPort, tls: false },
  })
  await su.collections.update('users', {
    passwordAuth: { enabled: true, identityFields: ['email'] },
    otp: { enabled: true },
  })
})

afterEach(({ task }) => {
  if (task.result?.state === 'fail')
    console.error(`${kind} output (tail):\n${server?.output().slice(-3000)}`)
})

afterAll(async () => {
  await server?.stop('SIGKILL')
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()))
  cleanupAll()
})

describe(`auth email flows through the SDK (${kind})`, () => {
  const email = 'flow@example.com'
  let userId = ''

  test('verification: request, token from the email, confirm', async () => {
    const guest = client(server.url)
    const created = await guest.collection('users').create({
      email,
      password: 'first-pass-1',
      passwordConfirm: 'first-pass-1',
      name: 'Flow <User>',
    })
    userId = created.id
    expect(await guest.collection('users').requestVerification(email)).toBe(true)
    // an unknown address looks the same
    expect(await guest.collection('users').requestVerification('nobody@example.com')).toBe(true)
    const mail = await mailTo(email)
    expect(mail.body).toContain('http://app.test')
    expect(await guest.collection('users').confirmVerification(tokenOf(mail))).toBe(true)
    const rec = await su.collection('users').getOne(userId)
    expect(rec.verified).toBe(true)
    await expectFailure(
      guest.collection('users').confirmVerification('not-a-token'),
      400,
      'An error occurred while validating the submitted data.',
      { token: { code: 'validation_invalid_token_claims', message: 'Missing email token claim.' } },
    )
  })

  test('password reset: old sessions end, token is single use', async () => {
    const user = client(server.url)
    await user.collection('users').authWithPassword(email, 'first-pass-1')
    const oldToken = user.authStore.token
    const before = mails.filter((m) => m.to.includes(email)).length
    expect(await client(server.url).collection('users').requestPasswordReset(email)).toBe(true)
    const mail = await mailTo(email, before + 1)
    const token = tokenOf(mail)
    const guest = client(server.url)
    expect(
      await guest.collection('users').confirmPasswordReset(token, 'second-pass-2', 'second-pass-2'),
    ).toBe(true)
    await expectFailure(client(server.url, oldToken).collection('users').authRefresh(), 401)
    const again = await expectFailure(
      guest.collection('users').confirmPasswordReset(token, 'third-pass-3', 'third-pass-3'),
      400,
    )
    expect((again.response as { data: { token: { code: string } } }).data.token.code).toBe(
      'validation_invalid_token',
    )
    await client(server.url).collection('users').authWithPassword(email, 'second-pass-2')
  })

  test('email change: request as the user, confirm with the password', async () => {
    const user = client(server.url)
    await user.collection('users').authWithPassword(email, 'second-pass-2')
    expect(await user.collection('users').requestEmailChange('changed@example.com')).toBe(true)
    const mail = await mailTo('changed@example.com')
    const guest = client(server.url)
    await expectFailure(
      guest.collection('users').confirmEmailChange(tokenOf(mail), 'wrong-pass-0'),
      400,
    )
    expect(await guest.collection('users').confirmEmailChange(tokenOf(mail), 'second-pass-2')).toBe(
      true,
    )
    const rec = await client(server.url)
      .collection('users')
      .authWithPassword('changed@example.com', 'second-pass-2')
    expect(rec.record.email).toBe('changed@example.com')
  })

  test('OTP: request, code from the email, sign in; unknown emails get an otpId too', async () => {
    const guest = client(server.url)
    const fake = await guest.collection('users').requestOTP('nobody@example.com')
    expect(fake.otpId).toMatch(/^[a-z0-9]{15}$/)
    const current = (await su.collection('users').getOne(userId)).email as string
    const before = mails.filter((m) => m.to.includes(current)).length
    const { otpId } = await guest.collection('users').requestOTP(current)
    const code = otpOf(await mailTo(current, before + 1))
    const auth = await guest.collection('users').authWithOTP(otpId, code)
    expect(auth.record.id).toBe(userId)
    await expectFailure(
      client(server.url).collection('users').authWithOTP(otpId, code),
      400,
      'Invalid or expired OTP.',
    )
  })

  test('MFA: password then OTP', async () => {
    await su.collections.update('users', {
      mfa: { enabled: true },
      passwordAuth: { enabled: true },
    })
    try {
      const current = (await su.collection('users').getOne(userId)).email as string
      const guest = client(server.url)
      const err = await failure(
        guest.collection('users').authWithPassword(current, 'second-pass-2'),
      )
      expect(err.status).toBe(401)
      expect(Object.keys(err.response)).toEqual(['mfaId'])
      const mfaId = (err.response as { mfaId: string }).mfaId
      expect(mfaId).toMatch(/^[a-z0-9]{15}$/)
      await expectFailure(
        guest.collection('users').authWithPassword(current, 'second-pass-2', { mfaId }),
        400,
        'A different authentication method is required.',
      )
      const before = mails.filter((m) => m.to.includes(current)).length
      const { otpId } = await guest.collection('users').requestOTP(current)
      const code = otpOf(await mailTo(current, before + 1))
      const auth = await guest.collection('users').authWithOTP(otpId, code, { mfaId })
      expect(auth.record.id).toBe(userId)
    } finally {
      await su.collections.update('users', {
        mfa: { enabled: false },
        passwordAuth: { enabled: true },
      })
    }
  })

  test('auth alert: a new user agent gets an email', async () => {
    const current = (await su.collection('users').getOne(userId)).email as string
    const before = mails.filter((m) => m.to.includes(current)).length
    const guest = client(server.url)
    await guest.collection('users').authWithPassword(current, 'second-pass-2', {
      headers: { 'User-Agent': 'satchel-e2e-new-device' },
    })
    const mail = await mailTo(current, before + 1)
    expect(mail.body).toContain('satchel-e2e-new-device')
  })

  test('settings test email reaches the receiver', async () => {
    await su.settings.testEmail('users', 'tester@example.com', 'verification')
    const mail = await mailTo('tester@example.com')
    expect(tokenOf(mail).split('.')).toHaveLength(3)
  })
})
