import type { ProviderSpec } from './base-provider.ts'
import { str, truthy } from './provider.ts'

/** monday.com (PocketBase `monday`): the GraphQL `me`; disabled users are refused. */
export const monday: ProviderSpec = {
  name: 'monday',
  displayName: 'monday.com',
  pkce: true,
  scopes: ['me:read'],
  authURL: 'https://auth.monday.com/oauth2/authorize',
  tokenURL: 'https://auth.monday.com/oauth2/token',
  userInfoURL: 'https://api.monday.com/v2',
  async fetchUser(ctx) {
    const raw = (await ctx.fetchJSON(ctx.userInfoURL, {
      body: { query: 'query { me { id enabled email is_verified name photo_small } }' },
    })) as { [key: string]: unknown }
    const me = ((raw.data ?? {}) as { me?: { [key: string]: unknown } }).me
    if (!truthy(me?.enabled)) throw new Error('the monday.com user account is not enabled')
    return ctx.user({
      id: str(me, 'id'),
      name: str(me, 'name'),
      email: truthy(me?.is_verified) ? str(me, 'email') : '',
      avatarURL: str(me, 'photo_small'),
      rawUser: raw,
    })
  },
}
