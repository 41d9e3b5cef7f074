import { isIP } from 'node:net'
import { z } from 'zod'
import { cronExpressionError } from '../tools/cron/cron.ts'
import {
  required,
  type ValidationError,
  type ValidationErrorMap,
  ValidationErrors,
  validationError,
} from '../tools/validation/validation-errors.ts'
import { isEmailFormat } from './field-email.ts'
import type { Settings } from './settings-model.ts'

const int = () => z.int()

const s3Shape = z.object({
  enabled: z.boolean(),
  bucket: z.string(),
  region: z.string(),
  endpoint: z.string(),
  accessKey: z.string(),
  secret: z.string(),
  forcePathStyle: z.boolean(),
})

const rateLimitRuleShape = z.object({
  label: z.string(),
  audience: z.string(),
  duration: int(),
  maxRequests: int(),
})

/**
 * The structural schema of the whole settings object (PocketBase §13.3): every key with its
 * JSON type; integers where PocketBase's Go struct has integers. A value that fails it is what
 * PocketBase reports as `An error occurred while loading the submitted data.`
 */
export const settingsShape = z.object({
  meta: z.object({
    appName: z.string(),
    appURL: z.string(),
    senderName: z.string(),
    senderAddress: z.string(),
    hideControls: z.boolean(),
    accentColor: z.string(),
  }),
  logs: z.object({
    maxDays: int(),
    minLevel: int(),
    logIP: z.boolean(),
    logAuthId: z.boolean(),
    maxDataSize: int(),
  }),
  smtp: z.object({
    enabled: z.boolean(),
    host: z.string(),
    port: int(),
    username: z.string(),
    password: z.string(),
    authMethod: z.string(),
    tls: z.boolean(),
    localName: z.string(),
  }),
  s3: s3Shape,
  backups: z.object({ cron: z.string(), cronMaxKeep: int(), s3: s3Shape }),
  batch: z.object({
    enabled: z.boolean(),
    maxRequests: int(),
    timeout: int(),
    maxBodySize: int(),
  }),
  rateLimits: z.object({
    enabled: z.boolean(),
    rules: z.array(rateLimitRuleShape),
    excludedIPs: z.array(z.string()),
  }),
  trustedProxy: z.object({ headers: z.array(z.string()), useLeftmostIP: z.boolean() }),
  superuserIPs: z.array(z.string()),
})

/** A rate limit label: `METHOD /path`, `/path`, `collection:action`, `*:action` or a word. */
const RATE_LIMIT_LABEL = /^(\w+ \/[\w/-]*|\/[\w/-]*|\w+:\w+|\*:\w+|\w+)$/

/** Reports whether `value` is an IP address or an IP/CIDR subnet. */
export function isIpOrSubnet(value: string): boolean {
  const [ip, prefix, ...rest] = value.split('/')
  if (rest.length > 0 || ip === undefined) return false
  const kind = isIP(ip)
  if (kind === 0) return false
  if (prefix === undefined) return true
  if (!/^\d{1,3}$/.test(prefix)) return false
  return Number(prefix) <= (kind === 4 ? 32 : 128)
}

function isURL(value: string): boolean {
  try {
    const u = new URL(value)
    return u.hostname !== '' || u.protocol === 'file:'
  } catch {
    return false
  }
}

const minZero = () =>
  validationError('validation_min_greater_equal_than_required', 'Must be no less than 0.', {
    threshold: 0,
  })
const lengthRange = (min: number, max: number) =>
  validationError(
    'validation_length_out_of_range',
    `The length must be between ${min} and ${max}.`,
    { max, min },
  )
const inInvalid = () => validationError('validation_in_invalid', 'Must be a valid value.')
const invalidIp = () =>
  validationError('validation_invlaid_ip_or_subnet', 'Invalid IP or CIDR subnet.')

type Settable = { [key: string]: ValidationError | ValidationErrorMap }

function put(map: Settable, path: readonly string[], err: ValidationError): void {
  let node = map
  for (const key of path.slice(0, -1)) {
    const next = (node[key] ?? {}) as Settable
    node[key] = next
    node = next
  }
  const last = path[path.length - 1]!
  if (node[last] === undefined) node[last] = err
}

function validateS3(s3: Settings['s3'], path: string[], errors: Settable): void {
  if (!s3.enabled) return
  for (const key of ['bucket', 'region', 'endpoint', 'accessKey', 'secret'] as const) {
    if (s3[key] === '') put(errors, [...path, key], required())
  }
  if (s3.endpoint !== '' && !isURL(s3.endpoint)) {
    put(errors, [...path, 'endpoint'], validationError('validation_is_url', 'Must be a valid URL.'))
  }
}

/**
 * The validation rules of the settings (PocketBase `Settings.Validate`), as a zod check over a
 * structurally valid settings object. Each issue carries PocketBase's error leaf in `params.pb`.
 */
export const settingsRules = settingsShape.superRefine((s, ctx) => {
  const errors: Settable = {}
  const { meta, logs, smtp, backups, batch, rateLimits } = s
  for (const key of ['appName', 'senderName'] as const) {
    const v = meta[key]
    if (v === '') put(errors, ['meta', key], required())
    else if ([...v].length > 255) put(errors, ['meta', key], lengthRange(1, 255))
  }
  if (meta.appURL === '') put(errors, ['meta', 'appURL'], required())
  else if (!isURL(meta.appURL))
    put(errors, ['meta', 'appURL'], validationError('validation_is_url', 'Must be a valid URL.'))
  if (meta.senderAddress === '') put(errors, ['meta', 'senderAddress'], required())
  else if (!isEmailFormat(meta.senderAddress)) {
    put(
      errors,
      ['meta', 'senderAddress'],
      validationError('validation_is_email', 'Must be a valid email address.'),
    )
  }
  if (meta.accentColor !== '') {
    if ([...meta.accentColor].length !== 7) {
      put(
        errors,
        ['meta', 'accentColor'],
        validationError('validation_length_invalid', 'The length must be exactly 7.', {
          max: 7,
          min: 7,
        }),
      )
    } else if (!/^#[0-9a-fA-F]{6}$/.test(meta.accentColor)) {
      put(
        errors,
        ['meta', 'accentColor'],
        validationError('validation_is_hex_color', 'Must be a valid hexadecimal color code.'),
      )
    }
  }

  if (logs.maxDays < 0) put(errors, ['logs', 'maxDays'], minZero())
  if (logs.maxDataSize < 0) put(errors, ['logs', 'maxDataSize'], minZero())

  if (smtp.enabled && smtp.host === '') put(errors, ['smtp', 'host'], required())
  if (smtp.enabled && smtp.port === 0) put(errors, ['smtp', 'port'], required())
  if (smtp.port < 0) put(errors, ['smtp', 'port'], minZero())
  if (!['', 'PLAIN', 'LOGIN'].includes(smtp.authMethod))
    put(errors, ['smtp', 'authMethod'], inInvalid())

  validateS3(s.s3, ['s3'], errors)
  const cronError = backups.cron === '' ? undefined : cronExpressionError(backups.cron)
  if (cronError !== undefined) {
    put(errors, ['backups', 'cron'], validationError('validation_invalid_cron', cronError))
  }
  if (backups.cron !== '' && backups.cronMaxKeep === 0)
    put(errors, ['backups', 'cronMaxKeep'], required())
  if (backups.cronMaxKeep < 0) put(errors, ['backups', 'cronMaxKeep'], minZero())
  validateS3(backups.s3, ['backups', 's3'], errors)

  if (batch.enabled && batch.maxRequests === 0) put(errors, ['batch', 'maxRequests'], required())
  if (batch.enabled && batch.timeout === 0) put(errors, ['batch', 'timeout'], required())
  if (batch.maxRequests < 0) put(errors, ['batch', 'maxRequests'], minZero())
  if (batch.timeout < 0) put(errors, ['batch', 'timeout'], minZero())
  if (batch.maxBodySize < 0) put(errors, ['batch', 'maxBodySize'], minZero())

  rateLimits.rules.forEach((rule, i) => {
    const path = ['rateLimits', 'rules', String(i)]
    if (rule.label === '') put(errors, [...path, 'label'], required())
    else if (!RATE_LIMIT_LABEL.test(rule.label))
      put(
        errors,
        [...path, 'label'],
        validationError('validation_match_invalid', 'Must be in a valid format.'),
      )
    if (!['', '@guest', '@auth'].includes(rule.audience))
      put(errors, [...path, 'audience'], inInvalid())
    if (rule.duration === 0) put(errors, [...path, 'duration'], required())
    else if (rule.duration < 0)
      put(
        errors,
        [...path, 'duration'],
        validationError('validation_min_greater_equal_than_required', 'Must be no less than 1.', {
          threshold: 1,
        }),
      )
    if (rule.maxRequests === 0) put(errors, [...path, 'maxRequests'], required())
    else if (rule.maxRequests < 0)
      put(
        errors,
        [...path, 'maxRequests'],
        validationError('validation_min_greater_equal_than_required', 'Must be no less than 1.', {
          threshold: 1,
        }),
      )
    const conflict = rateLimits.rules
      .slice(0, i)
      .some(
        (r) =>
          r.label === rule.label &&
          (r.audience === rule.audience || r.audience === '' || rule.audience === ''),
      )
    if (conflict && rule.label !== '') {
      put(
        errors,
        [...path, 'label'],
        validationError(
          'validation_conflicting_rate_limit_rule',
          `Rate limit rule configuration with label ${rule.label} already exists or conflicts with another rule.`,
          { label: rule.label },
        ),
      )
    }
  })
  rateLimits.excludedIPs.forEach((ip, i) => {
    if (!isIpOrSubnet(ip)) put(errors, ['rateLimits', 'excludedIPs', String(i)], invalidIp())
  })
  s.superuserIPs.forEach((ip, i) => {
    if (!isIpOrSubnet(ip)) put(errors, ['superuserIPs', String(i)], invalidIp())
  })

  for (const [key, value] of Object.entries(errors)) {
    ctx.addIssue({ code: 'custom', path: [key], message: 'settings', params: { pb: value } })
  }
})

/** Thrown when submitted settings do not have the settings' JSON shape (a wrong value type). */
export class SettingsShapeError extends Error {
  constructor(cause: unknown) {
    super('The settings do not have the expected shape.', { cause })
    this.name = 'SettingsShapeError'
  }
}

/**
 * Validates a complete settings object: throws SettingsShapeError when a value has the wrong
 * JSON type, ValidationErrors (nested field map with PocketBase's codes) when a rule fails.
 */
export function validateSettings(settings: unknown): Settings {
  const shape = settingsShape.safeParse(settings)
  if (!shape.success) throw new SettingsShapeError(shape.error)
  const checked = settingsRules.safeParse(settings)
  if (checked.success) return settings as Settings
  const errors: ValidationErrorMap = {}
  for (const issue of checked.error.issues) {
    const key = issue.path[0]
    const pb = (issue as { params?: { pb?: ValidationError | ValidationErrorMap } }).params?.pb
    if (typeof key === 'string' && pb !== undefined) errors[key] = pb
  }
  throw new ValidationErrors(errors)
}

/**
 * Applies a PATCH body to the current settings like PocketBase (a JSON decode into a copy of the
 * current settings): objects merge deeply, `null` resets a value to its zero value (`''`, `0`,
 * `false`, `[]`, an object of zeros — Go's JSON v2 decoding), unknown keys are
 * dropped, arrays are replaced — but an array element that is an object decodes over the old
 * element at the same index. Throws SettingsShapeError when `patch` is not an object.
 */
export function applySettingsPatch(current: Settings, patch: unknown): unknown {
  if (!isPlainObject(patch)) throw new SettingsShapeError(new Error('not an object'))
  const merged = mergeValue(structuredClone(current), patch) as { rateLimits?: { rules?: unknown } }
  const rules = merged.rateLimits?.rules
  if (Array.isArray(rules)) {
    // NOTE: a new element decodes over a zero value, so missing keys are zeros, not errors.
    merged.rateLimits!.rules = rules.map((r) =>
      isPlainObject(r) ? { label: '', audience: '', duration: 0, maxRequests: 0, ...r } : r,
    )
  }
  return merged
}

function mergeValue(base: unknown, value: unknown): unknown {
  if (value === null) return zeroOf(base)
  if (isPlainObject(base) && isPlainObject(value)) {
    const out: { [key: string]: unknown } = { ...base }
    for (const [k, v] of Object.entries(value)) {
      if (k in base) out[k] = mergeValue(base[k], v)
    }
    return out
  }
  if (Array.isArray(base) && Array.isArray(value)) {
    return value.map((v, i) =>
      isPlainObject(v) && isPlainObject(base[i]) ? mergeValue(base[i], v) : v,
    )
  }
  return value
}

/** Go's zero value of a value of the same shape (what a JSON `null` decodes to in PocketBase). */
function zeroOf(v: unknown): unknown {
  if (Array.isArray(v)) return []
  if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, zeroOf(x)]))
  if (typeof v === 'number') return 0
  if (typeof v === 'boolean') return false
  if (typeof v === 'string') return ''
  return v
}

function isPlainObject(v: unknown): v is { [key: string]: unknown } {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
