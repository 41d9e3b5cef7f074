import type { ProviderSpec } from './base-provider.ts'
import { str } from './provider.ts'

/** Twitch (PocketBase `twitch`): Helix `/users` with the `Client-Id` header. */
export const twitch: ProviderSpec = {
  name: 'twitch',
  displayName: 'Twitch',
  pkce: true,
  scopes: ['user:read:email'],
  authURL: 'https://id.twitch.tv/oauth2/authorize',
  tokenURL: 'https://id.twitch.tv/oauth2/token',
  userInfoURL: 'https://api.twitch.tv/helix/users',
  async fetchUser(ctx) {
    const raw = (await ctx.fetchJSON(ctx.userInfoURL, {
      headers: { 'Client-Id': ctx.config.clientId },
    })) as { [key: string]: unknown }
    const list = raw.data as { [key: string]: unknown }[] | undefined
    const u = Array.isArray(list) ? list[0] : undefined
    if (u === undefined) throw new Error('failed to fetch the Twitch user')
    return ctx.user({
      id: str(u, 'id'),
      name: str(u, 'display_name'),
      username: str(u, 'login'),
      email: str(u, 'email'),
      avatarURL: str(u, 'profile_image_url'),
      rawUser: raw,
    })
  },
}
