import type { ProviderSpec } from './base-provider.ts'
import { str } from './provider.ts'

/** mailcow (PocketBase `mailcow`): self-hosted, so the three URLs must be configured. */
export const mailcow: ProviderSpec = {
  name: 'mailcow',
  displayName: 'mailcow',
  pkce: true,
  scopes: ['profile'],
  authURL: '',
  tokenURL: '',
  userInfoURL: '',
  mapUser: (raw, ctx) => {
    if (raw.active !== undefined && raw.active !== 1 && raw.active !== true && raw.active !== '1')
      throw new Error('the mailcow user is not active')
    return ctx.user({
      id: str(raw, 'id'),
      name: str(raw, 'full_name'),
      username: str(raw, 'username'),
      email: str(raw, 'email'),
      rawUser: raw,
    })
  },
}
