import type { ProviderSpec } from './base-provider.ts'
import { str } from './provider.ts'

/** X/Twitter (PocketBase `twitter`): `/2/users/me`; `confirmed_email` is the verified email. */
export const twitter: ProviderSpec = {
  name: 'twitter',
  displayName: 'X/Twitter',
  pkce: true,
  scopes: ['users.read', 'users.email', 'tweet.read'],
  authURL: 'https://x.com/i/oauth2/authorize',
  tokenURL: 'https://api.x.com/2/oauth2/token',
  userInfoURL:
    'https://api.x.com/2/users/me?user.fields=id,name,username,profile_image_url,confirmed_email',
  mapUser: (raw, ctx) => {
    const data = raw.data as { [key: string]: unknown } | undefined
    return ctx.user({
      id: str(data, 'id'),
      name: str(data, 'name'),
      username: str(data, 'username'),
      email: str(data, 'confirmed_email'),
      avatarURL: str(data, 'profile_image_url'),
      rawUser: raw,
    })
  },
}
