import type { Context, Hono } from 'hono'
import { badRequestError } from '../tools/router/api-error.ts'
import { InvalidSigningKeyError, loadEs256Key, signEs256Jwt } from '../tools/security/jwt.ts'
import {
  required,
  type ValidationErrorMap,
  validationError,
} from '../tools/validation/validation-errors.ts'
import { type Env, requireSuperuserAuth } from './middlewares.ts'
import { loadDataError, readBodyData } from './request-body.ts'

/** The longest client secret Apple accepts: about 6 months, in seconds (PocketBase's max). */
export const APPLE_CLIENT_SECRET_MAX_DURATION = 15_777_000

/** What PocketBase's form checks `privateKey` against before parsing it (a PKCS #8 PEM). */
const PRIVATE_KEY_FORMAT = /-----BEGIN PRIVATE KEY-----[\s\S]*-----END PRIVATE KEY-----/

/** The audience of every Apple client secret. */
const APPLE_AUDIENCE = 'https://appleid.apple.com'

/**
 * Binds `POST /api/settings/apple/generate-client-secret` (PocketBase's Apple OAuth2 helper,
 * superusers only): body `{clientId, teamId (10 chars), keyId (10 chars), privateKey (PKCS #8
 * PEM of a P-256 key), duration (1..15777000 s)}` as JSON or form data; 200
 * `{"secret": "<ES256 JWT>"}` with header `{alg, kid: keyId, typ}` and claims `iss: teamId`,
 * `sub: clientId`, `aud: ["https://appleid.apple.com"]`, `exp`, `iat`. Errors like PocketBase:
 * 400 `An error occurred while loading the submitted data.` for wrong value types, 400
 * `Invalid client secret data.` with field codes, 400 `Failed to generate client secret. Raw
 * error: …` when the key cannot sign.
 */
export function bindSettingsAppleClientSecretApi(api: Hono<Env>): void {
  api.post('/settings/apple/generate-client-secret', generateAppleClientSecret)
}

interface AppleClientSecretForm {
  clientId: string
  teamId: string
  keyId: string
  privateKey: string
  duration: number
}

async function generateAppleClientSecret(c: Context<Env>): Promise<Response> {
  requireSuperuserAuth(c)
  const form = await loadForm(c)
  const errors: ValidationErrorMap = {}
  if (form.clientId === '') errors.clientId = required()
  for (const key of ['teamId', 'keyId'] as const) {
    if (form[key] === '') errors[key] = required()
    else if ([...form[key]].length !== 10) {
      errors[key] = validationError('validation_length_invalid', 'The length must be exactly 10.', {
        max: 10,
        min: 10,
      })
    }
  }
  if (form.privateKey === '') errors.privateKey = required()
  else if (!PRIVATE_KEY_FORMAT.test(form.privateKey)) {
    errors.privateKey = validationError('validation_match_invalid', 'Must be in a valid format.')
  }
  if (form.duration === 0) errors.duration = required()
  else if (form.duration < 1) {
    errors.duration = validationError(
      'validation_min_greater_equal_than_required',
      'Must be no less than 1.',
      { threshold: 1 },
    )
  } else if (form.duration > APPLE_CLIENT_SECRET_MAX_DURATION) {
    errors.duration = validationError(
      'validation_max_less_equal_than_required',
      `Must be no greater than ${APPLE_CLIENT_SECRET_MAX_DURATION}.`,
      { threshold: APPLE_CLIENT_SECRET_MAX_DURATION },
    )
  }
  if (Object.keys(errors).length > 0) throw badRequestError('Invalid client secret data.', errors)

  let secret: string
  try {
    const key = loadEs256Key(form.privateKey)
    const now = Math.floor(Date.now() / 1000)
    // NOTE: PocketBase's claim order (Go's RegisteredClaims): iss, sub, aud, exp, iat.
    secret = await signEs256Jwt(
      {
        iss: form.teamId,
        sub: form.clientId,
        aud: [APPLE_AUDIENCE],
        exp: now + form.duration,
        iat: now,
      },
      form.keyId,
      key,
    )
  } catch (err) {
    if (!(err instanceof InvalidSigningKeyError)) throw err
    throw badRequestError(
      `Failed to generate client secret. Raw error: \n${err.message}`,
      undefined,
      {
        cause: err,
      },
    )
  }
  return c.json({ secret })
}

/**
 * Reads the body like Go's decode into the form struct: JSON values must have the field's type
 * (strings; `duration` an integer), `null` or a missing key is the zero value; form data values
 * are taken as text (and `duration` as an integer). Throws 400 `An error occurred while loading
 * the submitted data.` otherwise.
 */
async function loadForm(c: Context<Env>): Promise<AppleClientSecretForm> {
  const data = await readBodyData(c)
  const isForm = !(c.req.header('content-type') ?? 'application/json')
    .toLowerCase()
    .startsWith('application/json')
  const text = (key: string): string => {
    const v = data[key]
    if (v === undefined || v === null) return ''
    if (typeof v === 'string') return v
    if (isForm && (typeof v === 'number' || typeof v === 'boolean')) return String(v)
    throw loadDataError()
  }
  const duration = data.duration
  let seconds = 0
  if (duration !== undefined && duration !== null && !(isForm && duration === '')) {
    if (typeof duration !== 'number' || !Number.isSafeInteger(duration)) throw loadDataError()
    seconds = duration
  }
  return {
    clientId: text('clientId'),
    teamId: text('teamId'),
    keyId: text('keyId'),
    privateKey: text('privateKey'),
    duration: seconds,
  }
}
