import { ClientResponseError } from 'pocketbase'

/** Field-level validation messages keyed by field name (PocketBase's `data` of a 400). */
export type FieldErrors = Record<string, string>

/**
 * A sentence for the user from any failure of an SDK call: the server's message, with a clearer
 * one for the cases people hit most (rate limit, unreachable server).
 */
export function errorMessage(err: unknown): string {
  if (err instanceof ClientResponseError) {
    if (err.status === 429) return 'Too many attempts. Wait a moment, then try again.'
    if (err.status === 0) return 'The server could not be reached. Check that it is running.'
    const msg = typeof err.response?.message === 'string' ? err.response.message : err.message
    return msg || `Request failed (${err.status}).`
  }
  return err instanceof Error ? err.message : String(err)
}

/**
 * Flattens PocketBase's validation error tree (`{data: {name: {code, message}, fields: {0:
 * {name: {…}}}}}`) into `path → message` (`name`, `fields.0.name`, `listRule`…).
 */
export function fieldErrors(err: unknown): FieldErrors {
  const out: FieldErrors = {}
  if (!(err instanceof ClientResponseError)) return out
  const walk = (node: unknown, path: string) => {
    if (node === null || typeof node !== 'object') return
    const obj = node as Record<string, unknown>
    if (typeof obj.message === 'string' && typeof obj.code === 'string') {
      out[path] = obj.message
      return
    }
    for (const [k, v] of Object.entries(obj)) walk(v, path === '' ? k : `${path}.${k}`)
  }
  walk(err.response?.data, '')
  return out
}

/** Whether the failure was an aborted (superseded) request, which the UI silently ignores. */
export function isAbort(err: unknown): boolean {
  return err instanceof ClientResponseError && err.isAbort
}
