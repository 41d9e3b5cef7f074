import { createHash, timingSafeEqual } from 'node:crypto'
import { ApiError } from '../tools/router/api-error.ts'
import { randomString } from '../tools/security/random.ts'
import { ValidationErrors, validationError } from '../tools/validation/validation-errors.ts'
import type { App } from './app.ts'
import { Record } from './record-model.ts'
import { saveRecord } from './record-save.ts'

/**
 * The first-run installer token: `serve` makes one when `_superusers` is empty and prints a link
 * carrying it; `POST /api/installer` accepts it once, to create the first superuser.
 *
 * NOTE: PocketBase instead inserts a temporary `__pbinstaller@example.com` superuser and prints
 * an auth token of it. Satchel keeps no such account in the data dir: the token lives only in
 * the serving processes' memory, expires, and stops working as soon as any superuser exists
 * (checked inside the write transaction, so two racing requests create one superuser).
 */
export interface InstallerToken {
  /** The random secret (43 URL-safe characters). */
  readonly token: string
  /** Unix time in milliseconds after which the token is refused. */
  readonly expiresAt: number
}

/** How long an installer link works: 30 minutes, like PocketBase's installer token. */
export const INSTALLER_TTL_MS = 30 * 60_000

const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** A fresh installer token valid for `ttlMs` from `now`. */
export function newInstallerToken(now = Date.now(), ttlMs = INSTALLER_TTL_MS): InstallerToken {
  return { token: randomString(43, TOKEN_ALPHABET), expiresAt: now + ttlMs }
}

/** Whether `candidate` is the token and it has not expired (constant-time comparison). */
export function checkInstallerToken(
  installer: InstallerToken,
  candidate: string,
  now = Date.now(),
): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest()
  return now <= installer.expiresAt && timingSafeEqual(digest(installer.token), digest(candidate))
}

/** Whether `_superusers` holds at least one record. */
export async function hasSuperusers(app: App): Promise<boolean> {
  const table = app.db.dialect.quoteIdent('_superusers')
  return (await app.db.get(`SELECT 1 AS one FROM ${table} LIMIT 1`)) !== undefined
}

/** The installer form: the first superuser's credentials. */
export interface FirstSuperuserInput {
  readonly email: string
  readonly password: string
  readonly passwordConfirm: string
}

/**
 * Creates the first superuser in one transaction. Throws `ValidationErrors` for a mismatched
 * confirmation or an invalid email/password (the `_superusers` field rules), and a 403
 * `ApiError` when a superuser already exists (the link has been used).
 */
export async function createFirstSuperuser(app: App, input: FirstSuperuserInput): Promise<Record> {
  if (input.password !== input.passwordConfirm) {
    throw new ValidationErrors({
      passwordConfirm: validationError('validation_values_mismatch', "Values don't match."),
    })
  }
  return app.runInTransaction(async (txApp) => {
    if (await hasSuperusers(txApp)) throw installerUsedError()
    const record = new Record(txApp.findCollectionByNameOrId('_superusers'))
    record.set('email', input.email)
    record.set('password', input.password)
    await saveRecord(txApp, record)
    return record
  })
}

/** The answer to a wrong, expired or already used installer token. */
export function installerUsedError(): ApiError {
  return new ApiError(
    403,
    'This installer link is invalid, expired or already used. Sign in, or restart `satchel serve` for a new link.',
  )
}
