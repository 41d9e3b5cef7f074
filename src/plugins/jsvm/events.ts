import { applyCollectionInput } from '../../core/collection-input.ts'
import { Collection } from '../../core/collection-model.ts'
import { CollectionRequestEvent } from '../../core/collection-request-event.ts'
import { CollectionEvent } from '../../core/events.ts'
import { Record } from '../../core/record-model.ts'
import { RequestEvent } from '../../core/request-event.ts'
import type { RequestInfo } from '../../core/request-info.ts'
import { RouterGroup } from '../../tools/router/router.ts'
import type { EventChanges, EventState, RequestState, ResponseWrite } from './codec.ts'
import type { Codec, JsvmPool } from './pool.ts'

// How an App hook event crosses to a JS handler and how the handler's changes come back. Any
// event works: its `record`, `records`, `model`, `collection`, `auth`/`requestInfo`, `request`, `error`,
// `result` and plain `name`/`exclude` properties cross when it has them.

type AnyEvent = { [key: string]: unknown }

/** The state of event `e` for a worker; `paramNames` are a custom route's path parameters. */
export function eventState(
  codec: Codec,
  ev: number,
  app: number,
  e: AnyEvent,
  paramNames: readonly string[] = [],
): EventState {
  const s: { -readonly [K in keyof EventState]: EventState[K] } = { ev, app }
  if (e.record instanceof Record) s.record = codec.record(e.record)
  if (Array.isArray(e.records)) s.records = (e.records as Record[]).map((r) => codec.record(r))
  if (e.collection instanceof Collection) s.collection = codec.version(e.collection)
  if (Array.isArray(e.collections) && e.collections.every((c) => c instanceof Collection)) {
    s.collections = (e.collections as Collection[]).map((c) => codec.version(c))
  }
  if (e.model instanceof Record) s.model = { record: codec.record(e.model) }
  else if (e.model instanceof Collection) s.model = { collection: codec.version(e.model) }
  if (e instanceof RequestEvent) {
    s.auth = e.auth === null ? null : codec.record(e.auth)
    s.request = requestState(
      e.request,
      Object.fromEntries(paramNames.map((n) => [n, e.pathValue(n)])),
    )
  } else if (typeof e.requestInfo === 'object' && e.requestInfo !== null) {
    const info = e.requestInfo as RequestInfo
    s.auth = info.auth === null ? null : codec.record(info.auth)
    s.request = {
      method: info.method,
      url: 'http://localhost/',
      headers: Object.entries(info.headers).map(([k, v]) => [k.replaceAll('_', '-'), v]),
      params: {},
      remoteIP: '',
    }
  }
  if (typeof e.result === 'object' && e.result !== null) s.result = { ...(e.result as AnyEvent) }
  if (e.error !== undefined) {
    const err = e.error instanceof Error ? e.error : new Error(String(e.error))
    s.error = { name: err.name, message: err.message }
  }
  if (e.router instanceof RouterGroup) s.router = true
  const props = plainProps(e)
  if (Object.keys(props).length > 0) s.props = props
  return s
}

/** Event keys that cross as models or not at all. */
const MODEL_KEYS = new Set([
  'app',
  'record',
  'records',
  'model',
  'collections',
  'mailer',
  'client',
  'collection',
  'auth',
  'request',
  'result',
  'error',
  'requestInfo',
  'response',
  'responseHeaders',
  'router',
  'next',
])

/**
 * The other data of an event (a backup's `name` and `exclude`, a mail's `message`, an auth
 * request's `identity`…): its own keys holding JSON values, which a handler may change.
 */
function plainProps(e: AnyEvent): AnyEvent {
  const props: AnyEvent = {}
  for (const [k, v] of Object.entries(e)) {
    if (MODEL_KEYS.has(k) || typeof v === 'function' || v === undefined) continue
    if (typeof v === 'object' && v !== null && !isPlain(v)) continue
    props[k] = v
  }
  return props
}

function isPlain(v: object): boolean {
  if (Array.isArray(v)) return v.every((x) => typeof x !== 'object' || x === null || isPlain(x))
  const proto = Object.getPrototypeOf(v)
  return (
    (proto === Object.prototype || proto === null) &&
    Object.values(v).every((x) => typeof x !== 'object' || x === null || isPlain(x))
  )
}

function requestState(r: Request, params: { [name: string]: string }): RequestState {
  return { method: r.method, url: r.url, headers: [...r.headers], params, remoteIP: '' }
}

/** Applies a JS handler's changes to the live event: its record's values and response writes. */
export function applyChanges(pool: JsvmPool, e: AnyEvent, ch: EventChanges): void {
  if (ch.record !== undefined && e.record instanceof Record) {
    copyValues(e.record, pool.recordOf(ch.record))
  } else if (ch.record !== undefined && e.record === null) {
    // an auth request hook that found the record itself (`e.record = $app.findRecordById(…)`)
    e.record = pool.recordOf(ch.record)
  }
  if (ch.model !== undefined && e.model instanceof Record) {
    copyValues(e.model, pool.recordOf(ch.model))
  }
  // NOTE: only where the collection is the one being saved (never a cached one)
  if (
    ch.collection !== undefined &&
    (e instanceof CollectionEvent || e instanceof CollectionRequestEvent)
  ) {
    applyCollectionInput(e.collection, ch.collection, false)
  }
  if (ch.records !== undefined && Array.isArray(e.records)) {
    e.records = ch.records.map((s) => pool.recordOf(s))
  }
  for (const w of ch.writes) write(e, w)
  if (ch.routes !== undefined && e.router instanceof RouterGroup && pool.binds !== undefined) {
    const binds = pool.binds
    const router = e.router as RouterGroup<RequestEvent>
    if (ch.routes.use.length > 0) router.bind(...ch.routes.use.map((m) => binds.middleware(m)))
    for (const r of ch.routes.add) {
      const names = [...r.path.matchAll(/\{(\w+)(?:\.\.\.)?\}/g)].map((m) => m[1]!)
      router
        .route(r.method, r.path, binds.handler(r.ref, names))
        .bind(...r.mws.map((m) => binds.middleware(m)))
    }
  }
  for (const [k, v] of Object.entries(ch.props ?? {})) {
    const d = Object.getOwnPropertyDescriptor(e, k)
    if (d?.writable === true) e[k] = v
  }
}

function copyValues(target: Record, from: Record): void {
  for (const f of target.collection.fields) target.setPrepared(f.name, from.get(f.name))
  target.customData = from.customData
}

const TYPES: { [method: string]: string } = {
  json: 'application/json',
  string: 'text/plain; charset=utf-8',
  html: 'text/html; charset=utf-8',
}

/** Replays a response writer on the event (a RouterEvent's own writers, else `e.response`). */
function write(e: AnyEvent, w: ResponseWrite): void {
  if (w.method === 'header') {
    const headers = e.responseHeaders
    if (headers instanceof Headers) headers.append(String(w.args[0]), String(w.args[1]))
    return
  }
  const [status, a, b] = w.args as [number, unknown, unknown]
  if (typeof (e as { blob?: unknown }).blob === 'function') {
    const re = e as unknown as RequestEvent
    if (w.method === 'json') re.blob(status, 'application/json', String(a))
    else if (w.method === 'blob') re.blob(status, String(a), b as string)
    else if (w.method === 'redirect') re.redirect(status, String(a))
    else if (w.method === 'noContent') re.noContent(status)
    else re[w.method](status, String(a))
    return
  }
  if (w.method === 'redirect') {
    e.response = new Response(null, { status, headers: { Location: String(a) } })
  } else if (w.method === 'noContent') {
    e.response = new Response(null, { status })
  } else if (w.method === 'blob') {
    e.response = new Response(b as string, { status, headers: { 'Content-Type': String(a) } })
  } else {
    e.response = new Response(String(a), { status, headers: { 'Content-Type': TYPES[w.method]! } })
  }
}
