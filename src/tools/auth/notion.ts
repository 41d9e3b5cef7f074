import type { ProviderSpec } from './base-provider.ts'
import { str } from './provider.ts'

/** Notion (PocketBase `notion`): the bot owner of `/v1/users/me` is the signed-in person. */
export const notion: ProviderSpec = {
  name: 'notion',
  displayName: 'Notion',
  pkce: true,
  scopes: [],
  authURL: 'https://api.notion.com/v1/oauth/authorize',
  tokenURL: 'https://api.notion.com/v1/oauth/token',
  userInfoURL: 'https://api.notion.com/v1/users/me',
  async fetchUser(ctx) {
    const raw = (await ctx.fetchJSON(ctx.userInfoURL, {
      headers: { 'Notion-Version': '2022-06-28' },
    })) as { [key: string]: unknown }
    const bot = (raw.bot ?? {}) as { owner?: { user?: { [key: string]: unknown } } }
    const user = bot.owner?.user
    const person = (user?.person ?? {}) as { [key: string]: unknown }
    return ctx.user({
      id: str(user, 'id'),
      name: str(user, 'name'),
      email: str(person, 'email'),
      avatarURL: str(user, 'avatar_url'),
      rawUser: raw,
    })
  },
}
