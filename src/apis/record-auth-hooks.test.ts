import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { saveCollection } from '../core/collection-save.ts'
import { setMailerOverride } from '../core/mail-client.ts'
import type { Record } from '../core/record-model.ts'
import { findRecordById } from '../core/record-query.ts'
import { newRecordToken } from '../core/record-tokens.ts'
import { TestApp } from '../tests/test-app.ts'
import { MemoryMailer } from '../tools/mailer/memory.ts'

// The record auth request hooks: each fires with its event's data, tagged by the collection, and
// a handler that does not call `e.next()` stops the flow (its own `response`, if any, is sent).

const USERS = '/api/collections/users'

let app: TestApp
let mailer: MemoryMailer
let user: Record
let token: string

beforeEach(async () => {
  app = await TestApp.create()
  mailer = new MemoryMailer()
  setMailerOverride(app, mailer)
  const users = app.findCollectionByNameOrId('users').clone()
  users.auth!.otp.enabled = true
  await saveCollection(app, users)
  ;({ record: user, token } = await app.createAuthRecord('users', {
    email: 'u@example.com',
    password: '1234567890',
  }))
})

afterEach(async () => {
  await app.cleanup()
})

const json = async (res: Response) => (await res.json()) as { [key: string]: unknown }

describe('record auth request hooks', () => {
  test('auth-with-password, then onRecordAuthRequest changing the meta', async () => {
    const seen: unknown[] = []
    app.onRecordAuthWithPasswordRequest('users').bind(async (e) => {
      seen.push(e.identity, e.password, e.identityField, e.record?.id)
      await e.next()
    })
    app.onRecordAuthRequest('users').bind(async (e) => {
      seen.push(e.authMethod, e.token.length > 0)
      e.meta = { hooked: true }
      await e.next()
    })
    const res = await app.request('POST', `${USERS}/auth-with-password`, {
      body: { identity: 'u@example.com', password: '1234567890' },
    })
    expect(res.status).toBe(200)
    const body = await json(res)
    expect(body.meta).toEqual({ hooked: true })
    expect(typeof body.token).toBe('string')
    expect(seen).toEqual(['u@example.com', '1234567890', '', user.id, 'password', true])
  })

  test('a password handler that answers itself skips the check and the sign-in', async () => {
    const signIns: string[] = []
    app.onRecordAuthRequest.bind(async (e) => {
      signIns.push(e.record.id)
      await e.next()
    })
    app.onRecordAuthWithPasswordRequest.bind((e) => {
      e.response = new Response(null, { status: 418 })
    })
    const res = await app.request('POST', `${USERS}/auth-with-password`, {
      body: { identity: 'u@example.com', password: 'wrong-password' },
    })
    expect(res.status).toBe(418)
    expect(signIns).toEqual([])
  })

  test('auth-refresh', async () => {
    const seen: string[] = []
    app.onRecordAuthRefreshRequest('users').bind(async (e) => {
      seen.push(e.record!.id)
      await e.next()
    })
    const res = await app.request('POST', `${USERS}/auth-refresh`, {
      headers: { Authorization: token },
    })
    expect(res.status).toBe(200)
    expect(seen).toEqual([user.id])
  })

  test('request-otp may change the code; auth-with-otp signs in with it', async () => {
    const seen: unknown[] = []
    app.onRecordRequestOTPRequest('users').bind(async (e) => {
      seen.push(e.record?.id ?? null)
      e.password = '424242'
      await e.next()
    })
    app.onRecordAuthWithOTPRequest('users').bind(async (e) => {
      seen.push(`otp:${e.otp.getString('recordRef')}`)
      await e.next()
    })
    const unknown = await app.request('POST', `${USERS}/request-otp`, {
      body: { email: 'nobody@example.com' },
    })
    expect(unknown.status).toBe(200)
    const { otpId } = await json(
      await app.request('POST', `${USERS}/request-otp`, { body: { email: 'u@example.com' } }),
    )
    const res = await app.request('POST', `${USERS}/auth-with-otp`, {
      body: { otpId, password: '424242' },
    })
    expect(res.status).toBe(200)
    expect(seen).toEqual([null, user.id, `otp:${user.id}`])
  })

  test('password reset and verification: request and confirm hooks, skipping e.next() stops them', async () => {
    const fired: string[] = []
    app.onRecordRequestPasswordResetRequest.bind(async (e) => {
      fired.push(`reset:${e.record!.id}`)
    })
    let res = await app.request('POST', `${USERS}/request-password-reset`, {
      body: { email: 'u@example.com' },
    })
    expect(res.status).toBe(204)
    app.onRecordRequestVerificationRequest.bind(async (e) => {
      fired.push(`verify:${e.record!.id}`)
      await e.next()
    })
    res = await app.request('POST', `${USERS}/request-verification`, {
      body: { email: 'u@example.com' },
    })
    expect(res.status).toBe(204)
    await mailer.waitFor(1)
    // only the verification email went out: the reset handler did not call e.next()
    expect(mailer.messages).toHaveLength(1)
    expect(mailer.messages[0]!.to[0]!.address).toBe('u@example.com')

    app.onRecordConfirmVerificationRequest('users').bind(async (e) => {
      fired.push(`confirm:${e.record!.id}`)
    })
    const verification = await newRecordToken(user, 'verificationToken', {
      email: user.getString('email'),
    })
    res = await app.request('POST', `${USERS}/confirm-verification`, {
      body: { token: verification },
    })
    expect(res.status).toBe(204)
    expect((await findRecordById(app, user.collection, user.id)).getBool('verified')).toBe(false)

    app.onRecordConfirmPasswordResetRequest.bind(async (e) => {
      fired.push(`confirm-reset:${e.record!.id}`)
      await e.next()
    })
    const reset = await newRecordToken(user, 'passwordResetToken', {
      email: user.getString('email'),
    })
    res = await app.request('POST', `${USERS}/confirm-password-reset`, {
      body: { token: reset, password: 'new-password-1', passwordConfirm: 'new-password-1' },
    })
    expect(res.status).toBe(204)
    expect(fired).toEqual([
      `reset:${user.id}`,
      `verify:${user.id}`,
      `confirm:${user.id}`,
      `confirm-reset:${user.id}`,
    ])
  })

  test('email change: request and confirm see the new email', async () => {
    const fired: string[] = []
    app.onRecordRequestEmailChangeRequest('users').bind(async (e) => {
      fired.push(`request:${e.newEmail}`)
      await e.next()
    })
    app.onRecordConfirmEmailChangeRequest('users').bind(async (e) => {
      fired.push(`confirm:${e.newEmail}`)
      e.newEmail = 'hooked@example.com'
      await e.next()
    })
    let res = await app.request('POST', `${USERS}/request-email-change`, {
      headers: { Authorization: token },
      body: { newEmail: 'new@example.com' },
    })
    expect(res.status).toBe(204)
    const change = await newRecordToken(user, 'emailChangeToken', {
      email: user.getString('email'),
      newEmail: 'new@example.com',
    })
    res = await app.request('POST', `${USERS}/confirm-email-change`, {
      body: { token: change, password: '1234567890' },
    })
    expect(res.status).toBe(204)
    expect(fired).toEqual(['request:new@example.com', 'confirm:new@example.com'])
    const stored = await findRecordById(app, user.collection, user.id)
    expect(stored.getString('email')).toBe('hooked@example.com')
  })
})
