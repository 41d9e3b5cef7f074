import { createRemoteJWKSet, decodeJwt, type JWTPayload, jwtVerify } from 'jose'

/** Leeway of the id_token time claims: 5 minutes (PocketBase's default). */
export const ID_TOKEN_LEEWAY_SECONDS = 5 * 60

const jwksSets = new Map<string, ReturnType<typeof createRemoteJWKSet>>()

/** Options of {@link idTokenClaims}. */
export interface IdTokenOptions {
  readonly clientId: string
  /** Accepted `iss` values; empty accepts any. */
  readonly issuers: readonly string[]
  /** When set, the signature is verified against this key set. */
  readonly jwksURL: string
}

/**
 * The claims of an OpenID `id_token` (PocketBase's OIDC/Apple checks): `aud` must contain the
 * client id, `iat`/`exp` hold within the leeway, `iss` is one of `issuers` (when given) and the
 * signature verifies against `jwksURL` (when given). Throws on any failure.
 */
export async function idTokenClaims(idToken: string, options: IdTokenOptions): Promise<JWTPayload> {
  if (idToken === '') throw new Error('empty id_token')
  if (options.jwksURL !== '') {
    let keys = jwksSets.get(options.jwksURL)
    if (keys === undefined) {
      keys = createRemoteJWKSet(new URL(options.jwksURL))
      jwksSets.set(options.jwksURL, keys)
    }
    await jwtVerify(idToken, keys, { clockTolerance: ID_TOKEN_LEEWAY_SECONDS })
  }
  const claims = decodeJwt(idToken)
  const now = Math.floor(Date.now() / 1000)
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
  if (!aud.includes(options.clientId)) throw new Error('id_token aud mismatch')
  if (typeof claims.exp === 'number' && claims.exp + ID_TOKEN_LEEWAY_SECONDS < now)
    throw new Error('id_token expired')
  if (typeof claims.iat === 'number' && claims.iat - ID_TOKEN_LEEWAY_SECONDS > now)
    throw new Error('id_token used before issued')
  if (options.issuers.length > 0 && !options.issuers.includes(String(claims.iss ?? '')))
    throw new Error(`iss must be one of ${options.issuers.join(', ')}`)
  return claims
}

/** The string list of an `extra` config value (`issuers`). */
export function stringList(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string')
  if (typeof v === 'string' && v !== '') return [v]
  return []
}
