import { isKnownProvider } from '../tools/auth/providers.ts'
import {
  required,
  type ValidationError,
  type ValidationErrorMap,
  validationError,
} from '../tools/validation/validation-errors.ts'
import {
  type EmailTemplate,
  type OAuth2ProviderConfig,
  TOKEN_TYPES,
  type TokenConfig,
} from './collection-auth-options.ts'
import type { Collection } from './collection-model.ts'
import { isURL } from './field-url.ts'

type Entry = ValidationError | ValidationErrorMap | undefined

const min = (n: number) =>
  validationError('validation_min_greater_equal_than_required', `Must be no less than ${n}.`, {
    threshold: n,
  })
const max = (n: number) =>
  validationError('validation_max_less_equal_than_required', `Must be no greater than ${n}.`, {
    threshold: n,
  })

function nested(entries: { [key: string]: Entry }): ValidationErrorMap | undefined {
  const out: ValidationErrorMap = {}
  // alphabetical, like PocketBase's JSON
  for (const [k, v] of Object.entries(entries).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (v !== undefined) out[k] = v
  }
  return Object.keys(out).length > 0 ? out : undefined
}

function duration(v: number, lo: number, hi: number): ValidationError | undefined {
  if (!v) return required()
  if (v < lo) return min(lo)
  if (v > hi) return max(hi)
  return undefined
}

function template(t: EmailTemplate | undefined): Entry {
  return nested({
    subject: t?.subject ? undefined : required(),
    body: t?.body ? undefined : required(),
  })
}

function token(t: TokenConfig | undefined): Entry {
  const secret = t?.secret ?? ''
  const len = [...secret].length
  return nested({
    secret:
      secret === ''
        ? required()
        : len < 30 || len > 255
          ? validationError(
              'validation_length_out_of_range',
              'The length must be between 30 and 255.',
              { max: 255, min: 30 },
            )
          : undefined,
    duration: duration(t?.duration ?? 0, 10, 94670856),
  })
}

/**
 * The option checks of an auth collection besides its rules and identity fields (PocketBase
 * `collectionAuthOptions.validate`, §6.2/§6.6/§6.7): `manageRule` null or non-empty; the
 * templates (`authAlert`, `otp`, verification, reset, email change) need a subject and a body;
 * enabled OTP/MFA need a duration of 10–86400 s (OTP also `length` ≥ 4); enabled password auth
 * needs identity fields; every token type needs a 30–255 character secret and a duration of
 * 10–94670856 s; enabled OAuth2 needs valid provider configs. Returns one entry per option key
 * (MFA's method count and the identity fields are checked after these pass).
 */
export function checkAuthOptions(c: Collection): { [key: string]: Entry } {
  const o = c.auth
  if (o === undefined) return {}
  const out: { [key: string]: Entry } = {
    manageRule:
      o.manageRule !== null && o.manageRule.trim() === ''
        ? validationError('validation_nil_or_not_empty_required', 'Cannot be blank.')
        : undefined,
    authAlert: nested({ emailTemplate: template(o.authAlert?.emailTemplate) }),
    otp: nested({
      duration: o.otp.enabled ? duration(o.otp.duration, 10, 86400) : undefined,
      length: o.otp.enabled
        ? !o.otp.length
          ? required()
          : o.otp.length < 4
            ? min(4)
            : undefined
        : undefined,
      emailTemplate: template(o.otp.emailTemplate),
    }),
    mfa: o.mfa.enabled ? nested({ duration: duration(o.mfa.duration, 10, 86400) }) : undefined,
    passwordAuth:
      o.passwordAuth.enabled && o.passwordAuth.identityFields.length === 0
        ? { identityFields: required() }
        : undefined,
    verificationTemplate: template(o.verificationTemplate),
    resetPasswordTemplate: template(o.resetPasswordTemplate),
    confirmEmailChangeTemplate: template(o.confirmEmailChangeTemplate),
  }
  for (const t of TOKEN_TYPES) out[t] = token(o[t])
  out.oauth2 = o.oauth2.enabled ? nested({ providers: providers(o.oauth2.providers) }) : undefined
  return out
}

const urlError = () => validationError('validation_is_url', 'Must be a valid URL.')

/**
 * The checks of enabled OAuth2's providers (PocketBase `OAuth2Config.Validate`): a name used
 * twice fails first; else each config needs a known provider name, a client id and secret, and
 * valid URLs where given. Errors are keyed by the provider's index.
 */
function providers(list: readonly OAuth2ProviderConfig[]): Entry {
  const seen = new Set<string>()
  for (const [i, p] of list.entries()) {
    if (p.name === '') continue
    if (seen.has(p.name)) {
      return {
        [String(i)]: {
          name: validationError(
            'validation_duplicated_provider',
            `The provider ${p.name} is already registered.`,
            { name: p.name },
          ),
        },
      }
    }
    seen.add(p.name)
  }
  const out: { [key: string]: Entry } = {}
  for (const [i, p] of list.entries()) {
    out[String(i)] = nested({
      name:
        p.name === ''
          ? required()
          : isKnownProvider(p.name)
            ? undefined
            : validationError(
                'validation_missing_provider',
                `Invalid or missing provider with name ${p.name}.`,
                { name: p.name },
              ),
      clientId: p.clientId === '' ? required() : undefined,
      clientSecret: p.clientSecret === '' ? required() : undefined,
      authURL: p.authURL !== '' && !isURL(p.authURL) ? urlError() : undefined,
      tokenURL: p.tokenURL !== '' && !isURL(p.tokenURL) ? urlError() : undefined,
      userInfoURL: p.userInfoURL !== '' && !isURL(p.userInfoURL) ? urlError() : undefined,
    })
  }
  return nested(out)
}
