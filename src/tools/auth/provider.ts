/**
 * The provider-independent shapes of OAuth2 sign-in (PocketBase `tools/auth`): a provider's
 * stored config, the token set of a code exchange and the normalised user it describes.
 */

/** An OAuth2 provider config as stored on an auth collection (`oauth2.providers[]`). */
export interface ProviderConfig {
  readonly name: string
  readonly clientId: string
  readonly clientSecret: string
  /** Overrides of the provider's default endpoints ("" keeps the default). */
  readonly authURL: string
  readonly tokenURL: string
  readonly userInfoURL: string
  readonly displayName: string
  /** `null` keeps the provider's default PKCE support. */
  readonly pkce: boolean | null
  readonly extra: { readonly [key: string]: unknown } | null
}

/** The token endpoint's answer: the raw JSON plus the fields every provider reads. */
export interface OAuth2Token {
  readonly accessToken: string
  readonly refreshToken: string
  /** When the access token expires, or undefined when the provider did not say. */
  readonly expiry: Date | undefined
  readonly raw: { readonly [key: string]: unknown }
}

/** The provider user as PocketBase's `auth.AuthUser` describes it. */
export interface AuthUser {
  id: string
  name: string
  username: string
  /** Only an address the provider reports as verified; "" otherwise. */
  email: string
  avatarURL: string
  accessToken: string
  refreshToken: string
  expiry: Date | undefined
  rawUser: { [key: string]: unknown }
}

/** Options of {@link Provider.buildAuthURL}. */
export interface AuthURLOptions {
  /** PKCE S256 challenge; omitted for providers without PKCE. */
  readonly codeChallenge?: string
  /** Extra query parameters (Apple's `response_mode=form_post`). */
  readonly params?: { readonly [key: string]: string }
}

/** One configured OAuth2 provider (PocketBase `auth.Provider`). */
export interface Provider {
  readonly name: string
  readonly displayName: string
  /** Whether the authorization request carries a PKCE challenge. */
  readonly pkce: boolean
  readonly scopes: readonly string[]
  /**
   * The authorization URL without `redirect_uri` (the caller appends it): `response_type`,
   * `client_id`, `scope`, `state` and the PKCE params as sorted query parameters.
   */
  buildAuthURL(state: string, options?: AuthURLOptions): string
  /**
   * Exchanges an authorization code at the token endpoint. Throws when the provider refuses
   * or cannot be reached; `signal` bounds the wait.
   */
  fetchToken(
    code: string,
    redirectURL: string,
    codeVerifier: string,
    signal?: AbortSignal,
  ): Promise<OAuth2Token>
  /** Reads the provider user with the token. Throws when the user endpoint fails. */
  fetchAuthUser(token: OAuth2Token, signal?: AbortSignal): Promise<AuthUser>
}

/** The JSON of an {@link AuthUser} as sent in the auth response's `meta` (keys as PocketBase's). */
export function authUserJSON(
  user: AuthUser,
  formatDate: (d: Date) => string,
): { [key: string]: unknown } {
  return {
    accessToken: user.accessToken,
    avatarURL: user.avatarURL,
    avatarUrl: user.avatarURL,
    email: user.email,
    expiry: user.expiry === undefined ? '' : formatDate(user.expiry),
    id: user.id,
    name: user.name,
    rawUser: user.rawUser,
    refreshToken: user.refreshToken,
    username: user.username,
  }
}

/** A string property of a JSON object ("" when missing; numbers are printed). */
export function str(data: { readonly [key: string]: unknown } | undefined, key: string): string {
  const v = data?.[key]
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'bigint') return String(v)
  return ''
}

/** True for JSON `true`, `"true"`, `1`, `"1"` (providers disagree on the type of flags). */
export function truthy(v: unknown): boolean {
  return v === true || v === 1 || v === 'true' || v === '1'
}
