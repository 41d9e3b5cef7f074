import type { ProviderSpec } from './base-provider.ts'
import { str, truthy } from './provider.ts'

/** GitHub (PocketBase `github`): the public email, else the primary verified one from `/user/emails`. */
export const github: ProviderSpec = {
  name: 'github',
  displayName: 'GitHub',
  pkce: true,
  scopes: ['read:user', 'user:email'],
  authURL: 'https://github.com/login/oauth/authorize',
  tokenURL: 'https://github.com/login/oauth/access_token',
  userInfoURL: 'https://api.github.com/user',
  async mapUser(raw, ctx) {
    let email = str(raw, 'email')
    if (email === '') {
      // NOTE: the emails endpoint sits next to the user endpoint (`/user` → `/user/emails`).
      const emails = (await ctx
        .fetchJSON(`${ctx.userInfoURL.replace(/\/+$/, '')}/emails`)
        .catch(() => [])) as { [key: string]: unknown }[]
      const primary = Array.isArray(emails)
        ? emails.find((e) => truthy(e.verified) && truthy(e.primary))
        : undefined
      email = str(primary, 'email')
    }
    return ctx.user({
      id: str(raw, 'id'),
      name: str(raw, 'name'),
      username: str(raw, 'login'),
      email,
      avatarURL: str(raw, 'avatar_url'),
      rawUser: raw,
    })
  },
}
