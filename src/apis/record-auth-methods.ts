import { createHash } from 'node:crypto'
import type { Context, Hono } from 'hono'
import type { Collection } from '../core/collection-model.ts'
import type { Provider, ProviderConfig } from '../tools/auth/provider.ts'
import { newProvider, providerLogo } from '../tools/auth/providers.ts'
import { pickFields } from '../tools/picker/pick.ts'
import { randomString } from '../tools/security/random.ts'
import type { Env } from './middlewares.ts'
import { collectionRateLimit } from './rate-limit.ts'
import { authCollection } from './record-auth-helpers.ts'

/** Binds `GET /api/collections/{collection}/auth-methods` (PocketBase §6.5). */
export function bindRecordAuthMethodsApi(api: Hono<Env>): void {
  api.get(
    '/collections/:collection/auth-methods',
    collectionRateLimit('listAuthMethods'),
    authMethods,
  )
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
    // NOTE: PocketBase 0.40 keeps an empty `logo` in the legacy copy.
    authProviders: list.map((p) => ({ ...p, logo: '' })),
    usernamePassword: identityFields.includes('username'),
    emailPassword: identityFields.includes('email'),
  }
}

async function authMethods(c: Context<Env>): Promise<Response> {
  const collection = authCollection(c)
  const options = collection.auth!
  const providers =
    options.oauth2.enabled && collection.name !== '_superusers'
      ? (await Promise.all(options.oauth2.providers.map(providerEntry))).filter(
          (entry) => entry !== undefined,
        )
      : []
  const result = authMethodsOf(collection, providers)
  const fields = c.req.query('fields')
  return c.json(fields ? pickFields(result, fields) : result)
}

const RANDOM_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

/** The PKCE S256 challenge of a verifier: base64url (no padding) of its SHA-256. */
export function s256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url')
}

/**
 * One provider entry (PocketBase §6.5): a fresh 30-char `state`, for PKCE providers a 43-char
 * `codeVerifier` with its S256 challenge, and the authorization URL ending in `&redirect_uri=`
 * for the client to append its redirect URL. Resolves undefined when the provider cannot be built.
 */
export async function providerEntry(
  config: ProviderConfig,
): Promise<AuthMethodProvider | undefined> {
  let provider: Provider
  try {
    provider = await newProvider(config)
  } catch {
    return undefined
  }
  const state = randomString(30, RANDOM_ALPHABET)
  let codeVerifier = ''
  let codeChallenge = ''
  let codeChallengeMethod = ''
  if (provider.pkce) {
    codeVerifier = randomString(43, RANDOM_ALPHABET)
    codeChallenge = s256Challenge(codeVerifier)
    codeChallengeMethod = 'S256'
  }
  let authURL: string
  try {
    authURL = `${provider.buildAuthURL(state, codeChallenge === '' ? {} : { codeChallenge })}&redirect_uri=`
  } catch {
    return undefined
  }
  return {
    name: config.name,
    displayName: provider.displayName,
    logo: providerLogo(config.name),
    state,
    authURL,
    authUrl: authURL,
    codeVerifier,
    codeChallenge,
    codeChallengeMethod,
  }
}
