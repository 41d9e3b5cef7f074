import type { ProviderSpec } from './base-provider.ts'
import { str, truthy } from './provider.ts'

/** Discord (PocketBase `discord`): `/users/@me`; email when `verified`; CDN avatar URL. */
export const discord: ProviderSpec = {
  name: 'discord',
  displayName: 'Discord',
  pkce: true,
  scopes: ['identify', 'email'],
  authURL: 'https://discord.com/api/oauth2/authorize',
  tokenURL: 'https://discord.com/api/oauth2/token',
  userInfoURL: 'https://discord.com/api/users/@me',
  mapUser: (raw, ctx) => {
    const id = str(raw, 'id')
    const avatar = str(raw, 'avatar')
    const ext = avatar.startsWith('a_') ? 'gif' : 'png'
    return ctx.user({
      id,
      name: str(raw, 'global_name') || str(raw, 'username'),
      username: str(raw, 'username'),
      email: truthy(raw.verified) ? str(raw, 'email') : '',
      avatarURL: avatar === '' ? '' : `https://cdn.discordapp.com/avatars/${id}/${avatar}.${ext}`,
      rawUser: raw,
    })
  },
}
