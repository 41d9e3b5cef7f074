import { expect, test } from 'vitest'
import { findAuthRefsByRecord } from '../core/auth-system-records.ts'
import { TestApp } from '../tests/test-app.ts'
import { superuserOTP } from './superuser.ts'

test('superuser otp: errors, then an OTP row whose code signs in', async () => {
  const app = await TestApp.create()
  try {
    const { record } = await app.createSuperuser('a@b.co')
    await expect(superuserOTP(app, 'x@b.co')).rejects.toThrow(
      'superuser with email "x@b.co" doesn\'t exist',
    )
    await expect(superuserOTP(app, 'a@b.co')).rejects.toThrow('OTP auth is not enabled')
    const su = app.findCollectionByNameOrId('_superusers')
    su.auth!.otp.enabled = true
    const out = await superuserOTP(app, 'a@b.co')
    const [, id, pass] = /Id:\s+(\w+)\n├─ Pass:\s+(\d+)/.exec(out)!
    expect((await findAuthRefsByRecord(app, '_otps', record)).map((r) => r.id)).toEqual([id])
    const res = await app.request('POST', '/api/collections/_superusers/auth-with-otp', {
      body: { otpId: id, password: pass },
    })
    expect(res.status).toBe(200)
  } finally {
    await app.cleanup()
  }
})
