import { apple } from './apple.ts'
import type { ProviderSpec } from './base-provider.ts'
import { bitbucket } from './bitbucket.ts'
import { box } from './box.ts'
import { discord } from './discord.ts'
import { facebook } from './facebook.ts'
import { gitea } from './gitea.ts'
import { gitee } from './gitee.ts'
import { github } from './github.ts'
import { gitlab } from './gitlab.ts'
import { google } from './google.ts'
import { instagram2 } from './instagram2.ts'
import { kakao } from './kakao.ts'
import { lark } from './lark.ts'
import { linear } from './linear.ts'
import { livechat } from './livechat.ts'
import { mailcow } from './mailcow.ts'
import { microsoft } from './microsoft.ts'
import { monday } from './monday.ts'
import { notion } from './notion.ts'
import { patreon } from './patreon.ts'
import { planningcenter } from './planningcenter.ts'
import type { Provider, ProviderConfig } from './provider.ts'
import { providerLogo } from './provider-logos.ts'
import { spotify } from './spotify.ts'
import { strava } from './strava.ts'
import { trakt } from './trakt.ts'
import { twitch } from './twitch.ts'
import { twitter } from './twitter.ts'
import { vk } from './vk.ts'
import { wakatime } from './wakatime.ts'
import { yandex } from './yandex.ts'

/** One entry of `GET /api/collections/meta/oauth2-providers`. */
export interface OAuth2ProviderInfo {
  name: string
  displayName: string
  /** The provider's mark as an inline SVG string (Satchel's own badges, see provider-logos.ts). */
  logo: string
}

const SPECS: readonly ProviderSpec[] = [
  apple,
  google,
  microsoft,
  yandex,
  facebook,
  instagram2,
  github,
  gitlab,
  bitbucket,
  gitee,
  gitea,
  discord,
  twitter,
  kakao,
  vk,
  linear,
  notion,
  monday,
  lark,
  box,
  spotify,
  trakt,
  twitch,
  patreon,
  strava,
  wakatime,
  livechat,
  mailcow,
  planningcenter,
]

const OIDC_NAMES = ['oidc', 'oidc2', 'oidc3'] as const

const byName = new Map(SPECS.map((s) => [s.name, s]))

/**
 * The OAuth2 providers PocketBase 0.40 knows, in its order (names and display names are
 * protocol: they key `oauth2.providers[].name`), each with its inline SVG logo.
 */
export const OAUTH2_PROVIDERS: readonly OAuth2ProviderInfo[] = Object.freeze([
  ...SPECS.map((s) => ({ name: s.name, displayName: s.displayName, logo: providerLogo(s.name) })),
  ...OIDC_NAMES.map((name) => ({ name, displayName: 'OIDC', logo: providerLogo(name) })),
])

export { providerLogo }

/** True when `name` is a provider Satchel can build. */
export function isKnownProvider(name: string): boolean {
  return byName.has(name) || (OIDC_NAMES as readonly string[]).includes(name)
}

/**
 * Builds the provider of a stored config (PocketBase `ProviderConfig.InitProvider`). Rejects
 * when the name is unknown. The OAuth2 clients (arctic, oauth4webapi) load on the first call.
 */
export async function newProvider(config: ProviderConfig): Promise<Provider> {
  if ((OIDC_NAMES as readonly string[]).includes(config.name)) {
    const { OIDCProvider } = await import('./oidc.ts')
    return new OIDCProvider(config)
  }
  const spec = byName.get(config.name)
  if (spec === undefined) throw new Error(`missing provider ${config.name}`)
  const { OAuth2Provider } = await import('./base-provider.ts')
  return new OAuth2Provider(spec, config)
}
