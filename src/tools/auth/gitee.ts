import type { ProviderSpec } from './base-provider.ts'
import { str } from './provider.ts'

/** Gitee (PocketBase `gitee`): `/api/v5/user` plus the confirmed primary email of `/emails`. */
export const gitee: ProviderSpec = {
  name: 'gitee',
  displayName: 'Gitee',
  pkce: true,
  scopes: ['user_info', 'emails'],
  authURL: 'https://gitee.com/oauth/authorize',
  tokenURL: 'https://gitee.com/oauth/token',
  userInfoURL: 'https://gitee.com/api/v5/user',
  async mapUser(raw, ctx) {
    const emails = (await ctx.fetchJSON('https://gitee.com/api/v5/emails').catch(() => [])) as {
      [key: string]: unknown
    }[]
    const primary = Array.isArray(emails)
      ? emails.find(
          (e) => e.state === 'confirmed' && Array.isArray(e.scope) && e.scope.includes('primary'),
        )
      : undefined
    return ctx.user({
      id: str(raw, 'id'),
      name: str(raw, 'name'),
      username: str(raw, 'login'),
      email: str(primary, 'email'),
      avatarURL: str(raw, 'avatar_url'),
      rawUser: raw,
    })
  },
}
