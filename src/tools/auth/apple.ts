import type { ProviderSpec } from './base-provider.ts'
import { idTokenClaims, stringList } from './id-token.ts'
import { str, truthy } from './provider.ts'

/**
 * Sign in with Apple (PocketBase `apple`): the user comes from the signed `id_token` (verified
 * against Apple's keys, or `extra.jwksURL`); the authorization URL asks for `form_post`, so the
 * browser returns with a POST to `/api/oauth2-redirect`. The client secret is the JWT an admin
 * generates from the Apple key.
 */
export const apple: ProviderSpec = {
  name: 'apple',
  displayName: 'Apple',
  pkce: true,
  scopes: ['name', 'email'],
  authURL: 'https://appleid.apple.com/auth/authorize',
  tokenURL: 'https://appleid.apple.com/auth/token',
  userInfoURL: '',
  authParams: { response_mode: 'form_post' },
  async fetchUser(ctx) {
    const extra = ctx.config.extra ?? {}
    const claims = await idTokenClaims(str(ctx.token.raw, 'id_token'), {
      clientId: ctx.config.clientId,
      issuers:
        stringList(extra.issuers).length > 0
          ? stringList(extra.issuers)
          : ['https://appleid.apple.com'],
      jwksURL: str(extra, 'jwksURL') || 'https://appleid.apple.com/auth/keys',
    })
    const raw = { ...claims } as { [key: string]: unknown }
    return ctx.user({
      id: str(raw, 'sub'),
      email: truthy(raw.email_verified) ? str(raw, 'email') : '',
      rawUser: raw,
    })
  },
}
