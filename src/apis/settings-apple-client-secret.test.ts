import { createPublicKey, generateKeyPairSync } from 'node:crypto'
import { decodeProtectedHeader, jwtVerify } from 'jose'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { TestApp } from '../tests/test-app.ts'

const URL = '/api/settings/apple/generate-client-secret'
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const PKCS8 = ec.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
const SEC1 = ec.privateKey.export({ type: 'sec1', format: 'pem' }).toString()
const RSA = generateKeyPairSync('rsa', { modulusLength: 1024 })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString()
const P384 = generateKeyPairSync('ec', { namedCurve: 'P-384' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString()

let app: TestApp
let su: string
let user: string

beforeAll(async () => {
  app = await TestApp.create()
  su = (await app.createSuperuser()).token
  user = (await app.createAuthRecord('users', { email: 'u@example.com', password: '1234567890' }))
    .token
})
afterAll(async () => {
  await app.cleanup()
})

const valid = {
  clientId: 'com.example.app',
  teamId: 'ABCDEFGHIJ',
  keyId: 'KEYID12345',
  privateKey: PKCS8,
  duration: 15_777_000,
}

async function post(body: unknown, token = su, contentType = 'application/json') {
  const res = await app.request('POST', URL, {
    headers: { Authorization: token, 'content-type': contentType },
    body: typeof body === 'string' || body instanceof FormData ? body : JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as { [key: string]: unknown } }
}

describe('POST /api/settings/apple/generate-client-secret', () => {
  test('superuser: an ES256 JWT that verifies with the key’s public half', async () => {
    const before = Math.floor(Date.now() / 1000)
    const res = await post(valid)
    expect(res.status).toBe(200)
    expect(Object.keys(res.body)).toEqual(['secret'])
    const secret = res.body.secret as string
    expect(decodeProtectedHeader(secret)).toEqual({ alg: 'ES256', kid: 'KEYID12345', typ: 'JWT' })
    const { payload } = await jwtVerify(secret, createPublicKey(ec.privateKey), {
      algorithms: ['ES256'],
      issuer: 'ABCDEFGHIJ',
      subject: 'com.example.app',
      audience: 'https://appleid.apple.com',
    })
    // PocketBase's claim order and an array audience
    expect(Object.keys(payload)).toEqual(['iss', 'sub', 'aud', 'exp', 'iat'])
    expect(payload.aud).toEqual(['https://appleid.apple.com'])
    expect(payload.iat).toBeGreaterThanOrEqual(before)
    expect(payload.exp! - payload.iat!).toBe(15_777_000)
    // another key's public half does not verify it
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey
    await expect(jwtVerify(secret, other)).rejects.toThrow()
  })

  test('form data works too; text around the PEM block is ignored', async () => {
    const form = new FormData()
    for (const [k, v] of Object.entries({
      ...valid,
      privateKey: `note:\n${PKCS8}\n\n`,
      duration: 60,
    }))
      form.set(k, String(v))
    const res = await app.request('POST', URL, { headers: { Authorization: su }, body: form })
    expect(res.status).toBe(200)
    const { payload } = await jwtVerify(
      ((await res.json()) as { secret: string }).secret,
      createPublicKey(ec.privateKey),
    )
    expect(payload.exp! - payload.iat!).toBe(60)
  })

  test('guest 401, non-superuser 403', async () => {
    expect((await post(valid, '')).status).toBe(401)
    expect((await post(valid, user)).status).toBe(403)
  })

  test('validation errors in PocketBase’s codes', async () => {
    const empty = await post({})
    expect(empty.status).toBe(400)
    expect(empty.body.message).toBe('Invalid client secret data.')
    expect(empty.body.data).toEqual(
      Object.fromEntries(
        ['clientId', 'duration', 'keyId', 'privateKey', 'teamId'].map((k) => [
          k,
          { code: 'validation_required', message: 'Cannot be blank.' },
        ]),
      ),
    )
    const bad = await post({
      clientId: 'x',
      teamId: '123',
      keyId: '12345678901',
      privateKey: SEC1,
      duration: 15_777_001,
    })
    expect(bad.body.data).toEqual({
      duration: {
        code: 'validation_max_less_equal_than_required',
        message: 'Must be no greater than 15777000.',
        params: { threshold: 15_777_000 },
      },
      keyId: {
        code: 'validation_length_invalid',
        message: 'The length must be exactly 10.',
        params: { max: 10, min: 10 },
      },
      privateKey: { code: 'validation_match_invalid', message: 'Must be in a valid format.' },
      teamId: {
        code: 'validation_length_invalid',
        message: 'The length must be exactly 10.',
        params: { max: 10, min: 10 },
      },
    })
    const negative = await post({ ...valid, duration: -1 })
    expect(negative.body.data).toEqual({
      duration: {
        code: 'validation_min_greater_equal_than_required',
        message: 'Must be no less than 1.',
        params: { threshold: 1 },
      },
    })
  })

  test('wrong value types: "An error occurred while loading the submitted data."', async () => {
    for (const body of [
      { ...valid, duration: '5' },
      { ...valid, duration: 1.5 },
      { ...valid, clientId: 5 },
      'not json',
    ]) {
      expect(await post(body)).toEqual({
        status: 400,
        body: {
          data: {},
          message: 'An error occurred while loading the submitted data.',
          status: 400,
        },
      })
    }
  })

  test('keys that cannot sign ES256: 400 with the raw error', async () => {
    const cases: [string, string][] = [
      [RSA, 'key is not a valid ECDSA private key'],
      [P384, 'key is invalid'],
      [
        '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----',
        'invalid key: Key must be a PEM encoded PKCS1 or PKCS8 key',
      ],
    ]
    for (const [privateKey, raw] of cases) {
      expect(await post({ ...valid, privateKey })).toEqual({
        status: 400,
        body: {
          data: {},
          message: `Failed to generate client secret. Raw error: \n${raw}.`,
          status: 400,
        },
      })
    }
  })
})
