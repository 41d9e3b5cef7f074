import { readFileSync } from 'node:fs'
import type { CollectionRow } from '../../core/collection-model.ts'
import { Record } from '../../core/record-model.ts'
import { UploadedFile } from '../../tools/filesystem/uploaded-file.ts'
import type { HandlerRef, MiddlewareRef } from './worker/globals.ts'

// The data shapes that cross between the app thread and a JSVM worker (structured clone): records
// travel as their prepared field values plus the version number of their collection, and a
// collection's row travels once per worker and version.

/** A record as it crosses threads. */
export interface RecordState {
  /** The collection version (see `CollectionVersions`). */
  readonly c: number
  /** The prepared field values by name. */
  readonly d: { readonly [name: string]: unknown }
  /** True for a record not stored yet. */
  readonly n: boolean
  /** The values it was loaded with (stored records only). */
  readonly o?: { readonly [name: string]: unknown }
  /** Expanded relations. */
  readonly x?: { readonly [name: string]: RecordState | RecordState[] }
  /** Custom data added by hooks (`withCustomData`). */
  readonly cd?: { readonly [key: string]: unknown }
}

/** Collection rows a message ships, by version, for the receiver's cache. */
export type CollectionRows = { [version: number]: CollectionRow }

/** A thrown error as it crosses threads; `ref` names the original object kept by the app thread. */
export interface ErrorState {
  readonly message: string
  readonly name: string
  /** The HTTP status of an API error. */
  readonly status?: number
  /** The `data` of an API error or the field errors of a validation error. */
  readonly data?: { readonly [key: string]: unknown }
  /** The app thread's id of the original error (rethrown as is when it comes back). */
  readonly ref?: number
  /** `file:line` of the JS frame that threw, when known. */
  readonly location?: string
}

/** A response written by a JS handler: the writer's name and its arguments. */
export interface ResponseWrite {
  readonly method: 'json' | 'string' | 'html' | 'redirect' | 'noContent' | 'blob' | 'header'
  readonly args: readonly unknown[]
}

/** An event as it is handed to a worker. */
export interface EventState {
  /** The app thread's id of the live event (for `next()` and lazy reads). */
  readonly ev: number
  /** The app handle of `e.app`. */
  readonly app: number
  readonly record?: RecordState
  readonly records?: RecordState[]
  /** The collection versions of `e.collections` (`onCollectionsListRequest`). */
  readonly collections?: number[]
  /** `e.model` of model events: a record, or a collection version. */
  readonly model?: { readonly record: RecordState } | { readonly collection: number }
  /** The collection version of `e.collection`. */
  readonly collection?: number
  /** `e.auth` of request events (null for guests; absent for other events). */
  readonly auth?: RecordState | null
  readonly request?: RequestState
  /** The list envelope of `onRecordsListRequest`. */
  readonly result?: { [key: string]: unknown }
  readonly error?: ErrorState
  /** Backup name / mail data and other plain properties. */
  readonly props?: { [key: string]: unknown }
  /** True when the event has a router (`onServe`): the handler gets a JS `e.router`. */
  readonly router?: true
}

/** A route a JS `onServe` handler added to `e.router` (see `worker/js-router.ts`). */
export interface RouteState {
  /** Upper-case method, `*` for any. */
  readonly method: string
  /** The full path, group prefixes included. */
  readonly path: string
  readonly ref: HandlerRef
  /** Enclosing groups' middlewares (outermost first), then the route's own. */
  readonly mws: readonly MiddlewareRef[]
}

/** The parts of an HTTP request a handler can read without a round trip. */
export interface RequestState {
  readonly method: string
  readonly url: string
  readonly headers: [string, string][]
  readonly params: { readonly [name: string]: string }
  readonly remoteIP: string
}

/** What a handler changed on its event, sent with `next()` and when it returns. */
export interface EventChanges {
  readonly record?: RecordState
  /** `e.model` when it is a record. */
  readonly model?: RecordState
  /** The collection JSON of `e.collection` when a handler changed it. */
  readonly collection?: { [key: string]: unknown }
  readonly records?: RecordState[]
  readonly writes: ResponseWrite[]
  readonly props?: { [key: string]: unknown }
  /** Routes and router-wide middlewares added to a JS `e.router`. */
  readonly routes?: { readonly add: RouteState[]; readonly use: MiddlewareRef[] }
}

/** Rebuilds a record of `collection` from a crossing state (shared with the app thread). */
export function buildRecord(
  collection: Record['collection'],
  s: RecordState,
  nested: (x: RecordState) => Record,
): Record {
  const r = new Record(collection)
  if (!s.n && s.o !== undefined) {
    for (const [k, v] of Object.entries(s.o)) r.setPrepared(k, v)
    r.markAsStored()
  }
  for (const [k, v] of Object.entries(s.d)) r.setPrepared(k, decodeUploads(v))
  r.isNew = s.n
  if (s.cd !== undefined) r.customData = { ...s.cd }
  if (s.x !== undefined) {
    const x: NonNullable<Record['expand']> = {}
    for (const [k, e] of Object.entries(s.x)) x[k] = Array.isArray(e) ? e.map(nested) : nested(e)
    r.expand = x
  }
  return r
}

/** The crossing state of a record; `version` names its collection (and ships it when needed). */
export function stateOf(r: Record, version: (c: Record['collection']) => number): RecordState {
  const s: { -readonly [K in keyof RecordState]: RecordState[K] } = {
    c: version(r.collection),
    d: encodeUploads(r.fieldValues()),
    n: r.isNew,
  }
  if (!r.isNew) {
    const o: { [name: string]: unknown } = {}
    for (const f of r.collection.fields) o[f.name] = r.original(f.name)
    s.o = o
  }
  if (r.customData !== undefined) s.cd = r.customData
  if (r.expand !== undefined) {
    const x: { [name: string]: RecordState | RecordState[] } = {}
    for (const [k, e] of Object.entries(r.expand)) {
      x[k] = Array.isArray(e) ? e.map((i) => stateOf(i, version)) : stateOf(e, version)
    }
    s.x = x
  }
  return s
}

/** An upload (a file field's pending new file) as it crosses: its names and bytes. */
interface UploadState {
  readonly __upload: {
    readonly originalName: string
    readonly name: string
    readonly bytes: Uint8Array
  }
}

function encodeUpload(v: unknown): unknown {
  if (!(v instanceof UploadedFile)) return v
  const bytes = v.buffer ?? readFileSync(v.path)
  return { __upload: { originalName: v.originalName, name: v.name, bytes } } satisfies UploadState
}

/** Field values with pending uploads (single or in lists) turned into crossing data. */
function encodeUploads(d: { readonly [name: string]: unknown }): { [name: string]: unknown } {
  let out: { [name: string]: unknown } | undefined
  for (const [k, v] of Object.entries(d)) {
    const isUpload =
      v instanceof UploadedFile || (Array.isArray(v) && v.some((x) => x instanceof UploadedFile))
    if (!isUpload) continue
    out ??= { ...d }
    out[k] = Array.isArray(v) ? v.map(encodeUpload) : encodeUpload(v)
  }
  return out ?? (d as { [name: string]: unknown })
}

function decodeUpload(v: unknown): unknown {
  const u = (v as Partial<UploadState> | null)?.__upload
  if (typeof v !== 'object' || u === undefined) return v
  const f = UploadedFile.fromBuffer(u.originalName, Buffer.from(u.bytes))
  f.name = u.name
  return f
}

function decodeUploads(v: unknown): unknown {
  return Array.isArray(v) ? v.map(decodeUpload) : decodeUpload(v)
}
