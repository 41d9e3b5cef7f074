import type { ProviderSpec } from './base-provider.ts'
import { str } from './provider.ts'

/** Lark/Feishu (PocketBase `lark`): `authen/v1/user_info`; `union_id` identifies the user. */
export const lark: ProviderSpec = {
  name: 'lark',
  displayName: 'Lark',
  pkce: true,
  scopes: [],
  authURL: 'https://accounts.feishu.cn/open-apis/authen/v1/authorize',
  tokenURL: 'https://open.feishu.cn/open-apis/authen/v2/oauth/token',
  userInfoURL: 'https://open.feishu.cn/open-apis/authen/v1/user_info',
  mapUser: (raw, ctx) => {
    const data = (raw.data ?? {}) as { [key: string]: unknown }
    return ctx.user({
      id: str(data, 'union_id'),
      name: str(data, 'name'),
      email: str(data, 'enterprise_email') || str(data, 'email'),
      avatarURL: str(data, 'avatar_url'),
      rawUser: raw,
    })
  },
}
