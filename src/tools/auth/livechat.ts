import type { ProviderSpec } from './base-provider.ts'
import { str, truthy } from './provider.ts'

/** LiveChat (PocketBase `livechat`): `/v2/accounts/me`; email when `email_verified`. */
export const livechat: ProviderSpec = {
  name: 'livechat',
  displayName: 'LiveChat',
  pkce: true,
  scopes: [],
  authURL: 'https://accounts.livechat.com/',
  tokenURL: 'https://accounts.livechat.com/token',
  userInfoURL: 'https://accounts.livechat.com/v2/accounts/me',
  mapUser: (raw, ctx) =>
    ctx.user({
      id: str(raw, 'account_id'),
      name: str(raw, 'name'),
      email: truthy(raw.email_verified) ? str(raw, 'email') : '',
      avatarURL: str(raw, 'avatar_url'),
      rawUser: raw,
    }),
}
