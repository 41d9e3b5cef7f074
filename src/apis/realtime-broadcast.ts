import type { App } from '../core/app.ts'
import type { Collection } from '../core/collection-model.ts'
import { PasswordField, toPasswordValue } from '../core/field-password.ts'
import { type AccessCheck, checkRealtimeAccess } from '../core/realtime-access.ts'
import { sendRealtimeMessage } from '../core/realtime-events.ts'
import { exportRecord } from '../core/record-export.ts'
import { Record } from '../core/record-model.ts'
import { isSuperuser, type RequestInfo } from '../core/request-info.ts'
import { pickFields } from '../tools/picker/pick.ts'
import type { BusPayload } from '../tools/subscriptions/bus.ts'
import type { Client } from '../tools/subscriptions/client.ts'
import type { SubscriptionOptions } from '../tools/subscriptions/options.ts'
import { enrichRecords } from './record-helpers.ts'

/** A record change as realtime sends it (`action` of the message). */
export type RecordAction = 'create' | 'update' | 'delete'

/** The key under which a client's auth record is stored (PocketBase `RealtimeClientAuthKey`). */
export const CLIENT_AUTH_KEY = 'auth'

const RECORD_OP = 'record'

/** The stored column values of a record (what another process needs to rebuild it). */
function recordRow(record: Record): { [key: string]: unknown } {
  const row: { [key: string]: unknown } = {}
  for (const f of record.collection.fields) {
    row[f.name] =
      f instanceof PasswordField
        ? toPasswordValue(record.get(f.name)).hash
        : f.driverValue(record.get(f.name))
  }
  return row
}

/**
 * Publishes a committed record change (PocketBase `bindRealtimeEvents`): the clients of this
 * process are served here, the other processes get the record's row over the bus and serve
 * theirs. Deliveries run on one queue per process, so events keep their order and the write's
 * HTTP response does not wait for the fan-out. `committedAt` is the hub's stamp of the commit
 * (`app.realtime.now()` taken right after it, the default): only subscriptions set before it
 * get the event, even when the queue runs it later. With no client connected to this process
 * the local fan-out is skipped: a client that connects later subscribes after `committedAt`.
 */
export function publishRecordEvent(
  app: App,
  action: RecordAction,
  record: Record,
  committedAt = app.realtime.now(),
): Promise<void> {
  const hub = app.realtime
  hub.bus.publish({
    op: RECORD_OP,
    action,
    collectionId: record.collection.id,
    row: recordRow(record),
    committedAt,
  })
  if (hub.broker.size === 0) return Promise.resolve()
  return hub.enqueue(() => handleRecordEvent(app, action, record, committedAt))
}

/**
 * Registers the bus handler of record events published by other processes. An event that
 * arrives while no client is connected here is dropped at once (no cache check, no record
 * rebuilt): it committed before it arrived, so a client that connects later subscribes after
 * the commit and would not get it, and its auth record is read after the commit.
 */
export function handleRemoteRecordEvents(app: App): void {
  app.realtime.handleMessage(RECORD_OP, (p: BusPayload) => {
    if (app.realtime.broker.size === 0) return
    return app.realtime.enqueue(async () => {
      if (app.sharesData) await app.refreshCaches()
      const collection = app.findCollection(String(p.collectionId))
      if (collection === undefined) return
      const record = Record.fromRow(collection, p.row as { [key: string]: unknown })
      const at = typeof p.committedAt === 'number' ? p.committedAt : app.realtime.now()
      await handleRecordEvent(app, p.action as RecordAction, record, at)
    })
  })
}

/** Auth sync then fan-out of one record event to the clients of this process. */
async function handleRecordEvent(
  app: App,
  action: RecordAction,
  record: Record,
  committedAt: number,
): Promise<void> {
  if (record.collection.isAuth && action !== 'create') syncClientAuth(app, action, record)
  await deliverRecordEvent(app, action, record, committedAt)
}

/**
 * Keeps the auth records stored on clients current (§10.2): replaced by the updated record, or
 * dropped when the record was deleted or its tokenKey changed (its tokens are revoked).
 */
function syncClientAuth(app: App, action: RecordAction, record: Record): void {
  for (const client of app.realtime.broker.clients()) {
    const auth = client.get(CLIENT_AUTH_KEY) as Record | null | undefined
    if (!auth || auth.id !== record.id || auth.collection.id !== record.collection.id) continue
    if (action === 'delete' || auth.getString('tokenKey') !== record.getString('tokenKey')) {
      client.set(CLIENT_AUTH_KEY, undefined)
    } else {
      client.set(CLIENT_AUTH_KEY, record.clone())
    }
  }
}

/** One subscription that matched an event. */
interface Delivery {
  readonly client: Client
  readonly subscription: string
  readonly options: SubscriptionOptions
  readonly info: RequestInfo
}

/**
 * Sends a record event to every matching subscription of this process whose auth passes the
 * rule (PocketBase `realtimeBroadcastRecord`, §10.3–10.4): `C/*`, `C` → listRule, `C/ID` →
 * viewRule, by collection name or id, matched by prefix on `subscription + "?"`; the event name
 * is the subscription string. Access is decided in bulk (`checkRealtimeAccess`), and each
 * distinct projection (visibility class + expand + fields) is enriched and serialised once.
 * Only subscriptions set before `committedAt` (a hub stamp; default: now) qualify.
 */
export async function deliverRecordEvent(
  app: App,
  action: RecordAction,
  record: Record,
  committedAt = app.realtime.now(),
): Promise<void> {
  const c = record.collection
  const viewPrefixes = [`${c.name}/${record.id}?`, `${c.id}/${record.id}?`]
  const listPrefixes = [`${c.name}/*?`, `${c.id}/*?`, `${c.name}?`, `${c.id}?`]
  const all = [...viewPrefixes, ...listPrefixes]
  const deliveries: Delivery[] = []
  const checks: AccessCheck[] = []
  for (const client of app.realtime.broker.clients()) {
    if (client.discarded) continue
    const matches = client.matching(all)
    if (matches.length === 0) continue
    const auth = (client.get(CLIENT_AUTH_KEY) as Record | null | undefined) ?? null
    for (const [subscription, options] of matches) {
      // NOTE: a subscription set after the commit (while this event waited in the queue) is
      // not one that existed when the write committed.
      if (!client.subscribedBefore(subscription, committedAt)) continue
      const key = `${subscription}?`
      const rule = viewPrefixes.some((p) => key.startsWith(p)) ? c.viewRule : c.listRule
      const info = subscriberInfo(options, auth)
      deliveries.push({ client, subscription, options, info })
      checks.push({ info, rule })
    }
  }
  if (deliveries.length === 0) return
  // NOTE: decided from the values the event carries, not the live row: a worker may check an
  // update after a later delete (or update) of the same record committed.
  const allowed = await checkRealtimeAccess(app, record, checks)
  const projections = new Map<string, Delivery[]>()
  deliveries.forEach((d, i) => {
    if (!allowed[i]) return
    const key = projectionKey(app, c, d)
    const list = projections.get(key)
    if (list === undefined) projections.set(key, [d])
    else list.push(d)
  })
  let sent = 0
  for (const list of projections.values()) {
    const first = list[0]!
    const data = await serialise(app, action, record, first)
    if (data === undefined) continue
    for (const d of list) {
      const hooked = sendRealtimeMessage(app, d.client, { name: d.subscription, data })
      if (hooked !== undefined) await hooked
      // NOTE: each send is a socket write (a syscall): let requests in between every few
      // hundred, so that a fan-out to 10k clients does not hold the event loop for its length.
      if (++sent % SENDS_PER_TURN === 0) await new Promise<void>((r) => setImmediate(r))
    }
  }
}

/** How many clients a fan-out writes to before it lets the event loop serve other work. */
const SENDS_PER_TURN = 500

const infos = new WeakMap<SubscriptionOptions, WeakMap<object, RequestInfo>>()
const GUEST = {}

/**
 * The request info of a subscription (context `realtime`, method `GET`, its options, the
 * client's auth), made once per subscription and auth record (an updated auth record is a new
 * object) so that long-lived subscribers cost no allocation per event, and so that the access
 * checks can cache what they derive from it. Frozen: copy it before handing it to hooks.
 */
function subscriberInfo(options: SubscriptionOptions, auth: Record | null): RequestInfo {
  let byAuth = infos.get(options)
  if (byAuth === undefined) {
    byAuth = new WeakMap()
    infos.set(options, byAuth)
  }
  let info = byAuth.get(auth ?? GUEST)
  if (info === undefined) {
    info = Object.freeze({
      context: 'realtime',
      method: 'GET',
      query: Object.freeze({ ...options.query }),
      headers: Object.freeze({ ...options.headers }),
      body: Object.freeze({}),
      auth,
    })
    byAuth.set(auth ?? GUEST, info)
  }
  return info
}

/**
 * Which deliveries get byte-identical messages: superusers share one export (hidden fields, all
 * emails); other subscribers share one unless the record is of an auth collection (own email,
 * manageRule), or expand / enrich hooks make the output depend on the auth and options.
 */
function projectionKey(app: App, c: Collection, d: Delivery): string {
  const q = d.options.query
  const expand = q.expand ?? ''
  const hooks = app.onRecordEnrich.length > 0
  const su = isSuperuser(d.info)
  const auth = d.info.auth
  const authKey = auth === null ? '-' : `${auth.collection.id}/${auth.id}`
  let key = su && !hooks ? 'su' : c.isAuth || expand !== '' || hooks ? `${su}:${authKey}` : 'any'
  key += `\u0000${expand}\u0000${q.fields ?? ''}`
  if (expand !== '' || hooks)
    key += `\u0000${JSON.stringify(q)}\u0000${JSON.stringify(d.options.headers)}`
  return key
}

/**
 * The message data for one projection: `{"record":…,"action":…}` (PocketBase's key order); the
 * `fields` option picks from the record.
 */
async function serialise(
  app: App,
  action: RecordAction,
  record: Record,
  d: Delivery,
): Promise<string | undefined> {
  const copy = record.clone()
  // NOTE: enrich hooks get their own copy of the (shared, frozen) subscriber info
  const info: RequestInfo = {
    ...d.info,
    query: { ...d.info.query },
    headers: { ...d.info.headers },
    body: {},
  }
  try {
    await enrichRecords(app, [copy], info, d.options.query.expand ?? '')
  } catch {
    return undefined
  }
  let exported: unknown = sortRecordKeys(exportRecord(copy))
  const fields = d.options.query.fields ?? ''
  if (fields !== '') {
    try {
      exported = pickFields(exported, fields)
    } catch {
      // NOTE: an invalid `fields` option sends the whole record, as PocketBase does.
    }
  }
  const data = { record: exported, action }
  return JSON.stringify(data)
}

/**
 * Orders the keys of an exported record (and of its expanded records) alphabetically, as
 * PocketBase's realtime messages do (the export is a Go map there); field values are untouched.
 */
function sortRecordKeys(record: { [key: string]: unknown }): { [key: string]: unknown } {
  const out: { [key: string]: unknown } = {}
  for (const key of Object.keys(record).sort()) {
    const value = record[key]
    if (key === 'expand' && typeof value === 'object' && value !== null) {
      const expand: { [key: string]: unknown } = {}
      for (const [k, v] of Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        expand[k] = Array.isArray(v)
          ? v.map((r) => sortRecordKeys(r as { [key: string]: unknown }))
          : sortRecordKeys(v as { [key: string]: unknown })
      }
      out[key] = expand
    } else out[key] = value
  }
  return out
}
