import { randomString } from '../tools/security/random.ts'

/** An email template of an auth collection: `{subject, body}` with `{APP_NAME}`-style placeholders. */
export interface EmailTemplate {
  subject: string
  body: string
}

/** One token type's settings; `secret` is never sent by the API (PocketBase §6.2). */
export interface TokenConfig {
  secret: string
  duration: number
}

/** An OAuth2 provider config stored on an auth collection (PocketBase §6.8). */
export interface OAuth2ProviderConfig {
  name: string
  clientId: string
  clientSecret: string
  authURL: string
  tokenURL: string
  userInfoURL: string
  displayName: string
  pkce: boolean | null
  extra: Record<string, unknown> | null
}

/** The options of an `auth` collection, stored in `_collections.options` (PocketBase §7.1). */
export interface AuthOptions {
  authRule: string | null
  manageRule: string | null
  authAlert: { enabled: boolean; emailTemplate: EmailTemplate }
  oauth2: {
    providers: OAuth2ProviderConfig[]
    mappedFields: { id: string; name: string; username: string; avatarURL: string }
    enabled: boolean
  }
  passwordAuth: { enabled: boolean; identityFields: string[] }
  mfa: { enabled: boolean; duration: number; rule: string }
  otp: { enabled: boolean; duration: number; length: number; emailTemplate: EmailTemplate }
  authToken: TokenConfig
  passwordResetToken: TokenConfig
  emailChangeToken: TokenConfig
  verificationToken: TokenConfig
  fileToken: TokenConfig
  verificationTemplate: EmailTemplate
  resetPasswordTemplate: EmailTemplate
  confirmEmailChangeTemplate: EmailTemplate
}

/** The token types of an auth collection, as named in its options. */
export const TOKEN_TYPES = [
  'authToken',
  'passwordResetToken',
  'emailChangeToken',
  'verificationToken',
  'fileToken',
] as const

/** One token option key. */
export type TokenType = (typeof TOKEN_TYPES)[number]

const secret = () =>
  randomString(50, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')

const signature = '<p>\n  Thanks,<br/>\n  The {APP_NAME} team\n</p>'

/**
 * The defaults of a new auth collection (PocketBase §7.1: password auth on with `email`, MFA/OTP
 * off, token durations of §6.2). The template wording is Satchel's own; the placeholders match.
 */
export function defaultAuthOptions(): AuthOptions {
  return {
    authRule: '',
    manageRule: null,
    authAlert: {
      enabled: true,
      emailTemplate: {
        subject: 'New sign-in to your {APP_NAME} account',
        body: `<p>Hi,</p>\n<p>Your {APP_NAME} account was just used to sign in from a device we had not seen before:</p>\n<p><em>{ALERT_INFO}</em></p>\n<p><strong>Not you? Change your {APP_NAME} password right away; that signs out every other device.</strong></p>\n<p>If it was you, nothing needs to be done.</p>\n${signature}`,
      },
    },
    oauth2: {
      providers: [],
      mappedFields: { id: '', name: '', username: '', avatarURL: '' },
      enabled: false,
    },
    passwordAuth: { enabled: true, identityFields: ['email'] },
    mfa: { enabled: false, duration: 600, rule: '' },
    otp: {
      enabled: false,
      duration: 180,
      length: 8,
      emailTemplate: {
        subject: 'Your {APP_NAME} sign-in code',
        body: `<p>Hi,</p>\n<p>Use this code to sign in: <strong>{OTP}</strong></p>\n<p><i>Did not ask for a code? You can ignore this message.</i></p>\n${signature}`,
      },
    },
    authToken: { secret: secret(), duration: 432000 },
    passwordResetToken: { secret: secret(), duration: 1800 },
    emailChangeToken: { secret: secret(), duration: 1800 },
    verificationToken: { secret: secret(), duration: 86400 },
    fileToken: { secret: secret(), duration: 180 },
    verificationTemplate: {
      subject: 'Confirm your {APP_NAME} email address',
      body: `<p>Hi,</p>\n<p>Welcome to {APP_NAME}! Please confirm your email address with the button below.</p>\n<p>\n  <a class="btn" href="{APP_URL}/_/#/auth/confirm-verification/{TOKEN}" target="_blank" rel="noopener">Confirm email</a>\n</p>\n<p><i>If you did not sign up, you can ignore this message.</i></p>\n${signature}`,
    },
    resetPasswordTemplate: {
      subject: 'Choose a new {APP_NAME} password',
      body: `<p>Hi,</p>\n<p>Use the button below to choose a new password.</p>\n<p>\n  <a class="btn" href="{APP_URL}/_/#/auth/confirm-password-reset/{TOKEN}" target="_blank" rel="noopener">Choose a new password</a>\n</p>\n<p><i>If you did not ask for this, you can ignore this message.</i></p>\n${signature}`,
    },
    confirmEmailChangeTemplate: {
      subject: 'Confirm your new {APP_NAME} email address',
      body: `<p>Hi,</p>\n<p>Use the button below to confirm your new email address.</p>\n<p>\n  <a class="btn" href="{APP_URL}/_/#/auth/confirm-email-change/{TOKEN}" target="_blank" rel="noopener">Confirm new email</a>\n</p>\n<p><i>If you did not ask for this, you can ignore this message.</i></p>\n${signature}`,
    },
  }
}

/**
 * Merges stored or submitted options over the defaults, keeping only known keys (deep for the
 * nested objects). `base` supplies existing secrets so they survive a partial update.
 */
export function mergeAuthOptions(base: AuthOptions, input: Record<string, unknown>): AuthOptions {
  const out = structuredClone(base) as unknown as Record<string, unknown>
  for (const key of Object.keys(out)) {
    if (!(key in input)) continue
    const value = input[key]
    const current = out[key]
    if (isPlainObject(current) && isPlainObject(value)) {
      out[key] = mergeObject(current, value)
    } else if (key === 'authRule' || key === 'manageRule') {
      out[key] = value === null || typeof value === 'string' ? value : current
    } else if (value !== undefined) {
      out[key] = value
    }
  }
  const merged = out as unknown as AuthOptions
  merged.oauth2.providers = (
    Array.isArray(merged.oauth2.providers) ? merged.oauth2.providers : []
  ).map(normalizeProvider)
  return merged
}

/** Fills every key of a stored OAuth2 provider config with PocketBase's zero values. */
function normalizeProvider(p: Partial<OAuth2ProviderConfig>): OAuth2ProviderConfig {
  const str = (v: unknown) => (typeof v === 'string' ? v : '')
  return {
    name: str(p.name),
    clientId: str(p.clientId),
    clientSecret: str(p.clientSecret),
    authURL: str(p.authURL),
    tokenURL: str(p.tokenURL),
    userInfoURL: str(p.userInfoURL),
    displayName: str(p.displayName),
    pkce: typeof p.pkce === 'boolean' ? p.pkce : null,
    extra: isPlainObject(p.extra) ? p.extra : {},
  }
}

function mergeObject(
  base: Record<string, unknown>,
  input: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base }
  for (const [k, v] of Object.entries(input)) {
    if (!(k in base)) continue
    const b = base[k]
    out[k] = isPlainObject(b) && isPlainObject(v) ? mergeObject(b, v) : v
  }
  return out
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** The options as sent by the API: token secrets and OAuth2 client secrets removed. */
export function publicAuthOptions(options: AuthOptions): Record<string, unknown> {
  const out = structuredClone(options) as unknown as Record<string, unknown>
  for (const t of TOKEN_TYPES) {
    const { secret: _s, ...rest } = options[t]
    out[t] = rest
  }
  out.oauth2 = {
    ...options.oauth2,
    providers: options.oauth2.providers.map(({ clientSecret: _c, ...p }) => p),
  }
  return out
}
