import { describe, expect, test } from 'vitest'
import { settleBackground } from '../core/app-report.ts'
import { setMailerOverride } from '../core/mail-client.ts'
import { findRecordById } from '../core/record-query.ts'
import { apiScenarios } from '../tests/api-scenario.ts'
import { TestApp } from '../tests/test-app.ts'
import { MemoryMailer } from '../tools/mailer/memory.ts'
import { parseUnverifiedJwt } from '../tools/security/jwt.ts'

const U = '/api/collections/users'

async function withMail(app: TestApp): Promise<MemoryMailer> {
  const mailer = new MemoryMailer()
  setMailerOverride(app, mailer)
  return mailer
}

async function seedUser(app: TestApp, data: { [k: string]: unknown } = {}) {
  return app.createAuthRecord('users', {
    email: 'test@example.com',
    password: '1234567890',
    name: 'Test <b>',
    ...data,
  })
}

async function patchUsers(
  app: TestApp,
  patch: (
    o: NonNullable<TestApp['state']['collectionsById']> extends Map<string, infer C> ? C : never,
  ) => void,
) {
  const users = app.findCollectionByNameOrId('users')
  patch(users)
  const row = users.toRow()
  await app.db.run('UPDATE `_collections` SET options = ? WHERE id = ?', [
    row.options as string,
    users.id,
  ])
  await app.reloadCollections()
}

function tokenFrom(html: string): string {
  const m = /\/auth\/confirm-[a-z-]+\/([A-Za-z0-9_.-]+)/.exec(html)
  if (!m) throw new Error(`no token in ${html}`)
  return m[1]!
}

async function post(
  app: TestApp,
  path: string,
  body: object,
  headers: { [k: string]: string } = {},
) {
  const res = await app.request('POST', `${U}/${path}`, { body, headers })
  const text = await res.text()
  return { status: res.status, text, json: text ? JSON.parse(text) : undefined }
}

describe('request-verification / confirm-verification', () => {
  apiScenarios([
    {
      name: 'empty email',
      method: 'POST',
      url: `${U}/request-verification`,
      body: {},
      expectedStatus: 400,
      expectedContent: ['"email":{"code":"validation_required"'],
    },
    {
      name: 'invalid email',
      method: 'POST',
      url: `${U}/request-verification`,
      body: { email: 'bad' },
      expectedStatus: 400,
      expectedContent: ['"code":"validation_is_email"'],
    },
    {
      name: 'unknown email is still 204',
      method: 'POST',
      url: `${U}/request-verification`,
      body: { email: 'missing@example.com' },
      expectedStatus: 204,
      expectedEvents: { '*': 0 },
    },
    {
      name: 'superusers',
      method: 'POST',
      url: '/api/collections/_superusers/request-verification',
      body: { email: 'a@b.co' },
      expectedStatus: 400,
      expectedContent: ['All superusers are verified by default.'],
    },
    {
      name: 'confirm: missing token claims',
      method: 'POST',
      url: `${U}/confirm-verification`,
      body: { token: 'abc' },
      expectedStatus: 400,
      expectedContent: ['"token":{"code":"validation_invalid_token_claims"'],
    },
    {
      name: 'confirm: empty',
      method: 'POST',
      url: `${U}/confirm-verification`,
      body: {},
      expectedStatus: 400,
      expectedContent: ['"token":{"code":"validation_required"'],
    },
  ])

  test('sends one email per 2 minutes and verifies with the token', async () => {
    const app = await TestApp.create()
    try {
      const mail = await withMail(app)
      const { record } = await seedUser(app)
      expect((await post(app, 'request-verification', { email: 'test@example.com' })).status).toBe(
        204,
      )
      await settleBackground(app)
      expect((await post(app, 'request-verification', { email: 'test@example.com' })).status).toBe(
        204,
      )
      await settleBackground(app)
      expect(mail.messages).toHaveLength(1)
      const msg = mail.messages[0]!
      expect(msg.to[0]!.address).toBe('test@example.com')
      const token = tokenFrom(msg.html)
      expect(parseUnverifiedJwt(token).type).toBe('verification')
      const wrong = await app.request('POST', '/api/collections/_superusers/confirm-verification', {
        body: { token },
      })
      expect(wrong.status).toBe(400)
      expect((await post(app, 'confirm-verification', { token })).status).toBe(204)
      expect((await findRecordById(app, 'users', record.id)).getBool('verified')).toBe(true)
      // verified: no more emails
      expect((await post(app, 'request-verification', { email: 'test@example.com' })).status).toBe(
        204,
      )
      await settleBackground(app)
      expect(mail.messages).toHaveLength(1)
    } finally {
      await app.cleanup()
    }
  })

  test('a delivery failure keeps the 204 and is logged', async () => {
    const app = await TestApp.create()
    try {
      const mail = await withMail(app)
      mail.fail = new Error('smtp down')
      await seedUser(app)
      expect((await post(app, 'request-verification', { email: 'test@example.com' })).status).toBe(
        204,
      )
      await settleBackground(app)
      await app.logger().flush()
      const row = await app.auxDb.get<{ message: string; data: string }>(
        "SELECT message, data FROM `_logs` WHERE message LIKE 'Failed to send verification%'",
      )
      expect(row?.data).toContain('smtp down')
    } finally {
      await app.cleanup()
    }
  })
})

describe('password reset', () => {
  apiScenarios([
    {
      name: 'unknown email is 204',
      method: 'POST',
      url: `${U}/request-password-reset`,
      body: { email: 'missing@example.com' },
      expectedStatus: 204,
    },
    {
      name: 'confirm: field errors',
      method: 'POST',
      url: `${U}/confirm-password-reset`,
      body: { token: 'x', password: '1', passwordConfirm: '2' },
      expectedStatus: 400,
      expectedContent: [
        '"password":{"code":"validation_length_out_of_range","message":"The length must be between 8 and 255.","params":{"max":255,"min":8}}',
        '"passwordConfirm":{"code":"validation_values_mismatch"',
        '"token":{"code":"validation_invalid_token"',
      ],
    },
    {
      name: 'password auth disabled',
      method: 'POST',
      url: `${U}/request-password-reset`,
      body: { email: 'test@example.com' },
      beforeTest: async (app) => {
        await patchUsers(app, (c) => {
          c.auth!.passwordAuth.enabled = false
        })
      },
      expectedStatus: 400,
      expectedContent: ['The collection is not configured to allow password authentication.'],
    },
  ])

  test('reset ends old sessions, clears origins/mfas and the token is single use', async () => {
    const app = await TestApp.create()
    try {
      const mail = await withMail(app)
      const { record, token: oldAuth } = await seedUser(app)
      await app.db.run(
        "INSERT INTO `_authOrigins` (id, collectionRef, recordRef, fingerprint, created, updated) VALUES ('o1', ?, ?, 'fp', '', '')",
        [record.collection.id, record.id],
      )
      await app.db.run(
        "INSERT INTO `_mfas` (id, collectionRef, recordRef, method, created, updated) VALUES ('m1', ?, ?, 'password', '', '')",
        [record.collection.id, record.id],
      )
      expect(
        (await post(app, 'request-password-reset', { email: 'test@example.com' })).status,
      ).toBe(204)
      await settleBackground(app)
      expect(mail.messages).toHaveLength(1)
      const token = tokenFrom(mail.messages[0]!.html)
      const body = { token, password: 'new-password-1', passwordConfirm: 'new-password-1' }
      expect((await post(app, 'confirm-password-reset', body)).status).toBe(204)
      const again = await post(app, 'confirm-password-reset', body)
      expect(again.status).toBe(400)
      expect(again.text).toContain('validation_invalid_token')
      const refresh = await app.request('POST', `${U}/auth-refresh`, {
        headers: { authorization: oldAuth },
      })
      expect(refresh.status).toBe(401)
      const n = await app.db.get<{ n: number }>(
        'SELECT (SELECT COUNT(*) FROM `_authOrigins`) + (SELECT COUNT(*) FROM `_mfas`) AS n',
      )
      expect(n?.n).toBe(0)
      const login = await post(app, 'auth-with-password', {
        identity: 'test@example.com',
        password: 'new-password-1',
      })
      expect(login.status).toBe(200)
      expect((await findRecordById(app, 'users', record.id)).getBool('verified')).toBe(true)
    } finally {
      await app.cleanup()
    }
  })
})

describe('email change', () => {
  apiScenarios([
    {
      name: 'guest',
      method: 'POST',
      url: `${U}/request-email-change`,
      body: { newEmail: 'n@example.com' },
      expectedStatus: 401,
      expectedContent: ['The request requires valid record authorization token.'],
    },
    {
      name: 'superusers confirm',
      method: 'POST',
      url: '/api/collections/_superusers/confirm-email-change',
      body: { token: 'x', password: 'y' },
      expectedStatus: 400,
      expectedContent: ['All superusers can change their emails directly.'],
    },
    {
      name: 'confirm: invalid payload and password',
      method: 'POST',
      url: `${U}/confirm-email-change`,
      body: { token: 'x', password: 'y' },
      expectedStatus: 400,
      expectedContent: [
        '"password":{"code":"validation_invalid_password"',
        '"token":{"code":"validation_invalid_token_payload"',
      ],
    },
  ])

  test('request + confirm changes the email and revokes tokens', async () => {
    const app = await TestApp.create()
    try {
      const mail = await withMail(app)
      const { record, token: auth } = await seedUser(app)
      await seedUser(app, { email: 'taken@example.com' })
      const taken = await post(
        app,
        'request-email-change',
        { newEmail: 'taken@example.com' },
        { authorization: auth },
      )
      expect(taken.text).toContain('validation_invalid_new_email')
      const same = await post(
        app,
        'request-email-change',
        { newEmail: 'test@example.com' },
        { authorization: auth },
      )
      expect(same.text).toContain('validation_not_in_invalid')
      const ok = await post(
        app,
        'request-email-change',
        { newEmail: 'new@example.com' },
        { authorization: auth },
      )
      expect(ok.status).toBe(204)
      expect(mail.messages[0]!.to[0]!.address).toBe('new@example.com')
      const token = tokenFrom(mail.messages[0]!.html)
      const bad = await post(app, 'confirm-email-change', { token, password: 'wrong-pass' })
      expect(bad.text).toContain('validation_invalid_password')
      expect(
        (await post(app, 'confirm-email-change', { token, password: '1234567890' })).status,
      ).toBe(204)
      const r = await findRecordById(app, 'users', record.id)
      expect(r.getString('email')).toBe('new@example.com')
      expect(r.getBool('verified')).toBe(true)
      expect(
        (await post(app, 'confirm-email-change', { token, password: '1234567890' })).status,
      ).toBe(400)
      const refresh = await app.request('POST', `${U}/auth-refresh`, {
        headers: { authorization: auth },
      })
      expect(refresh.status).toBe(401)
    } finally {
      await app.cleanup()
    }
  })

  test('a delivery failure is a 400 for the signed-in requester', async () => {
    const app = await TestApp.create()
    try {
      const mail = await withMail(app)
      mail.fail = new Error('boom')
      const { token: auth } = await seedUser(app)
      const res = await post(
        app,
        'request-email-change',
        { newEmail: 'new@example.com' },
        { authorization: auth },
      )
      expect(res.status).toBe(400)
      expect(res.json.message).toBe('Failed to request email change.')
    } finally {
      await app.cleanup()
    }
  })
})

describe('OTP and MFA', () => {
  const enableOtp = async (app: TestApp) =>
    patchUsers(app, (c) => {
      c.auth!.otp.enabled = true
    })

  apiScenarios([
    {
      name: 'otp disabled',
      method: 'POST',
      url: `${U}/request-otp`,
      body: { email: 'test@example.com' },
      expectedStatus: 403,
      expectedContent: ['The collection is not configured to allow OTP authentication.'],
    },
    {
      name: 'unknown email gets a fake otpId',
      method: 'POST',
      url: `${U}/request-otp`,
      body: { email: 'missing@example.com' },
      beforeTest: enableOtp,
      expectedStatus: 200,
      expectedContent: ['"otpId":"'],
      expectedEvents: { onRecordRequestOTPRequest: 1, onRecordCreate: 0, onMailerSend: 0 },
    },
    {
      name: 'auth-with-otp unknown id',
      method: 'POST',
      url: `${U}/auth-with-otp`,
      body: { otpId: 'x', password: 'y' },
      beforeTest: enableOtp,
      expectedStatus: 400,
      expectedContent: ['"message":"Invalid or expired OTP."'],
    },
    {
      name: 'auth-with-otp empty',
      method: 'POST',
      url: `${U}/auth-with-otp`,
      body: {},
      beforeTest: enableOtp,
      expectedStatus: 400,
      expectedContent: [
        '"otpId":{"code":"validation_required"',
        '"password":{"code":"validation_required"',
      ],
    },
  ])

  test('request-otp + auth-with-otp: single use, verifies, limiter 5/180s', async () => {
    const app = await TestApp.create()
    try {
      await enableOtp(app)
      const mail = await withMail(app)
      const { record } = await seedUser(app)
      const { json } = await post(app, 'request-otp', { email: 'test@example.com' })
      await settleBackground(app)
      const code = /<strong>(\d+)<\/strong>/.exec(mail.messages[0]!.html)![1]!
      expect(code).toHaveLength(8)
      const ok = await post(app, 'auth-with-otp', { otpId: json.otpId, password: code })
      expect(ok.status).toBe(200)
      expect(ok.json.record.verified).toBe(true)
      expect((await post(app, 'auth-with-otp', { otpId: json.otpId, password: code })).status).toBe(
        400,
      )
      // limiter
      const second = (await post(app, 'request-otp', { email: 'test@example.com' })).json.otpId
      const statuses: number[] = []
      for (let i = 0; i < 6; i++) {
        statuses.push(
          (await post(app, 'auth-with-otp', { otpId: second, password: '00000000' })).status,
        )
      }
      // the successful sign-in above used one attempt of the same window (PocketBase counts every call)
      expect(statuses).toEqual([400, 400, 400, 400, 429, 429])
      expect(
        (await post(app, 'auth-with-otp', { otpId: second, password: '00000000' })).text,
      ).toContain('Too many attempts, please try again later with a new OTP.')
      expect(record.id).not.toBe('')
    } finally {
      await app.cleanup()
    }
  })

  test('MFA: password then OTP completes; same method and bad ids are refused', async () => {
    const app = await TestApp.create()
    try {
      await patchUsers(app, (c) => {
        c.auth!.otp.enabled = true
        c.auth!.mfa.enabled = true
      })
      const mail = await withMail(app)
      await seedUser(app)
      const creds = { identity: 'test@example.com', password: '1234567890' }
      const first = await post(app, 'auth-with-password', creds)
      expect(first.status).toBe(401)
      expect(Object.keys(first.json)).toEqual(['mfaId'])
      const same = await post(app, `auth-with-password?mfaId=${first.json.mfaId}`, creds)
      expect(same.json.message).toBe('A different authentication method is required.')
      const bad = await post(app, 'auth-with-password?mfaId=nope', creds)
      expect(bad.json.message).toBe('Invalid or expired MFA session.')
      const { json } = await post(app, 'request-otp', { email: 'test@example.com' })
      await settleBackground(app)
      const code = /<strong>(\d+)<\/strong>/.exec(mail.messages.at(-1)!.html)![1]!
      const done = await post(app, 'auth-with-otp', {
        otpId: json.otpId,
        password: code,
        mfaId: first.json.mfaId,
      })
      expect(done.status).toBe(200)
      expect(typeof done.json.token).toBe('string')
      const n = await app.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM `_mfas`')
      expect(n?.n).toBe(0)
    } finally {
      await app.cleanup()
    }
  })

  test('auth alert: first device silent, new device emails, at most 5 origins', async () => {
    const app = await TestApp.create()
    try {
      const mail = await withMail(app)
      await seedUser(app)
      const creds = { identity: 'test@example.com', password: '1234567890' }
      for (const ua of ['ua-1', 'ua-1', 'ua-2', 'ua-3', 'ua-4', 'ua-5', 'ua-6']) {
        expect((await post(app, 'auth-with-password', creds, { 'user-agent': ua })).status).toBe(
          200,
        )
      }
      expect(mail.messages).toHaveLength(5)
      expect(mail.messages[0]!.html).toContain('ua-2')
      const n = await app.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM `_authOrigins`')
      expect(n?.n).toBe(5)
    } finally {
      await app.cleanup()
    }
  })
})

describe('POST /api/settings/test/email', () => {
  apiScenarios([
    {
      name: 'guest',
      method: 'POST',
      url: '/api/settings/test/email',
      body: { email: 'x@y.co', template: 'verification' },
      expectedStatus: 401,
    },
    {
      name: 'invalid',
      method: 'POST',
      url: '/api/settings/test/email',
      headers: async (app) => ({ authorization: (await app.createSuperuser()).token }),
      body: { email: 'x@y.co', template: 'nope', collection: 'nope' },
      expectedStatus: 400,
      expectedContent: [
        '"collection":{"code":"validation_invalid_auth_collection"',
        '"template":{"code":"validation_in_invalid"',
        'Failed to send the test email.',
      ],
    },
  ])

  test('sends each template', async () => {
    const app = await TestApp.create()
    try {
      const mail = await withMail(app)
      const { token } = await app.createSuperuser()
      for (const template of [
        'verification',
        'password-reset',
        'email-change',
        'otp',
        'login-alert',
      ]) {
        const res = await app.request('POST', '/api/settings/test/email', {
          headers: { authorization: token },
          body: { email: `t-${template}@example.com`, template, collection: 'users' },
        })
        expect(res.status).toBe(204)
      }
      expect(mail.messages.map((m) => m.to[0]!.address)).toHaveLength(5)
      expect(mail.messages[4]!.html).toContain('TEST_IP TEST_USER_AGENT')
    } finally {
      await app.cleanup()
    }
  })
})
