import type { ProviderSpec } from './base-provider.ts'
import { str } from './provider.ts'

/** Planning Center (PocketBase `planningcenter`): `/people/v2/me`. */
export const planningcenter: ProviderSpec = {
  name: 'planningcenter',
  displayName: 'Planning Center',
  pkce: true,
  scopes: ['people'],
  authURL: 'https://api.planningcenteronline.com/oauth/authorize',
  tokenURL: 'https://api.planningcenteronline.com/oauth/token',
  userInfoURL: 'https://api.planningcenteronline.com/people/v2/me',
  mapUser: (raw, ctx) => {
    const data = (raw.data ?? {}) as { [key: string]: unknown }
    const a = (data.attributes ?? {}) as { [key: string]: unknown }
    if (a.status !== undefined && a.status !== 'active')
      throw new Error('the Planning Center user is not active')
    return ctx.user({
      id: str(data, 'id'),
      name: str(a, 'name'),
      username: str(a, 'login_identifier'),
      avatarURL: str(a, 'avatar'),
      rawUser: raw,
    })
  },
}
