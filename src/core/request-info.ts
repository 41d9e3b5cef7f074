import type { Record } from './record-model.ts'

/**
 * The request data that API rules and `@request.*` filter operands read (PocketBase
 * `RequestInfo`, §5.8). Built once per request by the HTTP layer, or by realtime/batch code.
 */
export interface RequestInfo {
  /** `default`, `oauth2`, `otp`, `password`, `realtime`, `protectedFile`, `expand`, `batch`. */
  context: string
  /** Upper-case HTTP method (`GET` for realtime checks). */
  method: string
  /** First value of each query parameter. */
  query: { [key: string]: string }
  /** First value of each header, keys lower snake_case (`X-Api-Key` → `x_api_key`). */
  headers: { [key: string]: string }
  /** The parsed body after modifier resolution. */
  body: { [key: string]: unknown }
  /** The authenticated record, or null for guests. */
  auth: Record | null
}

/** True when the request is authenticated as a `_superusers` record. */
export function isSuperuser(info: Pick<RequestInfo, 'auth'>): boolean {
  return info.auth?.collection.name === '_superusers'
}

/** A guest request info with the given context (for internal rule checks). */
export function emptyRequestInfo(context = 'default'): RequestInfo {
  return { context, method: 'GET', query: {}, headers: {}, body: {}, auth: null }
}
