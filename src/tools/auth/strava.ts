import type { ProviderSpec } from './base-provider.ts'
import { str } from './provider.ts'

/** Strava (PocketBase `strava`): `/api/v3/athlete`; Strava shares no email. */
export const strava: ProviderSpec = {
  name: 'strava',
  displayName: 'Strava',
  pkce: true,
  scopes: ['profile:read_all'],
  authURL: 'https://www.strava.com/oauth/authorize',
  tokenURL: 'https://www.strava.com/api/v3/oauth/token',
  userInfoURL: 'https://www.strava.com/api/v3/athlete',
  mapUser: (raw, ctx) =>
    ctx.user({
      id: str(raw, 'id'),
      name: `${str(raw, 'firstname')} ${str(raw, 'lastname')}`.trim(),
      username: str(raw, 'username'),
      avatarURL: str(raw, 'profile'),
      rawUser: raw,
    }),
}
