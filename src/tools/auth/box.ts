import type { ProviderSpec } from './base-provider.ts'
import { str } from './provider.ts'

/** Box (PocketBase `box`): `/2.0/users/me`; the login is the account email. */
export const box: ProviderSpec = {
  name: 'box',
  displayName: 'Box',
  pkce: true,
  scopes: ['root_readonly'],
  authURL: 'https://account.box.com/api/oauth2/authorize',
  tokenURL: 'https://api.box.com/oauth2/token',
  userInfoURL: 'https://api.box.com/2.0/users/me',
  mapUser: (raw, ctx) =>
    ctx.user({
      id: str(raw, 'id'),
      name: str(raw, 'name'),
      email: str(raw, 'login'),
      avatarURL: str(raw, 'avatar_url'),
      rawUser: raw,
    }),
}
