import type { ProviderSpec } from './base-provider.ts'
import { str } from './provider.ts'

/** Gitea/Forgejo (PocketBase `gitea`; point the URLs at a self-hosted instance). */
export const gitea: ProviderSpec = {
  name: 'gitea',
  displayName: 'Gitea/Forgejo',
  pkce: true,
  scopes: ['read:user', 'user:email'],
  authURL: 'https://gitea.com/login/oauth/authorize',
  tokenURL: 'https://gitea.com/login/oauth/access_token',
  userInfoURL: 'https://gitea.com/api/v1/user',
  mapUser: (raw, ctx) =>
    ctx.user({
      id: str(raw, 'id'),
      name: str(raw, 'full_name'),
      username: str(raw, 'login'),
      email: str(raw, 'email'),
      avatarURL: str(raw, 'avatar_url'),
      rawUser: raw,
    }),
}
