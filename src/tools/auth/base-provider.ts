import { OAuth2Client, OAuth2RequestError } from 'arctic'
import type { AuthURLOptions, AuthUser, OAuth2Token, Provider, ProviderConfig } from './provider.ts'

/**
 * What a provider file declares: its defaults (overridable per config, like PocketBase) and how
 * its user endpoint maps to an {@link AuthUser}.
 */
export interface ProviderSpec {
  readonly name: string
  readonly displayName: string
  readonly pkce: boolean
  readonly scopes: readonly string[]
  readonly authURL: string
  readonly tokenURL: string
  readonly userInfoURL: string
  /** Extra query parameters of the authorization URL. */
  readonly authParams?: { readonly [key: string]: string }
  /** Reads the user; the default GETs `userInfoURL` and passes its JSON to `mapUser`. */
  readonly fetchUser?: (ctx: UserFetchContext) => Promise<AuthUser>
  /** Maps the user endpoint's JSON (`fetchUser` default). */
  readonly mapUser?: (
    raw: { [key: string]: unknown },
    ctx: UserFetchContext,
  ) => Promise<AuthUser> | AuthUser
}

/** What a provider's user mapping can use: its config, the token and an authorised GET/POST. */
export interface UserFetchContext {
  readonly config: ProviderConfig
  readonly userInfoURL: string
  readonly token: OAuth2Token
  readonly signal: AbortSignal | undefined
  /** GETs (or POSTs `body` as JSON) `url` with the bearer token; throws on non-2xx. */
  fetchJSON(
    url: string,
    init?: { headers?: { [key: string]: string }; body?: unknown },
  ): Promise<unknown>
  /** A user with the token fields set and everything else empty. */
  user(fields: Partial<AuthUser> & { rawUser: { [key: string]: unknown } }): AuthUser
}

/**
 * A provider built on arctic's generic OAuth2 client: authorization URL (PKCE S256 when
 * enabled), code exchange with HTTP Basic client credentials (retried with the credentials in
 * the body when the provider refuses them, like Go's oauth2 auto-detection) and the user fetch
 * of its {@link ProviderSpec}.
 */
export class OAuth2Provider implements Provider {
  readonly name: string
  readonly displayName: string
  readonly pkce: boolean
  readonly scopes: readonly string[]
  readonly authURL: string
  readonly tokenURL: string
  readonly userInfoURL: string
  readonly config: ProviderConfig
  readonly #spec: ProviderSpec

  constructor(spec: ProviderSpec, config: ProviderConfig) {
    this.#spec = spec
    this.config = config
    this.name = config.name
    this.displayName = config.displayName || spec.displayName || config.name
    this.pkce = config.pkce ?? spec.pkce
    this.scopes = spec.scopes
    this.authURL = config.authURL || spec.authURL
    this.tokenURL = config.tokenURL || spec.tokenURL
    this.userInfoURL = config.userInfoURL || spec.userInfoURL
  }

  buildAuthURL(state: string, options: AuthURLOptions = {}): string {
    const client = new OAuth2Client(this.config.clientId, null, null)
    const url = client.createAuthorizationURL(this.authURL, state, [...this.scopes])
    if (options.codeChallenge !== undefined) {
      url.searchParams.set('code_challenge', options.codeChallenge)
      url.searchParams.set('code_challenge_method', 'S256')
    }
    for (const [k, v] of Object.entries({ ...this.#spec.authParams, ...options.params })) {
      url.searchParams.set(k, v)
    }
    // NOTE: sorted like Go's url.Values.Encode, so the URL reads like PocketBase's.
    url.searchParams.sort()
    return url.toString()
  }

  async fetchToken(
    code: string,
    redirectURL: string,
    codeVerifier: string,
    signal?: AbortSignal,
  ): Promise<OAuth2Token> {
    const verifier = this.pkce ? codeVerifier : null
    const client = new OAuth2Client(this.config.clientId, this.config.clientSecret, redirectURL)
    try {
      const tokens = await abortable(
        client.validateAuthorizationCode(this.tokenURL, code, verifier),
        signal,
      )
      return toToken(tokens.data as { [key: string]: unknown })
    } catch (err) {
      if (!(err instanceof OAuth2RequestError) || err.code !== 'invalid_client') throw err
      return this.#fetchTokenWithBodyCredentials(code, redirectURL, verifier, signal)
    }
  }

  async #fetchTokenWithBodyCredentials(
    code: string,
    redirectURL: string,
    verifier: string | null,
    signal: AbortSignal | undefined,
  ): Promise<OAuth2Token> {
    const body = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectURL,
      client_id: this.config.clientId,
      client_secret: this.config.clientSecret,
    })
    if (verifier !== null) body.set('code_verifier', verifier)
    const res = await fetch(this.tokenURL, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
      signal,
    })
    const data = (await res.json().catch(() => undefined)) as { [key: string]: unknown } | undefined
    if (!res.ok || data === undefined || typeof data.access_token !== 'string') {
      throw new Error(`token endpoint answered ${res.status}`)
    }
    return toToken(data)
  }

  async fetchAuthUser(token: OAuth2Token, signal?: AbortSignal): Promise<AuthUser> {
    const ctx = userFetchContext(this.config, this.userInfoURL, token, signal)
    if (this.#spec.fetchUser !== undefined) return this.#spec.fetchUser(ctx)
    const raw = (await ctx.fetchJSON(this.userInfoURL)) as { [key: string]: unknown }
    if (this.#spec.mapUser === undefined) throw new Error(`${this.name}: no user mapping`)
    return this.#spec.mapUser(raw, ctx)
  }
}

/** Builds the token shape from a token endpoint's JSON. */
export function toToken(data: { readonly [key: string]: unknown }): OAuth2Token {
  const expiresIn = Number(data.expires_in)
  return {
    accessToken: typeof data.access_token === 'string' ? data.access_token : '',
    refreshToken: typeof data.refresh_token === 'string' ? data.refresh_token : '',
    expiry:
      Number.isFinite(expiresIn) && expiresIn > 0
        ? new Date(Date.now() + expiresIn * 1000)
        : undefined,
    raw: data,
  }
}

/** The {@link UserFetchContext} of one user fetch. */
export function userFetchContext(
  config: ProviderConfig,
  userInfoURL: string,
  token: OAuth2Token,
  signal: AbortSignal | undefined,
): UserFetchContext {
  return {
    config,
    userInfoURL,
    token,
    signal,
    async fetchJSON(url, init = {}) {
      const headers: { [key: string]: string } = {
        authorization: `Bearer ${token.accessToken}`,
        accept: 'application/json',
        ...init.headers,
      }
      const post = init.body !== undefined
      if (post) headers['content-type'] = 'application/json'
      const res = await fetch(url, {
        method: post ? 'POST' : 'GET',
        headers,
        body: post ? JSON.stringify(init.body) : undefined,
        signal,
      })
      const text = await res.text()
      if (!res.ok)
        throw new Error(`failed to fetch OAuth2 user profile via ${url} (${res.status}): ${text}`)
      return JSON.parse(text)
    },
    user(fields) {
      return {
        id: '',
        name: '',
        username: '',
        email: '',
        avatarURL: '',
        ...fields,
        accessToken: token.accessToken,
        refreshToken: token.refreshToken,
        expiry: token.expiry,
      }
    },
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise
  signal.throwIfAborted()
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}
