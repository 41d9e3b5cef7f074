import type { ProviderSpec } from './base-provider.ts'
import { str } from './provider.ts'

/** GitLab (PocketBase `gitlab`): `/api/v4/user`; the account email counts as verified. */
export const gitlab: ProviderSpec = {
  name: 'gitlab',
  displayName: 'GitLab',
  pkce: true,
  scopes: ['read_user'],
  authURL: 'https://gitlab.com/oauth/authorize',
  tokenURL: 'https://gitlab.com/oauth/token',
  userInfoURL: 'https://gitlab.com/api/v4/user',
  mapUser: (raw, ctx) =>
    ctx.user({
      id: str(raw, 'id'),
      name: str(raw, 'name'),
      username: str(raw, 'username'),
      email: str(raw, 'email'),
      avatarURL: str(raw, 'avatar_url'),
      rawUser: raw,
    }),
}
