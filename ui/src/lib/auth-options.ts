import type { CollectionModel } from 'pocketbase'

/** A system email of an auth collection: `{APP_NAME}`-style placeholders in both parts. */
export interface EmailTemplate {
  subject: string
  /** HTML. */
  body: string
}

/**
 * One OAuth2 provider of an auth collection. The server never sends `clientSecret`; a provider
 * saved without one keeps its stored secret.
 */
export interface OAuth2ProviderConfig {
  name: string
  clientId: string
  clientSecret?: string
  authURL: string
  tokenURL: string
  userInfoURL: string
  displayName: string
  /** `null`: the provider's default. */
  pkce: boolean | null
  extra?: Record<string, unknown> | null
}

/** The OAuth2 options of an auth collection. */
export interface OAuth2Options {
  enabled: boolean
  /** Which collection fields get the provider's user data (`''`: none). */
  mappedFields: { id: string; name: string; username: string; avatarURL: string }
  providers: OAuth2ProviderConfig[]
}

/**
 * A token type's options. The server never sends `secret`; setting a new one invalidates every
 * token of that type issued so far.
 */
export interface TokenOptions {
  /** Seconds. */
  duration: number
  secret?: string
}

/** A new random token secret (50 letters and digits, from the browser's CSPRNG). */
export function newTokenSecret(): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
  const bytes = crypto.getRandomValues(new Uint8Array(50))
  // NOTE: 256 % 62 leaves a slight bias, irrelevant for a 50-character secret
  return Array.from(bytes, (b) => chars[b % chars.length]).join('')
}

/** The auth options the dashboard edits (PocketBase's auth collection settings, §6). */
export interface AuthOptions {
  passwordAuth: { enabled: boolean; identityFields: string[] }
  otp: { enabled: boolean; duration: number; length: number; emailTemplate: EmailTemplate }
  mfa: { enabled: boolean; duration: number; rule: string }
  authAlert: { enabled: boolean; emailTemplate: EmailTemplate }
  oauth2: OAuth2Options
  verificationTemplate: EmailTemplate
  resetPasswordTemplate: EmailTemplate
  confirmEmailChangeTemplate: EmailTemplate
  authToken: TokenOptions
  verificationToken: TokenOptions
  passwordResetToken: TokenOptions
  emailChangeToken: TokenOptions
  fileToken: TokenOptions
}

/** The sections of `AuthOptions`, in the order they are sent. */
export const AUTH_SECTIONS = [
  'passwordAuth',
  'otp',
  'mfa',
  'authAlert',
  'oauth2',
  'verificationTemplate',
  'resetPasswordTemplate',
  'confirmEmailChangeTemplate',
  'authToken',
  'verificationToken',
  'passwordResetToken',
  'emailChangeToken',
  'fileToken',
] as const

/**
 * The options of an auth collection, or PocketBase's defaults for a new one (password sign-in
 * by email, OTP and MFA off, 7-day auth tokens…; empty templates, which the server leaves at
 * its defaults since unchanged sections are not sent).
 */
export function authOptionsOf(c: CollectionModel | null): AuthOptions {
  const v = (c ?? {}) as Record<string, unknown>
  const get = <T>(key: string, fallback: T): T => {
    const x = v[key]
    return x && typeof x === 'object' ? { ...fallback, ...(x as object) } : fallback
  }
  const dur = (key: string, seconds: number) => ({
    duration: get(key, { duration: seconds }).duration,
  })
  const template = (x: unknown): EmailTemplate => {
    const t = (x && typeof x === 'object' ? x : {}) as Partial<EmailTemplate>
    return { subject: t.subject ?? '', body: t.body ?? '' }
  }
  const oauth2 = get<Partial<OAuth2Options>>('oauth2', {})
  return {
    passwordAuth: get('passwordAuth', { enabled: true, identityFields: ['email'] }),
    otp: (({ enabled, duration, length, emailTemplate }) => ({
      enabled,
      duration,
      length,
      emailTemplate: template(emailTemplate),
    }))(get('otp', { enabled: false, duration: 180, length: 8, emailTemplate: template(null) })),
    mfa: (({ enabled, duration, rule }) => ({ enabled, duration, rule }))(
      get('mfa', { enabled: false, duration: 1800, rule: '' }),
    ),
    authAlert: (({ enabled, emailTemplate }) => ({
      enabled,
      emailTemplate: template(emailTemplate),
    }))(get('authAlert', { enabled: true, emailTemplate: template(null) })),
    oauth2: {
      enabled: oauth2.enabled === true,
      mappedFields: { id: '', name: '', username: '', avatarURL: '', ...oauth2.mappedFields },
      providers: (oauth2.providers ?? []).map((p) => ({
        name: p.name,
        clientId: p.clientId ?? '',
        authURL: p.authURL ?? '',
        tokenURL: p.tokenURL ?? '',
        userInfoURL: p.userInfoURL ?? '',
        displayName: p.displayName ?? '',
        pkce: p.pkce ?? null,
        extra: p.extra ?? null,
      })),
    },
    verificationTemplate: template(v.verificationTemplate),
    resetPasswordTemplate: template(v.resetPasswordTemplate),
    confirmEmailChangeTemplate: template(v.confirmEmailChangeTemplate),
    authToken: dur('authToken', 604800),
    verificationToken: dur('verificationToken', 259200),
    passwordResetToken: dur('passwordResetToken', 1800),
    emailChangeToken: dur('emailChangeToken', 1800),
    fileToken: dur('fileToken', 180),
  }
}

/** The sections of `next` that differ from `before` (only those are sent, merged by the server). */
export function changedAuthOptions(before: AuthOptions, next: AuthOptions): Partial<AuthOptions> {
  const out: Record<string, unknown> = {}
  for (const k of AUTH_SECTIONS) {
    if (JSON.stringify(before[k]) !== JSON.stringify(next[k])) out[k] = next[k]
  }
  // a new collection's templates are the server's defaults: an empty one is not sent
  for (const k of ['otp', 'authAlert'] as const) {
    const section = out[k] as { emailTemplate?: EmailTemplate } | undefined
    if (section?.emailTemplate && !section.emailTemplate.subject && !section.emailTemplate.body) {
      const { emailTemplate: _, ...rest } = section
      out[k] = rest
    }
  }
  // a secret left empty is not sent, so the server keeps the stored one
  if (out.oauth2) {
    out.oauth2 = {
      ...next.oauth2,
      providers: next.oauth2.providers.map(({ clientSecret, ...p }) =>
        clientSecret ? { ...p, clientSecret } : p,
      ),
    }
  }
  return out as Partial<AuthOptions>
}
