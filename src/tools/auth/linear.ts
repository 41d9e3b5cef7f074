import type { ProviderSpec } from './base-provider.ts'
import { str, truthy } from './provider.ts'

/** Linear (PocketBase `linear`, no PKCE): the GraphQL `viewer`; inactive accounts are refused. */
export const linear: ProviderSpec = {
  name: 'linear',
  displayName: 'Linear',
  pkce: false,
  scopes: ['read'],
  authURL: 'https://linear.app/oauth/authorize',
  tokenURL: 'https://api.linear.app/oauth/token',
  userInfoURL: 'https://api.linear.app/graphql',
  async fetchUser(ctx) {
    const raw = (await ctx.fetchJSON(ctx.userInfoURL, {
      body: { query: 'query Me { viewer { id displayName name email avatarUrl active } }' },
    })) as { [key: string]: unknown }
    const viewer = ((raw.data ?? {}) as { viewer?: { [key: string]: unknown } }).viewer
    if (!truthy(viewer?.active)) throw new Error('the Linear user account is not active')
    return ctx.user({
      id: str(viewer, 'id'),
      name: str(viewer, 'name'),
      username: str(viewer, 'displayName'),
      email: str(viewer, 'email'),
      avatarURL: str(viewer, 'avatarUrl'),
      rawUser: raw,
    })
  },
}
