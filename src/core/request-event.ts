import { RouterEvent } from '../tools/router/router-event.ts'
import type { App } from './app.ts'
import type { Record } from './record-model.ts'
import { isSuperuser, type RequestInfo } from './request-info.ts'

/** What the HTTP layer hands a `RequestEvent`. */
export interface RequestEventInit {
  readonly app: App
  readonly request: Request
  readonly auth: Record | null
  readonly params?: { readonly [name: string]: string }
  /** Builds the request info (parses the body once). */
  readonly requestInfo: () => Promise<RequestInfo>
}

/**
 * RequestEvent is the event of a custom route or middleware (PocketBase `core.RequestEvent`):
 * the `RouterEvent` writers plus the app, the authenticated record and the parsed request info.
 *
 * @example
 * e.router.post('/api/notes', async (e) => {
 *   const info = await e.requestInfo()
 *   e.json(200, { by: e.auth?.id ?? null, title: info.body.title })
 * })
 */
export class RequestEvent extends RouterEvent {
  app: App
  /** The record of a valid `Authorization` token, or null for guests. */
  auth: Record | null
  readonly #requestInfo: () => Promise<RequestInfo>
  #info: Promise<RequestInfo> | undefined

  constructor(init: RequestEventInit) {
    super(init.request, init.params)
    this.app = init.app
    this.auth = init.auth
    this.#requestInfo = init.requestInfo
  }

  /**
   * The request data API rules see (PocketBase `e.RequestInfo()`): query, headers (lower
   * snake_case keys), the parsed JSON/multipart/urlencoded body and `auth`. It reads the body,
   * so use either this or `e.request.json()`/`text()`, not both.
   */
  requestInfo(): Promise<RequestInfo> {
    this.#info ??= this.#requestInfo().then((info) => ({ ...info, auth: this.auth }))
    return this.#info
  }

  /** True when the request is authenticated as a superuser. */
  hasSuperuserAuth(): boolean {
    return isSuperuser(this)
  }
}
