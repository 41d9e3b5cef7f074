import type { ProviderSpec } from './base-provider.ts'
import { str, truthy } from './provider.ts'

/** Bitbucket (PocketBase `bitbucket`, no PKCE): `/2.0/user` plus the primary confirmed email. */
export const bitbucket: ProviderSpec = {
  name: 'bitbucket',
  displayName: 'Bitbucket',
  pkce: false,
  scopes: ['account'],
  authURL: 'https://bitbucket.org/site/oauth2/authorize',
  tokenURL: 'https://bitbucket.org/site/oauth2/access_token',
  userInfoURL: 'https://api.bitbucket.org/2.0/user',
  async mapUser(raw, ctx) {
    const emails = (await ctx
      .fetchJSON(`${ctx.userInfoURL.replace(/\/+$/, '')}/emails`)
      .catch(() => ({}))) as { values?: { [key: string]: unknown }[] }
    const primary = (emails.values ?? []).find(
      (e) => truthy(e.is_primary) && truthy(e.is_confirmed),
    )
    const links = raw.links as { avatar?: { href?: string } } | undefined
    return ctx.user({
      id: str(raw, 'uuid'),
      name: str(raw, 'display_name'),
      username: str(raw, 'username'),
      email: str(primary, 'email'),
      avatarURL: links?.avatar?.href ?? '',
      rawUser: raw,
    })
  },
}
