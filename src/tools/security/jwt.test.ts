import { describe, expect, test } from 'vitest'
import { parseUnverifiedJwt, signJwt, verifyJwt } from './jwt.ts'

const secret = 'tokenKey123secret456'

function b64urlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

describe('jwt', () => {
  test('sign → verify round trip with exp and PocketBase header', async () => {
    const now = Math.floor(Date.now() / 1000)
    const token = await signJwt(
      { id: 'abc', type: 'auth', collectionId: 'pbc_1', refreshable: true },
      secret,
      3600,
    )
    const [header] = token.split('.')
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toEqual({
      alg: 'HS256',
      typ: 'JWT',
    })
    const claims = await verifyJwt(token, secret)
    expect(claims).toMatchObject({
      id: 'abc',
      type: 'auth',
      collectionId: 'pbc_1',
      refreshable: true,
    })
    expect(claims.exp).toBeGreaterThanOrEqual(now + 3600)
    expect(claims.exp).toBeLessThanOrEqual(now + 3601)
    expect(claims.iat).toBeUndefined()
  })

  test('rejects a wrong secret, an expired token and a tampered payload', async () => {
    const token = await signJwt({ id: 'a' }, secret, 60)
    await expect(verifyJwt(token, `${secret}x`)).rejects.toThrow()
    const expired = await signJwt({ id: 'a' }, secret, -10)
    await expect(verifyJwt(expired, secret)).rejects.toThrow(/exp/)
    const [h, , s] = token.split('.')
    await expect(
      verifyJwt(`${h}.${b64urlJson({ id: 'b', exp: 9999999999 })}.${s}`, secret),
    ).rejects.toThrow()
  })

  test('rejects alg none and other algorithms', async () => {
    const none = `${b64urlJson({ alg: 'none', typ: 'JWT' })}.${b64urlJson({ id: 'a' })}.`
    await expect(verifyJwt(none, secret)).rejects.toThrow()
    const token = await signJwt({ id: 'a' }, secret, 60)
    const [, p, s] = token.split('.')
    await expect(verifyJwt(`${b64urlJson({ alg: 'HS512' })}.${p}.${s}`, secret)).rejects.toThrow()
  })

  test('verifies a token signed by PocketBase (no typ in an older header is fine too)', async () => {
    // HS256 over "<header>.<payload>" made independently with node:crypto
    const { createHmac } = await import('node:crypto')
    const header = b64urlJson({ alg: 'HS256' })
    const payload = b64urlJson({
      collectionId: 'pbc_3142635823',
      exp: 4102444800,
      id: 'x1',
      type: 'auth',
    })
    const sig = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url')
    expect(await verifyJwt(`${header}.${payload}.${sig}`, secret)).toMatchObject({
      id: 'x1',
      type: 'auth',
    })
  })

  test('parseUnverifiedJwt reads claims without the key and throws on garbage', async () => {
    const token = await signJwt({ id: 'a', collectionId: 'c' }, secret, 60)
    expect(parseUnverifiedJwt(token)).toMatchObject({ id: 'a', collectionId: 'c' })
    expect(() => parseUnverifiedJwt('not.a.token')).toThrow()
    expect(() => parseUnverifiedJwt('')).toThrow()
    // memoised per token: a second decoding gives the same frozen claims; garbage still throws
    expect(parseUnverifiedJwt(token)).toBe(parseUnverifiedJwt(token))
    expect(Object.isFrozen(parseUnverifiedJwt(token))).toBe(true)
    expect(() => parseUnverifiedJwt('not.a.token')).toThrow()
  })

  test('verifying 10k tokens is fast enough', async () => {
    const token = await signJwt({ id: 'a', type: 'auth' }, secret, 60)
    const start = performance.now()
    for (let i = 0; i < 10_000; i++) await verifyJwt(token, secret)
    const ms = performance.now() - start
    expect(ms).toBeLessThan(5000)
  })
})
