import type { ProviderSpec } from './base-provider.ts'
import { str, truthy } from './provider.ts'

/** Kakao (PocketBase `kakao`): `/v2/user/me`; the email when valid and verified. */
export const kakao: ProviderSpec = {
  name: 'kakao',
  displayName: 'Kakao',
  pkce: true,
  scopes: ['account_email', 'profile_nickname', 'profile_image'],
  authURL: 'https://kauth.kakao.com/oauth/authorize',
  tokenURL: 'https://kauth.kakao.com/oauth/token',
  userInfoURL: 'https://kapi.kakao.com/v2/user/me',
  mapUser: (raw, ctx) => {
    const account = (raw.kakao_account ?? {}) as { [key: string]: unknown }
    const profile = (account.profile ?? {}) as { [key: string]: unknown }
    const verified = truthy(account.is_email_valid) && truthy(account.is_email_verified)
    return ctx.user({
      id: str(raw, 'id'),
      username: str(profile, 'nickname'),
      email: verified ? str(account, 'email') : '',
      avatarURL: str(profile, 'profile_image_url'),
      rawUser: raw,
    })
  },
}
