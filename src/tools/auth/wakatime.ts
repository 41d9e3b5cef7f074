import type { ProviderSpec } from './base-provider.ts'
import { str, truthy } from './provider.ts'

/** WakaTime (PocketBase `wakatime`): `/api/v1/users/current`; email when confirmed. */
export const wakatime: ProviderSpec = {
  name: 'wakatime',
  displayName: 'WakaTime',
  pkce: true,
  scopes: ['email'],
  authURL: 'https://wakatime.com/oauth/authorize',
  tokenURL: 'https://wakatime.com/oauth/token',
  userInfoURL: 'https://wakatime.com/api/v1/users/current',
  mapUser: (raw, ctx) => {
    const data = (raw.data ?? {}) as { [key: string]: unknown }
    return ctx.user({
      id: str(data, 'id'),
      name: str(data, 'display_name'),
      username: str(data, 'username'),
      email: truthy(data.is_email_confirmed) ? str(data, 'email') : '',
      avatarURL: str(data, 'photo'),
      rawUser: raw,
    })
  },
}
