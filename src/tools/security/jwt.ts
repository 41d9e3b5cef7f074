import { createHmac, createPrivateKey, type KeyObject, webcrypto } from 'node:crypto'
import { decodeJwt, type JWTPayload, jwtVerify, SignJWT } from 'jose'

/** The claims of a token; PocketBase tokens carry `id`, `type`, `collectionId`, `exp`, … */
export type JwtClaims = JWTPayload & Record<string, unknown>

const encoder = new TextEncoder()

/** How many imported HMAC keys are kept (one per record tokenKey + secret in use). */
const KEY_CACHE_LIMIT = 10_000
const keys = new Map<string, Promise<webcrypto.CryptoKey>>()

/**
 * The WebCrypto HMAC-SHA256 key of a secret, imported once and reused (importing is a large part
 * of verifying a short token).
 */
function hmacKey(secret: string): Promise<webcrypto.CryptoKey> {
  let key = keys.get(secret)
  if (key === undefined) {
    key = webcrypto.subtle.importKey(
      'raw',
      encoder.encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['verify'],
    )
    if (keys.size >= KEY_CACHE_LIMIT) keys.delete(keys.keys().next().value as string)
    keys.set(secret, key)
  }
  return key
}

/**
 * Signs `payload` as an HS256 JWT (header `{"alg":"HS256","typ":"JWT"}`) and returns the compact
 * token. Adds `exp` = now + `durationSeconds` (unix seconds), overriding any `exp` in `payload`;
 * adds no `iat`. `secret` is used as its UTF-8 bytes; for record tokens PocketBase's key is the
 * record's `tokenKey` concatenated with the collection's secret for the token type (the caller
 * concatenates). Throws when `secret` is empty.
 *
 * NOTE: signing uses node:crypto's synchronous HMAC (RFC 7515 compact serialisation) rather than
 * jose, whose WebCrypto HMAC runs as an async thread-pool job and dominated `auth-refresh`; jose
 * still decodes and verifies, so every token we issue is checked by it in the tests.
 */
export async function signJwt(
  payload: Record<string, unknown>,
  secret: string,
  durationSeconds: number,
): Promise<string> {
  if (secret === '') throw new Error('signJwt: the secret must not be empty.')
  const exp = Math.floor(Date.now() / 1000) + Math.trunc(durationSeconds)
  const body = Buffer.from(JSON.stringify({ ...payload, exp })).toString('base64url')
  const signingInput = `${HS256_HEADER}.${body}`
  return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`
}

const HS256_HEADER = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url')

/**
 * Verifies an HS256 `token` against `secret` (UTF-8 bytes) and returns its claims. Checks the
 * signature and, when present, `exp` and `nbf` (no clock tolerance); `typ` is not required, as
 * older PocketBase tokens omit it. Throws (a `jose` error) on any failure: malformed token, other
 * algorithm, bad signature, expired. Successful verifications are memoised per token and secret
 * (a repeated token skips the HMAC until it expires); the returned claims are frozen.
 */
export async function verifyJwt(token: string, secret: string): Promise<JwtClaims> {
  if (secret === '') throw new Error('verifyJwt: the secret must not be empty.')
  const key = `${secret}\u0000${token}`
  const hit = verified.get(key)
  if (hit !== undefined && (hit.exp === undefined || hit.exp > Date.now() / 1000)) return hit
  const { payload } = await jwtVerify(token, await hmacKey(secret), { algorithms: ['HS256'] })
  const claims = Object.freeze(payload) as JwtClaims
  // NOTE: a bounded memo of successful verifications keyed by token AND secret, so a rotated
  // secret (tokenKey change) never matches an old entry; expiry is re-checked on every hit.
  if (verified.size >= VERIFIED_CACHE_LIMIT) verified.delete(verified.keys().next().value as string)
  verified.set(key, claims)
  return claims
}

/** How many verified tokens `verifyJwt` remembers (oldest evicted first). */
const VERIFIED_CACHE_LIMIT = 10_000
const verified = new Map<string, JwtClaims>()

/**
 * Decodes the claims of `token` without checking its signature or expiry (PocketBase reads the
 * unverified `collectionId` and `type` first to find the verification key). Throws when the token
 * is not a well-formed JWT with a JSON object payload. Decodings are memoised per token (every
 * authenticated request decodes its token first); the returned claims are frozen.
 */
export function parseUnverifiedJwt(token: string): JwtClaims {
  let claims = decoded.get(token)
  if (claims === undefined) {
    claims = Object.freeze(decodeJwt(token)) as JwtClaims
    if (decoded.size >= VERIFIED_CACHE_LIMIT) decoded.delete(decoded.keys().next().value as string)
    decoded.set(token, claims)
  }
  return claims
}

/** Claims decoded by `parseUnverifiedJwt`, by token (oldest evicted first). */
const decoded = new Map<string, JwtClaims>()

/** A private key that cannot sign ES256 tokens; the message is the Go JWT library's wording. */
export class InvalidSigningKeyError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'InvalidSigningKeyError'
  }
}

/**
 * Loads a PEM private key for ES256 (the first PEM block of `pem`; text around it is ignored, as
 * by Go's `pem.Decode`). Throws InvalidSigningKeyError: `invalid key: Key must be a PEM encoded
 * PKCS1 or PKCS8 key` when nothing loads, `key is not a valid ECDSA private key` for other key
 * types, `key is invalid` for an EC key not on P-256.
 */
export function loadEs256Key(pem: string): KeyObject {
  let key: KeyObject
  try {
    key = createPrivateKey({ key: pem.trim(), format: 'pem' })
  } catch {
    throw new InvalidSigningKeyError('invalid key: Key must be a PEM encoded PKCS1 or PKCS8 key')
  }
  if (key.asymmetricKeyType !== 'ec')
    throw new InvalidSigningKeyError('key is not a valid ECDSA private key')
  if (key.asymmetricKeyDetails?.namedCurve !== 'prime256v1')
    throw new InvalidSigningKeyError('key is invalid')
  return key
}

/**
 * Signs `payload` as an ES256 JWT with header `{"alg":"ES256","kid":kid,"typ":"JWT"}` (keys in
 * the order Go's JSON writes them) and returns the compact token; the payload's keys keep their
 * order. Used for Apple's OAuth2 client secret.
 */
export async function signEs256Jwt(
  payload: Record<string, unknown>,
  kid: string,
  key: KeyObject,
): Promise<string> {
  return new SignJWT(payload as JWTPayload)
    .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
    .sign(key)
}
