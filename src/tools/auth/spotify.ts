import type { ProviderSpec } from './base-provider.ts'
import { str } from './provider.ts'

/** Spotify (PocketBase `spotify`): `/v1/me`; Spotify does not verify emails, so none is taken. */
export const spotify: ProviderSpec = {
  name: 'spotify',
  displayName: 'Spotify',
  pkce: true,
  scopes: ['user-read-private'],
  authURL: 'https://accounts.spotify.com/authorize',
  tokenURL: 'https://accounts.spotify.com/api/token',
  userInfoURL: 'https://api.spotify.com/v1/me',
  mapUser: (raw, ctx) => {
    const images = raw.images as { url?: string }[] | undefined
    return ctx.user({
      id: str(raw, 'id'),
      name: str(raw, 'display_name'),
      avatarURL: (Array.isArray(images) ? images[0]?.url : undefined) ?? '',
      rawUser: raw,
    })
  },
}
