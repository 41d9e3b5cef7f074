import { decodeJwt, type JWTPayload, jwtVerify, SignJWT } from 'jose'

/** The claims of a token; PocketBase tokens carry `id`, `type`, `collectionId`, `exp`, … */
export type JwtClaims = JWTPayload & Record<string, unknown>

const encoder = new TextEncoder()

/**
 * Signs `payload` as an HS256 JWT (header `{"alg":"HS256","typ":"JWT"}`) and returns the compact
 * token. Adds `exp` = now + `durationSeconds` (unix seconds), overriding any `exp` in `payload`;
 * adds no `iat`. `secret` is used as its UTF-8 bytes; for record tokens PocketBase's key is the
 * record's `tokenKey` concatenated with the collection's secret for the token type (the caller
 * concatenates). Throws when `secret` is empty.
 */
export async function signJwt(
  payload: Record<string, unknown>,
  secret: string,
  durationSeconds: number,
): Promise<string> {
  if (secret === '') throw new Error('signJwt: the secret must not be empty.')
  const exp = Math.floor(Date.now() / 1000) + Math.trunc(durationSeconds)
  return new SignJWT({ ...payload, exp })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(encoder.encode(secret))
}

/**
 * Verifies an HS256 `token` against `secret` (UTF-8 bytes) and returns its claims. Checks the
 * signature and, when present, `exp` and `nbf` (no clock tolerance); `typ` is not required, as
 * older PocketBase tokens omit it. Throws (a `jose` error) on any failure: malformed token, other
 * algorithm, bad signature, expired.
 */
export async function verifyJwt(token: string, secret: string): Promise<JwtClaims> {
  if (secret === '') throw new Error('verifyJwt: the secret must not be empty.')
  const { payload } = await jwtVerify(token, encoder.encode(secret), { algorithms: ['HS256'] })
  return payload as JwtClaims
}

/**
 * Decodes the claims of `token` without checking its signature or expiry (PocketBase reads the
 * unverified `collectionId` and `type` first to find the verification key). Throws when the token
 * is not a well-formed JWT with a JSON object payload.
 */
export function parseUnverifiedJwt(token: string): JwtClaims {
  return decodeJwt(token) as JwtClaims
}
