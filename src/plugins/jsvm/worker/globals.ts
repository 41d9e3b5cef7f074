import vm from 'node:vm'
import { arrayOf, DynamicModel } from './dynamic-model.ts'
import { errorClasses } from './errors.ts'
import { HOOK_NAMES } from './hook-names.ts'
import { JsApp } from './js-app.ts'
import { fieldClasses, JsCollection } from './js-collection.ts'
import { JsRecord } from './js-record.ts'
import { makeRequire } from './require.ts'
import { call, runtime } from './runtime.ts'
import { template } from './template.ts'
import { dbx, filepath, filesystem, inflector, os, security } from './tools.ts'

type Json = { [key: string]: unknown }

/** A JS function as the app thread keeps it: its source (re-evaluated per context) and origin. */
export interface HandlerRef {
  readonly src: string
  readonly file: string
  readonly line: number
}

/** A middleware as it crosses: a JS function, or one of `$apis`' by name. */
export type MiddlewareRef =
  | { readonly fn: HandlerRef; readonly id?: string; readonly priority?: number }
  | { readonly api: string; readonly args: readonly unknown[] }

/** `new Middleware(fn, priority, id)`. */
class Middleware {
  readonly fn: HandlerRef
  readonly priority: number | undefined
  readonly id: string | undefined
  constructor(fn: (e: unknown) => void, priority?: number, id?: string) {
    this.fn = handlerRef(fn)
    this.priority = priority
    this.id = id
  }
}

/** A `$apis` middleware, applied by the app thread. */
class ApiMiddleware {
  readonly api: string
  readonly args: readonly unknown[]
  constructor(api: string, args: readonly unknown[]) {
    this.api = api
    this.args = args
  }
}

/**
 * Where the registering call is: the first stack frame outside this folder (a hooks file, a
 * migration or a module they require).
 */
function callSite(): { file: string; line: number } {
  const stack = new Error().stack ?? ''
  for (const m of stack.matchAll(/\(?((?:file:\/\/)?\/[^\s():]+):(\d+):\d+\)?/g)) {
    const file = m[1]!.replace(/^file:\/\//, '')
    if (file.includes('/plugins/jsvm/')) continue
    return { file, line: Number(m[2]) }
  }
  return { file: runtime.hooksDir, line: 1 }
}

/** A JS function as it crosses to the app thread: its source and where it was registered. */
export function handlerRef(fn: unknown): HandlerRef {
  if (typeof fn !== 'function') throw new TypeError('Expected a handler function.')
  return { src: Function.prototype.toString.call(fn), ...callSite() }
}

/** A middleware argument as it crosses (a JS function, `new Middleware(…)`, a `$apis` one). */
export function middlewareRef(m: unknown): MiddlewareRef {
  if (m instanceof ApiMiddleware) return { api: m.api, args: m.args }
  if (m instanceof Middleware) return { fn: m.fn, id: m.id, priority: m.priority }
  return { fn: handlerRef(m) }
}

/** `$apis`: PocketBase's route middlewares (run by the app thread's real ones). */
const apis = Object.fromEntries(
  [
    'requireAuth',
    'requireSuperuserAuth',
    'requireSuperuserOrOwnerAuth',
    'requireGuestOnly',
    'bodyLimit',
    'gzip',
    'skipSuccessActivityLog',
  ].map((name) => [name, (...args: unknown[]) => new ApiMiddleware(name, args)]),
)

/** `toString(value)`: bytes (or anything) as text. */
function toText(v: unknown): string {
  if (v === null || v === undefined) return ''
  if (typeof v === 'string') return v
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8')
  if (Array.isArray(v)) return Buffer.from(v as number[]).toString('utf8')
  if (typeof v === 'object') return JSON.stringify(v)
  return String(v)
}

/**
 * `unmarshal(data, model)`: PocketBase's JSON decode into an existing model — present keys
 * replace, nested objects merge, arrays are replaced; a collection keeps its helpers.
 */
function unmarshal(data: unknown, dst: Json): void {
  const src = JSON.parse(JSON.stringify(data ?? {})) as Json
  if (dst instanceof JsCollection) {
    dst.assign(merge(dst.toJSON(), src), dst.version)
    return
  }
  Object.assign(dst, merge(dst, src))
}

function merge(base: Json, patch: Json): Json {
  const out: Json = { ...base }
  for (const [k, v] of Object.entries(patch)) {
    const b = base[k]
    const objects = [v, b].every((x) => typeof x === 'object' && x !== null && !Array.isArray(x))
    out[k] = objects ? merge(b as Json, v as Json) : v
  }
  return out
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4))

/** `$http.send({url, method, body, headers, timeout})`, answered by the app thread's fetch. */
function httpSend(config: Json): Json {
  const r = call('http', {
    url: String(config.url ?? ''),
    method: String(config.method ?? 'GET').toUpperCase(),
    body: config.body === undefined ? undefined : toText(config.body),
    headers: (config.headers as Json | undefined) ?? {},
    timeout: Number(config.timeout ?? 120),
  }) as { statusCode: number; headers: { [k: string]: string[] }; body: Uint8Array }
  const raw = Buffer.from(r.body).toString('utf8')
  let json: unknown = null
  try {
    json = JSON.parse(raw)
  } catch {
    json = null
  }
  const cookies: Json = {}
  for (const c of r.headers['set-cookie'] ?? []) {
    const [pair] = c.split(';')
    const i = pair!.indexOf('=')
    if (i > 0) cookies[pair!.slice(0, i)] = { name: pair!.slice(0, i), value: pair!.slice(i + 1) }
  }
  return { statusCode: r.statusCode, headers: r.headers, cookies, raw, body: r.body, json }
}

/** `$tokens`: PocketBase's record token helpers (signed by the app thread). */
const tokens = Object.fromEntries(
  [
    'recordAuthToken',
    'recordVerifyToken',
    'recordResetPasswordToken',
    'recordChangeEmailToken',
    'recordFileToken',
  ].map((kind) => [
    kind,
    (app: JsApp, record: JsRecord, ...extra: unknown[]) =>
      call('token', app.handle, kind, record.state(), ...extra) as string,
  ]),
)

/** `$mails`: PocketBase's system emails for a record. */
const mails = Object.fromEntries(
  [
    'sendRecordPasswordReset',
    'sendRecordVerification',
    'sendRecordChangeEmail',
    'sendRecordOTP',
    'sendRecordAuthAlert',
  ].map((kind) => [
    kind,
    (app: JsApp, record: JsRecord, ...extra: unknown[]) =>
      void call('mails', app.handle, kind, record.state(), ...extra),
  ]),
)

/**
 * A new JSVM context with PocketBase's globals: `$app` (the app handle 0), the registration
 * functions (`routerAdd`, `routerUse`, `on…`, `cronAdd`, `cronRemove`), the model classes, the
 * `$…` toolboxes, the API errors, `require` (relative to `baseDir`), `__hooks`, `process.env` and
 * `Buffer`; no timers, as in PocketBase.
 */
export function newContext(baseDir: string, extra: Json = {}): vm.Context {
  const g: Json = {
    $app: new JsApp(0),
    __hooks: runtime.hooksDir,
    routerAdd: (method: string, path: string, handler: unknown, ...mws: unknown[]) =>
      void call(
        'reg.route',
        String(method),
        String(path),
        handlerRef(handler),
        mws.map(middlewareRef),
      ),
    routerUse: (...mws: unknown[]) => void call('reg.use', mws.map(middlewareRef)),
    cronAdd: (id: string, expr: string, handler: unknown) =>
      void call('reg.cron', String(id), String(expr), handlerRef(handler)),
    cronRemove: (id: string) => void call('reg.cronRemove', String(id)),
    Record: JsRecord,
    Collection: JsCollection,
    DynamicModel,
    Middleware,
    arrayOf,
    toString: toText,
    toBytes: (v: unknown) => Buffer.from(toText(v)),
    sleep: (ms: number) => void Atomics.wait(sleepCell, 0, 0, Number(ms)),
    unmarshal,
    MailerMessage: class MailerMessage {
      constructor(data: Json = {}) {
        Object.assign(this, { from: {}, to: [], subject: '', html: '', text: '' }, data)
      }
    },
    Cookie: class Cookie {
      constructor(data: Json = {}) {
        Object.assign(this, data)
      }
    },
    Field: class Field {
      constructor(data: Json = {}) {
        Object.assign(this, data)
      }
    },
    $apis: apis,
    $security: security,
    $os: os,
    $filepath: filepath,
    $filesystem: {
      ...filesystem,
      fileFromURL: (url: string) => {
        const r = httpSend({ url, method: 'GET' })
        const name = new URL(url).pathname.split('/').pop() || 'file'
        return filesystem.fileFromBytes(r.body as Uint8Array, name)
      },
    },
    $inflector: inflector,
    $dbx: dbx,
    $http: { send: httpSend },
    $tokens: tokens,
    $mails: mails,
    $template: template,
    // biome-ignore lint/style/noProcessEnv: PocketBase's JS files read process.env
    process: { env: process.env },
    Buffer,
    console,
    ...fieldClasses(),
    ...errorClasses,
    ...extra,
  }
  for (const name of HOOK_NAMES) {
    g[name] = (handler: unknown, ...tags: unknown[]) =>
      void call('reg.hook', name, tags.map(String), handlerRef(handler))
  }
  const context = vm.createContext(g, { codeGeneration: { strings: true, wasm: false } })
  g.require = makeRequire(context, baseDir)
  return context
}
