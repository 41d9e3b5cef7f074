/** One entry of `GET /api/collections/meta/oauth2-providers`. */
export interface OAuth2ProviderInfo {
  name: string
  displayName: string
  /** Inline SVG in PocketBase; empty until Satchel ships its own logos. */
  logo: string
}

/**
 * The OAuth2 providers PocketBase 0.40 knows, in its order (names and display names are protocol:
 * they key `oauth2.providers[].name`). Logos are empty strings for now.
 */
export const OAUTH2_PROVIDERS: readonly OAuth2ProviderInfo[] = Object.freeze([
  { name: 'apple', displayName: 'Apple', logo: '' },
  { name: 'google', displayName: 'Google', logo: '' },
  { name: 'microsoft', displayName: 'Microsoft', logo: '' },
  { name: 'yandex', displayName: 'Yandex', logo: '' },
  { name: 'facebook', displayName: 'Facebook', logo: '' },
  { name: 'instagram2', displayName: 'Instagram', logo: '' },
  { name: 'github', displayName: 'GitHub', logo: '' },
  { name: 'gitlab', displayName: 'GitLab', logo: '' },
  { name: 'bitbucket', displayName: 'Bitbucket', logo: '' },
  { name: 'gitee', displayName: 'Gitee', logo: '' },
  { name: 'gitea', displayName: 'Gitea/Forgejo', logo: '' },
  { name: 'discord', displayName: 'Discord', logo: '' },
  { name: 'twitter', displayName: 'X/Twitter', logo: '' },
  { name: 'kakao', displayName: 'Kakao', logo: '' },
  { name: 'vk', displayName: 'ВКонтакте', logo: '' },
  { name: 'linear', displayName: 'Linear', logo: '' },
  { name: 'notion', displayName: 'Notion', logo: '' },
  { name: 'monday', displayName: 'monday.com', logo: '' },
  { name: 'lark', displayName: 'Lark', logo: '' },
  { name: 'box', displayName: 'Box', logo: '' },
  { name: 'spotify', displayName: 'Spotify', logo: '' },
  { name: 'trakt', displayName: 'Trakt', logo: '' },
  { name: 'twitch', displayName: 'Twitch', logo: '' },
  { name: 'patreon', displayName: 'Patreon', logo: '' },
  { name: 'strava', displayName: 'Strava', logo: '' },
  { name: 'wakatime', displayName: 'WakaTime', logo: '' },
  { name: 'livechat', displayName: 'LiveChat', logo: '' },
  { name: 'mailcow', displayName: 'mailcow', logo: '' },
  { name: 'planningcenter', displayName: 'Planning Center', logo: '' },
  { name: 'oidc', displayName: 'OIDC', logo: '' },
  { name: 'oidc2', displayName: 'OIDC', logo: '' },
  { name: 'oidc3', displayName: 'OIDC', logo: '' },
])
