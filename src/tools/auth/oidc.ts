import * as oauth from 'oauth4webapi'
import type { ProviderSpec } from './base-provider.ts'
import { OAuth2Provider, toToken, userFetchContext } from './base-provider.ts'
import { idTokenClaims, stringList } from './id-token.ts'
import { type AuthUser, type OAuth2Token, type ProviderConfig, str, truthy } from './provider.ts'

const spec = (name: string): ProviderSpec => ({
  name,
  displayName: 'OIDC',
  pkce: true,
  scopes: ['openid', 'email', 'profile'],
  authURL: '',
  tokenURL: '',
  userInfoURL: '',
})

/**
 * A generic OpenID Connect provider (PocketBase `oidc`, `oidc2`, `oidc3`) on oauth4webapi: the
 * three endpoints come from the config (no discovery). The user is read from `userInfoURL`, or,
 * when it is empty, from the `id_token` claims (`extra.issuers` restricts `iss`,
 * `extra.jwksURL` enables signature checks). `sub` is the id; the email counts only when
 * `email_verified`. Plain `http://` endpoints are allowed (loopback/dev identity providers).
 */
export class OIDCProvider extends OAuth2Provider {
  constructor(config: ProviderConfig) {
    super(spec(config.name), config)
  }

  #server(): oauth.AuthorizationServer {
    const origin = safeOrigin(this.tokenURL || this.authURL)
    return {
      issuer: origin,
      authorization_endpoint: this.authURL,
      token_endpoint: this.tokenURL,
      userinfo_endpoint: this.userInfoURL || undefined,
    }
  }

  override async fetchToken(
    code: string,
    redirectURL: string,
    codeVerifier: string,
    signal?: AbortSignal,
  ): Promise<OAuth2Token> {
    const params = new URLSearchParams({ code, redirect_uri: redirectURL })
    if (this.pkce) params.set('code_verifier', codeVerifier)
    const res = await oauth.genericTokenEndpointRequest(
      this.#server(),
      { client_id: this.config.clientId },
      oauth.ClientSecretBasic(this.config.clientSecret),
      'authorization_code',
      params,
      { [oauth.allowInsecureRequests]: true, signal },
    )
    const data = (await res.json().catch(() => undefined)) as { [key: string]: unknown } | undefined
    if (!res.ok || data === undefined || typeof data.access_token !== 'string') {
      throw new Error(`token endpoint answered ${res.status}`)
    }
    return toToken(data)
  }

  override async fetchAuthUser(token: OAuth2Token, signal?: AbortSignal): Promise<AuthUser> {
    let raw: { [key: string]: unknown }
    if (this.userInfoURL !== '') {
      const res = await oauth.userInfoRequest(
        this.#server(),
        { client_id: this.config.clientId },
        token.accessToken,
        { [oauth.allowInsecureRequests]: true, signal },
      )
      const text = await res.text()
      if (!res.ok) throw new Error(`failed to fetch OAuth2 user profile (${res.status}): ${text}`)
      raw = JSON.parse(text) as { [key: string]: unknown }
    } else {
      const extra = this.config.extra ?? {}
      raw = {
        ...(await idTokenClaims(str(token.raw, 'id_token'), {
          clientId: this.config.clientId,
          issuers: stringList(extra.issuers),
          jwksURL: str(extra, 'jwksURL'),
        })),
      }
    }
    return userFetchContext(this.config, this.userInfoURL, token, signal).user({
      id: str(raw, 'sub'),
      name: str(raw, 'name'),
      username: str(raw, 'preferred_username'),
      email: truthy(raw.email_verified) ? str(raw, 'email') : '',
      avatarURL: str(raw, 'picture'),
      rawUser: raw,
    })
  }
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin
  } catch {
    return 'http://invalid.invalid'
  }
}
