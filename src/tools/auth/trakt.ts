import type { ProviderSpec } from './base-provider.ts'
import { str } from './provider.ts'

/** Trakt (PocketBase `trakt`): `/users/settings` with the API version and client id headers. */
export const trakt: ProviderSpec = {
  name: 'trakt',
  displayName: 'Trakt',
  pkce: true,
  scopes: [],
  authURL: 'https://trakt.tv/oauth/authorize',
  tokenURL: 'https://api.trakt.tv/oauth/token',
  userInfoURL: 'https://api.trakt.tv/users/settings',
  async fetchUser(ctx) {
    const raw = (await ctx.fetchJSON(ctx.userInfoURL, {
      headers: { 'trakt-api-version': '2', 'trakt-api-key': ctx.config.clientId },
    })) as { [key: string]: unknown }
    const user = (raw.user ?? {}) as { [key: string]: unknown }
    const ids = (user.ids ?? {}) as { [key: string]: unknown }
    const images = user.images as { avatar?: { full?: string } } | undefined
    return ctx.user({
      id: str(ids, 'uuid') || str(ids, 'slug'),
      name: str(user, 'name'),
      username: str(user, 'username'),
      avatarURL: images?.avatar?.full ?? '',
      rawUser: raw,
    })
  },
}
