import type { ProviderSpec } from './base-provider.ts'
import { str } from './provider.ts'

/** Facebook (PocketBase `facebook`): Graph `/me` with name, email and a large picture. */
export const facebook: ProviderSpec = {
  name: 'facebook',
  displayName: 'Facebook',
  pkce: true,
  scopes: ['email'],
  authURL: 'https://www.facebook.com/v3.2/dialog/oauth',
  tokenURL: 'https://graph.facebook.com/v3.2/oauth/access_token',
  userInfoURL: 'https://graph.facebook.com/me?fields=name,email,picture.type(large)',
  mapUser: (raw, ctx) => {
    const picture = (raw.picture as { data?: { [key: string]: unknown } } | undefined)?.data
    return ctx.user({
      id: str(raw, 'id'),
      name: str(raw, 'name'),
      email: str(raw, 'email'),
      avatarURL: str(picture, 'url'),
      rawUser: raw,
    })
  },
}
