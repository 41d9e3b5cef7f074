import { errorMessage, type FieldErrors, fieldErrors } from './errors.ts'
import { pb } from './pb.ts'

/** S3-compatible storage settings (`s3` and `backups.s3`); `secret` is write-only. */
export interface S3Settings {
  enabled: boolean
  bucket: string
  region: string
  endpoint: string
  accessKey: string
  secret?: string
  forcePathStyle: boolean
}

/** One rate limit rule: at most `maxRequests` per `duration` seconds for requests matching `label`. */
export interface RateLimitRule {
  label: string
  /** `''` everyone, `'@guest'` or `'@auth'`. */
  audience: string
  duration: number
  maxRequests: number
}

/** The application settings as `GET /api/settings` sends them (secrets left out). */
export interface AppSettings {
  meta: {
    appName: string
    appURL: string
    senderName: string
    senderAddress: string
    hideControls: boolean
    /** `#rrggbb`; PocketBase's default `#1055c9` leaves the dashboard's own colours. */
    accentColor?: string
  }
  logs: {
    /** Days request logs are kept (0: none are kept). */
    maxDays: number
    /** The lowest level kept: -4 debug, 0 info, 4 warn, 8 error. */
    minLevel: number
    logIP: boolean
    logAuthId: boolean
    /** Bytes of a log's `data` kept (0: no limit); present on servers that support it. */
    maxDataSize?: number
  }
  smtp: {
    enabled: boolean
    host: string
    port: number
    username: string
    password?: string
    authMethod: string
    tls: boolean
    localName: string
  }
  s3: S3Settings
  backups: { cron: string; cronMaxKeep: number; s3: S3Settings }
  batch: { enabled: boolean; maxRequests: number; timeout: number; maxBodySize: number }
  rateLimits: { enabled: boolean; rules: RateLimitRule[]; excludedIPs?: string[] }
  trustedProxy: { headers: string[]; useLeftmostIP: boolean }
  superuserIPs: string[]
}

/** The settings' default accent colour (PocketBase's), which keeps Satchel's own theme. */
export const DEFAULT_ACCENT = '#1055c9'

/**
 * The settings the dashboard itself follows, loaded when the signed-in layout opens and kept
 * current by every settings save: `hideControls` hides the collection create/edit buttons,
 * `accentColor` (unless the default) recolours buttons, links and focus rings.
 */
class DashboardOptions {
  hideControls = $state(false)
  /** `#rrggbb`, or `''` for the theme's own accent. */
  accent = $state('')

  /** Loads them (a failure keeps the defaults: the settings page shows the error). */
  async load(): Promise<void> {
    try {
      this.take(
        (await pb.settings.getAll({ fields: 'meta.hideControls,meta.accentColor' })) as AppSettings,
      )
    } catch {
      // NOTE: not the layout's business; the settings page reports failures
    }
  }

  take(s: Pick<AppSettings, 'meta'>): void {
    this.hideControls = s.meta?.hideControls === true
    const accent = s.meta?.accentColor ?? ''
    this.accent =
      /^#[0-9a-f]{6}$/i.test(accent) && accent.toLowerCase() !== DEFAULT_ACCENT ? accent : ''
  }
}

/** The dashboard's options from the settings. */
export const dashboardOptions = new DashboardOptions()

/**
 * The state of one settings form: load the settings once, keep the user's draft, save a patch
 * (PocketBase merges it into the stored settings) and show the server's field errors, keyed by
 * their path (`smtp.host`, `rateLimits.rules.0.label`…).
 */
export class SettingsForm {
  /** The settings as last loaded or saved; `null` until the first load finished. */
  current = $state<AppSettings | null>(null)
  busy = $state(false)
  /** A sentence for the form's alert (load or save failure). */
  error = $state('')
  /** Set after a successful save, cleared by the next one. */
  saved = $state(false)
  errors = $state<FieldErrors>({})
  /** The form's draft as last loaded or saved (JSON), set by `keep`. */
  #kept = $state('')

  /** Remembers `draft` as the stored state, against which `changed` compares. */
  keep(draft: unknown): void {
    this.#kept = JSON.stringify(draft)
  }

  /** Whether `draft` differs from what `keep` last remembered. */
  changed(draft: unknown): boolean {
    return draft !== null && JSON.stringify(draft) !== this.#kept
  }

  /** Loads the settings; resolves with them, or `null` after showing the failure. */
  async load(): Promise<AppSettings | null> {
    try {
      const loaded = (await pb.settings.getAll()) as AppSettings
      this.current = loaded
      return loaded
    } catch (err) {
      this.error = errorMessage(err)
      return null
    }
  }

  /** Saves `patch`; resolves with the stored settings, or `null` after showing the errors. */
  async save(patch: Record<string, unknown>): Promise<AppSettings | null> {
    this.busy = true
    this.error = ''
    this.saved = false
    this.errors = {}
    try {
      const stored = (await pb.settings.update(patch)) as AppSettings
      this.current = stored
      dashboardOptions.take(stored)
      this.saved = true
      return stored
    } catch (err) {
      this.errors = fieldErrors(err)
      this.error =
        Object.keys(this.errors).length > 0 ? 'Some values need fixing.' : errorMessage(err)
      return null
    } finally {
      this.busy = false
    }
  }
}
