import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { setMailerOverride } from '../core/mail-client.ts'
import { TestApp } from '../tests/test-app.ts'
import { MemoryMailer } from '../tools/mailer/memory.ts'
import { sendRecordVerification } from './record-mails.ts'

let app: TestApp

beforeEach(async () => {
  app = await TestApp.create()
})

afterEach(async () => {
  await app.cleanup()
})

describe('mailer hooks', () => {
  test('onMailerRecordVerificationSend may change the message; onMailerSend runs inside it', async () => {
    const mailer = new MemoryMailer()
    setMailerOverride(app, mailer)
    const { record: user } = await app.createAuthRecord('users', {
      email: 'u@example.com',
      password: '1234567890',
    })
    const fired: string[] = []
    app.onMailerRecordVerificationSend('users').bind(async (e) => {
      fired.push(`record:${e.record.id}:${typeof e.meta.token}`)
      e.message.subject = `Hi ${e.record.getString('email')}`
      await e.next()
    })
    app.onMailerSend.bind(async (e) => {
      fired.push(`send:${e.message.subject}`)
      e.message.headers = { 'X-Test': '1' }
      await e.next()
    })
    await sendRecordVerification(app, user)
    expect(fired).toEqual([`record:${user.id}:string`, 'send:Hi u@example.com'])
    expect(mailer.messages[0]?.subject).toBe('Hi u@example.com')
    expect(mailer.messages[0]?.headers).toEqual({ 'X-Test': '1' })

    // a handler that does not call e.next() keeps the email from being sent
    app.onMailerSend.bind(async () => {}, { priority: -1 })
    await sendRecordVerification(app, user)
    expect(mailer.messages).toHaveLength(1)
  })
})
