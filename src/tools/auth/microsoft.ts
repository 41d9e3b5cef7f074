import type { ProviderSpec } from './base-provider.ts'
import { str } from './provider.ts'

/** Microsoft (PocketBase `microsoft`): Graph `/me`; `mail` is taken as the verified email. */
export const microsoft: ProviderSpec = {
  name: 'microsoft',
  displayName: 'Microsoft',
  pkce: true,
  scopes: ['User.Read'],
  authURL: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
  tokenURL: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
  userInfoURL: 'https://graph.microsoft.com/v1.0/me',
  mapUser: (raw, ctx) =>
    ctx.user({
      id: str(raw, 'id'),
      name: str(raw, 'displayName'),
      email: str(raw, 'mail'),
      rawUser: raw,
    }),
}
