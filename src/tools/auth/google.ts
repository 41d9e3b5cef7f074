import type { ProviderSpec } from './base-provider.ts'
import { str, truthy } from './provider.ts'

/** Google (PocketBase `google`): OpenID userinfo; the email only when `email_verified`. */
export const google: ProviderSpec = {
  name: 'google',
  displayName: 'Google',
  pkce: true,
  scopes: [
    'https://www.googleapis.com/auth/userinfo.profile',
    'https://www.googleapis.com/auth/userinfo.email',
  ],
  authURL: 'https://accounts.google.com/o/oauth2/v2/auth',
  tokenURL: 'https://oauth2.googleapis.com/token',
  userInfoURL: 'https://www.googleapis.com/oauth2/v3/userinfo',
  mapUser: (raw, ctx) =>
    ctx.user({
      id: str(raw, 'sub'),
      name: str(raw, 'name'),
      email: truthy(raw.email_verified) ? str(raw, 'email') : '',
      avatarURL: str(raw, 'picture'),
      rawUser: raw,
    }),
}
