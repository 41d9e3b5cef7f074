import { parseUnverifiedJwt, signJwt, verifyJwt } from '../tools/security/jwt.ts'
import type { App } from './app.ts'
import type { TokenType } from './collection-auth-options.ts'
import type { Record } from './record-model.ts'
import { findRecordById } from './record-query.ts'

/** The `type` claim of each token kind (PocketBase §6.2). */
export const TOKEN_CLAIM_TYPES = {
  authToken: 'auth',
  fileToken: 'file',
  verificationToken: 'verification',
  passwordResetToken: 'passwordReset',
  emailChangeToken: 'emailChange',
} as const satisfies { [K in TokenType]: string }

/** The signing key of one token type for a record: `tokenKey` + the collection's secret. */
export function tokenSigningKey(record: Record, type: TokenType): string {
  const options = record.collection.auth
  if (options === undefined) throw new Error('Tokens exist only for auth collection records.')
  return record.getString('tokenKey') + options[type].secret
}

/**
 * Issues a token for an auth record (PocketBase §6.2 claims: `id`, `type`, `collectionId`,
 * `exp` + extras such as `refreshable` or `email`). `durationSeconds` defaults to the
 * collection's duration for that type.
 */
export async function newRecordToken(
  record: Record,
  type: TokenType,
  extra: { [claim: string]: unknown } = {},
  durationSeconds?: number,
): Promise<string> {
  const options = record.collection.auth
  if (options === undefined) throw new Error('Tokens exist only for auth collection records.')
  const duration = durationSeconds && durationSeconds > 0 ? durationSeconds : options[type].duration
  return signJwt(
    { id: record.id, type: TOKEN_CLAIM_TYPES[type], collectionId: record.collection.id, ...extra },
    tokenSigningKey(record, type),
    duration,
  )
}

/** A new refreshable auth token (the `auth-with-*` and `auth-refresh` responses). */
export function newAuthToken(record: Record): Promise<string> {
  return newRecordToken(record, 'authToken', { refreshable: true })
}

/**
 * A new non-refreshable auth token (PocketBase `NewStaticAuthToken`, used by `impersonate`):
 * `auth-refresh` echoes it instead of renewing it. `durationSeconds` ≤ 0 → the collection's
 * `authToken.duration`.
 */
export function newStaticAuthToken(record: Record, durationSeconds = 0): Promise<string> {
  return newRecordToken(record, 'authToken', { refreshable: false }, durationSeconds)
}

/**
 * Finds the auth record a token belongs to and verifies it (PocketBase `FindAuthRecordByToken`):
 * the payload must name an auth collection, record and one of the accepted types, `iat` must not
 * be in the future, and the signature (tokenKey + secret) and `exp` must verify. Returns the
 * record and the verified claims, or undefined for any invalid token.
 */
export async function findAuthRecordByToken(
  app: App,
  token: string,
  types: readonly TokenType[] = ['authToken'],
): Promise<{ record: Record; claims: { [claim: string]: unknown } } | undefined> {
  let payload: { [claim: string]: unknown }
  try {
    payload = parseUnverifiedJwt(token)
  } catch {
    return undefined
  }
  const { id, collectionId, type, iat } = payload
  if (
    typeof id !== 'string' ||
    id === '' ||
    typeof collectionId !== 'string' ||
    typeof type !== 'string'
  ) {
    return undefined
  }
  if (typeof iat === 'number' && iat > Date.now() / 1000 + 1) return undefined
  const tokenType = types.find((t) => TOKEN_CLAIM_TYPES[t] === type)
  if (tokenType === undefined) return undefined
  const collection = app.findCollection(collectionId)
  if (collection === undefined || collection.id !== collectionId || !collection.isAuth)
    return undefined
  let record: Record
  try {
    record = await findRecordById(app, collection, id)
  } catch {
    return undefined
  }
  try {
    const claims = await verifyJwt(token, tokenSigningKey(record, tokenType))
    return { record, claims }
  } catch {
    return undefined
  }
}
