/**
 * Satchel's own provider marks: a rounded badge with a short monogram per OAuth2 provider,
 * drawn for Satchel (no vendor artwork). PocketBase sends an inline SVG string as each
 * provider's `logo`; these fill the same slot.
 */

/** The monogram of each provider (one or two characters). */
const MONOGRAMS: { readonly [name: string]: string } = {
  apple: 'A',
  google: 'G',
  microsoft: 'Ms',
  yandex: 'Ya',
  facebook: 'Fb',
  instagram2: 'Ig',
  github: 'GH',
  gitlab: 'GL',
  bitbucket: 'Bb',
  gitee: 'Ge',
  gitea: 'Gt',
  discord: 'Dc',
  twitter: 'X',
  kakao: 'K',
  vk: 'VK',
  linear: 'Li',
  notion: 'N',
  monday: 'Mo',
  lark: 'La',
  box: 'Bx',
  spotify: 'Sp',
  trakt: 'Tk',
  twitch: 'Tw',
  patreon: 'Pa',
  strava: 'St',
  wakatime: 'Wk',
  livechat: 'LC',
  mailcow: 'Mc',
  planningcenter: 'PC',
  oidc: 'ID',
  oidc2: 'ID',
  oidc3: 'ID',
}

/** A muted badge colour per provider: a hue from the name, fixed saturation and lightness. */
function badgeColor(name: string): string {
  // FNV-1a over the name without a trailing number (oidc, oidc2 and oidc3 look alike)
  let h = 0x811c9dc5
  for (const ch of name.replace(/\d+$/, '')) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193)
  return `hsl(${(h >>> 0) % 360} 38% 38%)`
}

const cache = new Map<string, string>()

/**
 * Returns the inline SVG mark of a provider (`<svg …>…</svg>`, 64×64 view box): a rounded
 * badge in a colour derived from `name` with the provider's monogram (its first letters when
 * the name is not a known provider). The same name always gives the same string.
 */
export function providerLogo(name: string): string {
  const hit = cache.get(name)
  if (hit !== undefined) return hit
  const label = MONOGRAMS[name] ?? name.slice(0, 2).replace(/^./, (c) => c.toUpperCase())
  const size = label.length > 1 ? 26 : 32
  const svg =
    '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">' +
    `<rect width="64" height="64" rx="14" fill="${badgeColor(name)}"/>` +
    '<rect x="4" y="4" width="56" height="56" rx="11" fill="none" stroke="#fff" stroke-opacity=".22" stroke-width="2"/>' +
    `<text x="32" y="33" dominant-baseline="central" text-anchor="middle" font-family="system-ui,-apple-system,'Segoe UI',Roboto,sans-serif" font-size="${size}" font-weight="700" fill="#fff">${escapeXml(label)}</text>` +
    '</svg>'
  cache.set(name, svg)
  return svg
}

function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}
