import type {
  EventChanges,
  EventState,
  RecordState,
  RequestState,
  ResponseWrite,
} from '../codec.ts'
import { fillModel } from './dynamic-model.ts'
import { JsApp } from './js-app.ts'
import { JsCollection } from './js-collection.ts'
import { JsRecord } from './js-record.ts'
import { JsRouterGroup } from './js-router.ts'
import { call } from './runtime.ts'

type Json = { [key: string]: unknown }

/** `e.request` of a JS request handler (Go's `*http.Request` as PocketBase's JS sees it). */
export class JsRequest {
  readonly method: string
  readonly url: {
    readonly path: string
    readonly rawQuery: string
    query(): { get(name: string): string; has(name: string): boolean }
    string(): string
  }
  readonly header: { get(name: string): string }
  readonly host: string
  readonly remoteAddr: string
  readonly #params: { readonly [name: string]: string }

  constructor(s: RequestState) {
    const u = new URL(s.url)
    const headers = new Map(s.headers.map(([k, v]) => [k.toLowerCase(), v]))
    this.method = s.method
    this.url = {
      path: u.pathname,
      rawQuery: u.search.replace(/^\?/, ''),
      query: () => ({
        get: (name: string) => u.searchParams.get(name) ?? '',
        has: (name: string) => u.searchParams.has(name),
      }),
      string: () => `${u.pathname}${u.search}`,
    }
    this.header = { get: (name: string) => headers.get(name.toLowerCase()) ?? '' }
    this.host = u.host
    this.remoteAddr = s.remoteIP
    this.#params = s.params
  }

  pathValue(name: string): string {
    return this.#params[name] ?? ''
  }

  /** Go's request context, for the calls that take one (`$app.createBackup(ctx, name)`). */
  context(): object {
    return REQUEST_CONTEXT
  }
}

const REQUEST_CONTEXT = Object.freeze({})

/**
 * The event a JS handler receives (PocketBase's hook and request events): the data the app
 * thread sent (`e.record`, `e.collection`, `e.auth`, `e.request`…), the response writers and
 * `e.next()`, which hands the handler's changes back, runs the rest of the chain on the app
 * thread and takes its changes (the saved record's id and dates).
 */
export class JsEvent {
  [key: string]: unknown
  readonly #ev: number
  readonly #writes: ResponseWrite[] = []
  #info: Json | undefined

  constructor(s: EventState) {
    this.#ev = s.ev
    this.app = new JsApp(s.app)
    if (s.record !== undefined) this.record = JsRecord.fromState(s.record)
    if (s.records !== undefined) this.records = s.records.map((r) => JsRecord.fromState(r))
    if (s.collection !== undefined) this.#lazyCollection(s.collection)
    if (s.collections !== undefined) {
      this.collections = s.collections.map((v) => JsCollection.fromVersion(v))
    }
    if (s.model !== undefined) {
      this.model =
        'record' in s.model
          ? JsRecord.fromState(s.model.record)
          : JsCollection.fromVersion(s.model.collection)
    }
    // NOTE: built on first read: most handlers read neither (a request's URL, headers and auth
    // record cost more to rebuild than the handler takes to run)
    const { auth, request } = s
    if (auth !== undefined)
      this.#lazy('auth', () => (auth === null ? null : JsRecord.fromState(auth)))
    if (request !== undefined) this.#lazy('request', () => new JsRequest(request))
    if (s.result !== undefined) this.result = s.result
    if (s.error !== undefined) this.error = new Error(s.error.message)
    if (s.props !== undefined) {
      Object.assign(this, s.props)
      this.#props = Object.keys(s.props)
    }
    if (s.router === true) this.router = new JsRouterGroup()
  }

  /** Defines `name` as a property whose value `make` builds on first read (assignable). */
  #lazy(name: string, make: () => unknown): void {
    let made = false
    let value: unknown
    Object.defineProperty(this, name, {
      enumerable: true,
      configurable: true,
      get: () => {
        if (!made) {
          value = make()
          made = true
        }
        return value
      },
      set: (v: unknown) => {
        value = v
        made = true
      },
    })
  }

  /** `e.collection`, made on first read; its JSON then, to send back what a handler changed. */
  #collection: { value: unknown; sent: string } | undefined

  #lazyCollection(version: number): void {
    Object.defineProperty(this, 'collection', {
      enumerable: true,
      configurable: true,
      get: () => {
        if (this.#collection === undefined) {
          const value = JsCollection.fromVersion(version)
          this.#collection = { value, sent: JSON.stringify(value.toJSON()) }
        }
        return this.#collection.value
      },
      set: (value: unknown) => {
        this.#collection = { value, sent: '' }
      },
    })
  }

  /** The plain data keys the event came with (sent back as the handler left them). */
  #props: string[] = []

  /** Continues the chain on the app thread (the real operation is its last link). */
  next(): void {
    const back = call('ev.next', this.#ev, this.changes()) as { record?: RecordState }
    this.#writes.length = 0
    if (back.record !== undefined && this.record instanceof JsRecord) {
      this.record.core = JsRecord.fromState(back.record).core
    }
  }

  /** @internal What to hand back to the app thread. */
  changes(): EventChanges {
    const out: { -readonly [K in keyof EventChanges]: EventChanges[K] } = {
      writes: [...this.#writes],
    }
    if (this.record instanceof JsRecord) out.record = this.record.state()
    if (this.model instanceof JsRecord) out.model = this.model.state()
    const c = this.#collection
    if (c !== undefined && c.value instanceof JsCollection) {
      const json = c.value.toJSON()
      if (JSON.stringify(json) !== c.sent) out.collection = json
    }
    if (Array.isArray(this.records)) {
      out.records = (this.records as JsRecord[]).map((r) => r.state())
    }
    if (this.#props.length > 0) {
      out.props = JSON.parse(
        JSON.stringify(Object.fromEntries(this.#props.map((k) => [k, this[k]]))),
      )
    }
    if (this.router instanceof JsRouterGroup) {
      const use = this.router.mws.splice(0)
      const add = this.router.take()
      if (use.length > 0 || add.length > 0) out.routes = { add, use }
    }
    return out
  }

  /** The request info (PocketBase `e.RequestInfo()`): body, query, headers, auth. */
  requestInfo(): Json {
    if (this.#info === undefined) {
      const info = call('ev.info', this.#ev) as Json & { auth: RecordState | null }
      this.#info = { ...info, auth: info.auth === null ? null : JsRecord.fromState(info.auth) }
    }
    return this.#info
  }

  hasSuperuserAuth(): boolean {
    return this.auth instanceof JsRecord && this.auth.isSuperuser()
  }

  /** Reads the request body into `model` (PocketBase `e.BindBody`; a DynamicModel or object). */
  bindBody(model: Json): void {
    fillModel(model, (this.requestInfo().body ?? {}) as Json)
  }

  isTLS(): boolean {
    return this.request instanceof JsRequest && this.request.url.string().startsWith('https:')
  }

  remoteIP(): string {
    return this.realIP()
  }

  /** Adds a `Set-Cookie` header (`{name, value, path, maxAge, httpOnly, secure, sameSite}`). */
  setCookie(cookie: Json): void {
    let v = `${String(cookie.name)}=${String(cookie.value ?? '')}`
    if (cookie.path) v += `; Path=${String(cookie.path)}`
    if (cookie.domain) v += `; Domain=${String(cookie.domain)}`
    if (typeof cookie.maxAge === 'number') v += `; Max-Age=${cookie.maxAge}`
    if (cookie.httpOnly) v += '; HttpOnly'
    if (cookie.secure) v += '; Secure'
    if (cookie.sameSite) v += `; SameSite=${String(cookie.sameSite)}`
    this.#writes.push({ method: 'header', args: ['Set-Cookie', v] })
  }

  realIP(): string {
    return this.request instanceof JsRequest ? this.request.remoteAddr : ''
  }

  json(status: number, data: unknown): void {
    this.#writes.push({ method: 'json', args: [status, JSON.stringify(data ?? null)] })
  }

  string(status: number, text: string): void {
    this.#writes.push({ method: 'string', args: [status, String(text)] })
  }

  html(status: number, html: string): void {
    this.#writes.push({ method: 'html', args: [status, String(html)] })
  }

  redirect(status: number, url: string): void {
    this.#writes.push({ method: 'redirect', args: [status, String(url)] })
  }

  noContent(status = 204): void {
    this.#writes.push({ method: 'noContent', args: [status] })
  }

  blob(status: number, contentType: string, body: unknown): void {
    const bytes = typeof body === 'string' ? body : new Uint8Array(body as ArrayLike<number>)
    this.#writes.push({ method: 'blob', args: [status, contentType, bytes] })
  }
}
