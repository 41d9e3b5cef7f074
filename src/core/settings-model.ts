/**
 * The application settings stored in `_params` row `settings` (PocketBase §13.3). Secrets
 * (`smtp.password`, `s3.secret`, `backups.s3.secret`) are stored but never sent by the API.
 */
export interface Settings {
  meta: {
    appName: string
    appURL: string
    senderName: string
    senderAddress: string
    hideControls: boolean
    accentColor: string
  }
  logs: {
    maxDays: number
    minLevel: number
    logIP: boolean
    logAuthId: boolean
    maxDataSize: number
  }
  smtp: {
    enabled: boolean
    host: string
    port: number
    username: string
    password: string
    authMethod: string
    tls: boolean
    localName: string
  }
  s3: S3Settings
  backups: { cron: string; cronMaxKeep: number; s3: S3Settings }
  batch: { enabled: boolean; maxRequests: number; timeout: number; maxBodySize: number }
  rateLimits: { enabled: boolean; rules: RateLimitRule[]; excludedIPs: string[] }
  trustedProxy: { headers: string[]; useLeftmostIP: boolean }
  superuserIPs: string[]
}

/** S3-compatible storage settings. */
export interface S3Settings {
  enabled: boolean
  bucket: string
  region: string
  endpoint: string
  accessKey: string
  secret: string
  forcePathStyle: boolean
}

/** One rate limit rule (PocketBase §12). */
export interface RateLimitRule {
  label: string
  audience: string
  duration: number
  maxRequests: number
}

const s3Defaults = (): S3Settings => ({
  enabled: false,
  bucket: '',
  region: '',
  endpoint: '',
  accessKey: '',
  secret: '',
  forcePathStyle: false,
})

/** The settings of a new install (PocketBase §13.3 defaults). */
export function defaultSettings(): Settings {
  return {
    meta: {
      appName: 'Acme',
      appURL: 'http://localhost:8090',
      senderName: 'Support',
      senderAddress: 'support@example.com',
      hideControls: false,
      accentColor: '#1055c9',
    },
    logs: { maxDays: 5, minLevel: 0, logIP: true, logAuthId: false, maxDataSize: 0 },
    smtp: {
      enabled: false,
      host: 'smtp.example.com',
      port: 587,
      username: '',
      password: '',
      authMethod: '',
      tls: false,
      localName: '',
    },
    s3: s3Defaults(),
    backups: { cron: '', cronMaxKeep: 3, s3: s3Defaults() },
    batch: { enabled: false, maxRequests: 50, timeout: 3, maxBodySize: 0 },
    rateLimits: {
      enabled: false,
      rules: [
        { label: '*:auth', audience: '', duration: 3, maxRequests: 2 },
        { label: '*:create', audience: '', duration: 5, maxRequests: 20 },
        { label: '/api/batch', audience: '', duration: 1, maxRequests: 3 },
        { label: '/api/', audience: '', duration: 10, maxRequests: 300 },
      ],
      excludedIPs: [],
    },
    trustedProxy: { headers: [], useLeftmostIP: false },
    superuserIPs: [],
  }
}

/**
 * Deep-merges `patch` into `base` (PocketBase's PATCH semantics: omitted keys keep their values,
 * arrays are replaced, unknown keys are dropped). Returns a new object.
 */
export function mergeSettings<T>(base: T, patch: unknown): T {
  if (!isObject(base) || !isObject(patch)) return base
  const out: Record<string, unknown> = { ...base }
  for (const [k, v] of Object.entries(patch)) {
    if (!(k in base)) continue
    const b = (base as Record<string, unknown>)[k]
    out[k] = isObject(b) && isObject(v) ? mergeSettings(b, v) : v
  }
  return out as T
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/**
 * A shape of the public settings: each object's keys in the order PocketBase's encoder emits
 * its settings structs (declaration order, not alphabetical); `true` marks a leaf; an array
 * holds the shape of its items. Keys left out (the write-only secrets) are not sent.
 */
type Shape = true | readonly [Shape] | { readonly [key: string]: Shape }

const S3_SHAPE = {
  enabled: true,
  bucket: true,
  region: true,
  endpoint: true,
  accessKey: true,
  forcePathStyle: true,
} as const

const PUBLIC_SHAPE: Shape = {
  superuserIPs: true,
  smtp: {
    enabled: true,
    port: true,
    host: true,
    username: true,
    authMethod: true,
    tls: true,
    localName: true,
  },
  backups: { cron: true, cronMaxKeep: true, s3: S3_SHAPE },
  s3: S3_SHAPE,
  meta: {
    accentColor: true,
    appName: true,
    appURL: true,
    senderName: true,
    senderAddress: true,
    hideControls: true,
  },
  rateLimits: {
    rules: [{ label: true, audience: true, duration: true, maxRequests: true }],
    excludedIPs: true,
    enabled: true,
  },
  trustedProxy: { headers: true, useLeftmostIP: true },
  batch: { enabled: true, maxRequests: true, timeout: true, maxBodySize: true },
  logs: { maxDataSize: true, maxDays: true, minLevel: true, logIP: true, logAuthId: true },
}

function pick(v: unknown, shape: Shape): unknown {
  if (shape === true) return structuredClone(v)
  if (Array.isArray(shape)) return Array.isArray(v) ? v.map((x) => pick(x, shape[0])) : v
  if (!isObject(v)) return v
  const out: Record<string, unknown> = {}
  for (const [k, sub] of Object.entries(shape)) if (k in v) out[k] = pick(v[k], sub as Shape)
  return out
}

/**
 * The settings as `GET`/`PATCH /api/settings` send them (PocketBase §3.8): write-only secrets
 * (`smtp.password`, `s3.secret`, `backups.s3.secret`) removed, keys in PocketBase's order.
 */
export function publicSettings(s: Settings): Record<string, unknown> {
  return pick(s, PUBLIC_SHAPE) as Record<string, unknown>
}
