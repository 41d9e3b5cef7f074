import type { ProviderSpec } from './base-provider.ts'
import { str, truthy } from './provider.ts'

/** Patreon (PocketBase `patreon`): the v2 identity; the email when `is_email_verified`. */
export const patreon: ProviderSpec = {
  name: 'patreon',
  displayName: 'Patreon',
  pkce: true,
  scopes: ['identity', 'identity[email]'],
  authURL: 'https://www.patreon.com/oauth2/authorize',
  tokenURL: 'https://www.patreon.com/api/oauth2/token',
  userInfoURL:
    'https://www.patreon.com/api/oauth2/v2/identity?fields%5Buser%5D=full_name,email,vanity,image_url,is_email_verified',
  mapUser: (raw, ctx) => {
    const data = (raw.data ?? {}) as { [key: string]: unknown }
    const a = (data.attributes ?? {}) as { [key: string]: unknown }
    return ctx.user({
      id: str(data, 'id'),
      name: str(a, 'full_name'),
      username: str(a, 'vanity'),
      email: truthy(a.is_email_verified) ? str(a, 'email') : '',
      avatarURL: str(a, 'image_url'),
      rawUser: raw,
    })
  },
}
