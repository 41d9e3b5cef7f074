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

/** Thrown by a strict {@link mergeAuthOptions} for a value of the wrong JSON type. */
export class AuthOptionsFormatError extends Error {
  constructor(path: string) {
    super(`Invalid value type of auth option ${path}.`)
    this.name = 'AuthOptionsFormatError'
  }
}

/** Option keys whose value may be `null` (Go pointers); every other null means "zero value". */
const NULLABLE = new Set(['authRule', 'manageRule', 'pkce'])

/**
 * Merges stored or submitted options over `base`, keeping only known keys (deep for the nested
 * objects) the way Go unmarshals JSON onto PocketBase's options struct: `null` resets a value to
 * its zero value (`''`, `0`, `false`, `[]`, an object of zero values; `null` for the rules and
 * `pkce`), numbers must be integers. A value of another JSON type is ignored, or, when
 * `strict` (submitted bodies), throws AuthOptionsFormatError (PocketBase answers "invalid
 * formatting"). `base` supplies existing secrets so they survive a partial update.
 */
export function mergeAuthOptions(
  base: AuthOptions,
  input: Record<string, unknown>,
  strict = false,
): AuthOptions {
  const out = structuredClone(base) as unknown as Record<string, unknown>
  for (const key of Object.keys(out)) {
    if (!(key in input) || input[key] === undefined) continue
    out[key] = mergeValue(out[key], input[key], key, strict)
  }
  const merged = out as unknown as AuthOptions
  merged.oauth2.providers = merged.oauth2.providers.map(normalizeProvider)
  return merged
}

function mergeValue(current: unknown, value: unknown, path: string, strict: boolean): unknown {
  const key = path.slice(path.lastIndexOf('.') + 1)
  if (value === null) return NULLABLE.has(key) ? null : zeroOf(current)
  const invalid = () => {
    if (strict) throw new AuthOptionsFormatError(path)
    return current
  }
  if (NULLABLE.has(key)) {
    const type = key === 'pkce' ? 'boolean' : 'string'
    return typeof value === type ? value : invalid()
  }
  if (Array.isArray(current)) {
    if (!Array.isArray(value)) return invalid()
    if (key === 'providers') {
      if (!value.every(isProviderInput)) return invalid()
      // NOTE: the API never sends client secrets, so a provider submitted without one keeps the
      // stored secret of the same name (PocketBase does the same).
      const stored = new Map((current as OAuth2ProviderConfig[]).map((p) => [p.name, p]))
      return value.map((p: Record<string, unknown>) =>
        'clientSecret' in p || !stored.has(p.name as string)
          ? structuredClone(p)
          : { ...structuredClone(p), clientSecret: stored.get(p.name as string)!.clientSecret },
      )
    }
    return value.every((v) => typeof v === 'string') ? [...value] : invalid()
  }
  if (isPlainObject(current)) {
    if (!isPlainObject(value)) return invalid()
    // `extra` of a provider is a free-form map
    if (key === 'extra') return structuredClone(value)
    const out: Record<string, unknown> = { ...current }
    for (const [k, v] of Object.entries(value)) {
      if (k in current && v !== undefined)
        out[k] = mergeValue(current[k], v, `${path}.${k}`, strict)
    }
    return out
  }
  if (typeof current === 'number') return Number.isInteger(value) ? value : invalid()
  return typeof value === typeof current ? value : invalid()
}

/**
 * Auth options of zero values (Go's zero `collectionAuthOptions`): what a collection that turns
 * into an auth collection on update starts from in PocketBase (it then fails validation).
 */
export function zeroAuthOptions(): AuthOptions {
  return zeroOf(defaultAuthOptions()) as AuthOptions
}

/** Go's zero value of a value of the same shape. */
function zeroOf(v: unknown): unknown {
  if (Array.isArray(v)) return []
  if (isPlainObject(v)) {
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [k, NULLABLE.has(k) ? null : zeroOf(x)]),
    )
  }
  if (typeof v === 'number') return 0
  if (typeof v === 'boolean') return false
  if (typeof v === 'string') return ''
  return null
}

const PROVIDER_STRINGS = [
  'name',
  'clientId',
  'clientSecret',
  'authURL',
  'tokenURL',
  'userInfoURL',
  'displayName',
] as const

/** True when a submitted provider config has the JSON types of PocketBase's struct. */
function isProviderInput(p: unknown): boolean {
  if (!isPlainObject(p)) return false
  for (const k of PROVIDER_STRINGS) {
    if (p[k] !== undefined && p[k] !== null && typeof p[k] !== 'string') return false
  }
  if (p.pkce !== undefined && p.pkce !== null && typeof p.pkce !== 'boolean') return false
  return p.extra === undefined || p.extra === null || isPlainObject(p.extra)
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
