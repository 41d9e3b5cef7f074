import type { ProviderSpec } from './base-provider.ts'
import { str } from './provider.ts'

/** Instagram business login (PocketBase `instagram2`); Instagram reports no email. */
export const instagram2: ProviderSpec = {
  name: 'instagram2',
  displayName: 'Instagram',
  pkce: true,
  scopes: ['instagram_business_basic'],
  authURL: 'https://www.instagram.com/oauth/authorize',
  tokenURL: 'https://api.instagram.com/oauth/access_token',
  userInfoURL:
    'https://graph.instagram.com/me?fields=id,username,account_type,user_id,name,profile_picture_url,followers_count,follows_count,media_count',
  mapUser: (raw, ctx) =>
    ctx.user({
      id: str(raw, 'user_id') || str(raw, 'id'),
      name: str(raw, 'name'),
      username: str(raw, 'username'),
      avatarURL: str(raw, 'profile_picture_url'),
      rawUser: raw,
    }),
}
