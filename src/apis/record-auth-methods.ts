import type { Context, Hono } from 'hono'
import type { Collection } from '../core/collection-model.ts'
import { pickFields } from '../tools/picker/pick.ts'
import type { Env } from './middlewares.ts'
import { authCollection } from './record-auth-helpers.ts'

/** Binds `GET /api/collections/{collection}/auth-methods` (PocketBase §6.5). */
export function bindRecordAuthMethodsApi(api: Hono<Env>): void {
  api.get('/collections/:collection/auth-methods', authMethods)
}

/** One OAuth2 provider entry of the auth methods response (PocketBase §6.5). */
export interface AuthMethodProvider {
  name: string
  displayName: string
  state: string
  authURL: string
  authUrl: string
  codeVerifier: string
  codeChallenge: string
  codeChallengeMethod: string
  logo?: string
}

/**
 * The auth methods of a collection in PocketBase's shape, legacy keys included
 * (`authProviders`, `usernamePassword`, `emailPassword`). Durations are 0 and identity fields
 * `[]` for disabled methods.
 */
export function authMethodsOf(
  collection: Collection,
  providers: AuthMethodProvider[] = [],
): { [key: string]: unknown } {
  const options = collection.auth!
  const password = options.passwordAuth.enabled
  const identityFields = password ? [...options.passwordAuth.identityFields] : []
  const oauth2 = options.oauth2.enabled && collection.name !== '_superusers'
  const list = oauth2 ? providers : []
  return {
    password: { identityFields, enabled: password },
    oauth2: { providers: list, enabled: oauth2 },
    mfa: { enabled: options.mfa.enabled, duration: options.mfa.enabled ? options.mfa.duration : 0 },
    otp: { enabled: options.otp.enabled, duration: options.otp.enabled ? options.otp.duration : 0 },
    authProviders: list.map(({ logo: _logo, ...rest }) => rest),
    usernamePassword: identityFields.includes('username'),
    emailPassword: identityFields.includes('email'),
  }
}

function authMethods(c: Context<Env>): Response {
  const collection = authCollection(c)
  // NOTE: OAuth2 provider entries (authURL, state, PKCE) come with the OAuth2 issue; until then
  // the list stays empty even when providers are configured.
  const result = authMethodsOf(collection, [])
  const fields = c.req.query('fields')
  return c.json(fields ? pickFields(result, fields) : result)
}
