import type { ProviderSpec } from './base-provider.ts'
import { str } from './provider.ts'

/** Yandex (PocketBase `yandex`): `login.yandex.ru/info`; avatar built from `default_avatar_id`. */
export const yandex: ProviderSpec = {
  name: 'yandex',
  displayName: 'Yandex',
  pkce: true,
  scopes: ['login:email', 'login:avatar', 'login:info'],
  authURL: 'https://oauth.yandex.com/authorize',
  tokenURL: 'https://oauth.yandex.com/token',
  userInfoURL: 'https://login.yandex.ru/info',
  mapUser: (raw, ctx) => {
    const avatar = str(raw, 'default_avatar_id')
    return ctx.user({
      id: str(raw, 'id'),
      name: str(raw, 'real_name'),
      username: str(raw, 'login'),
      email: str(raw, 'default_email'),
      avatarURL: avatar === '' ? '' : `https://avatars.yandex.net/get-yapic/${avatar}/islands-200`,
      rawUser: raw,
    })
  },
}
