import type { CollectionModel } from 'pocketbase'

/** The auth options the dashboard edits (PocketBase's auth collection settings, §6). */
export interface AuthOptions {
  passwordAuth: { enabled: boolean; identityFields: string[] }
  otp: { enabled: boolean; duration: number; length: number }
  mfa: { enabled: boolean; duration: number; rule: string }
  authAlert: { enabled: boolean }
  authToken: { duration: number }
  verificationToken: { duration: number }
  passwordResetToken: { duration: number }
  emailChangeToken: { duration: number }
  fileToken: { duration: number }
}

/** The sections of `AuthOptions`, in the order they are sent. */
export const AUTH_SECTIONS = [
  'passwordAuth',
  'otp',
  'mfa',
  'authAlert',
  'authToken',
  'verificationToken',
  'passwordResetToken',
  'emailChangeToken',
  'fileToken',
] as const

/**
 * The options of an auth collection, or PocketBase's defaults for a new one (password sign-in
 * by email, OTP and MFA off, 7-day auth tokens…).
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
  return {
    passwordAuth: get('passwordAuth', { enabled: true, identityFields: ['email'] }),
    otp: (({ enabled, duration, length }) => ({ enabled, duration, length }))(
      get('otp', { enabled: false, duration: 180, length: 8 }),
    ),
    mfa: (({ enabled, duration, rule }) => ({ enabled, duration, rule }))(
      get('mfa', { enabled: false, duration: 1800, rule: '' }),
    ),
    authAlert: { enabled: get('authAlert', { enabled: true }).enabled },
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
  return out as Partial<AuthOptions>
}
