import type { ProviderSpec } from './base-provider.ts'
import { str } from './provider.ts'

/** VK (PocketBase `vk`, no PKCE): `users.get`; the email comes with the token response. */
export const vk: ProviderSpec = {
  name: 'vk',
  displayName: 'ВКонтакте',
  pkce: false,
  scopes: ['email'],
  authURL: 'https://oauth.vk.com/authorize',
  tokenURL: 'https://oauth.vk.com/access_token',
  userInfoURL: 'https://api.vk.com/method/users.get?fields=photo_max,screen_name&v=5.131',
  mapUser: (raw, ctx) => {
    const list = raw.response as { [key: string]: unknown }[] | undefined
    const u = Array.isArray(list) ? list[0] : undefined
    return ctx.user({
      id: str(u, 'id'),
      name: `${str(u, 'first_name')} ${str(u, 'last_name')}`.trim(),
      username: str(u, 'screen_name'),
      email: str(ctx.token.raw, 'email'),
      avatarURL: str(u, 'photo_max'),
      rawUser: raw,
    })
  },
}
