import type { ServerResponse } from 'node:http'
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response'
import type { Context, Hono } from 'hono'
import type { App } from '../core/app.ts'
import type { RecordEvent } from '../core/events.ts'
import {
  RealtimeConnectRequestEvent,
  RealtimeSubscribeRequestEvent,
  sendRealtimeMessage,
} from '../core/realtime-events.ts'
import type { RealtimeHub } from '../core/realtime-hub.ts'
import type { Record } from '../core/record-model.ts'
import { findRecordById } from '../core/record-query.ts'
import {
  type ApiError,
  badRequestError,
  forbiddenError,
  notFoundError,
} from '../tools/router/api-error.ts'
import type { BusPayload } from '../tools/subscriptions/bus.ts'
import { Client, type ClientSink } from '../tools/subscriptions/client.ts'
import { sseFrame, sseFrameBytes, sseFramePrefix } from '../tools/subscriptions/message.ts'
import {
  required,
  type ValidationErrorMap,
  validationError,
} from '../tools/validation/validation-errors.ts'
import { skipSuccessActivityLogMiddleware } from './activity-logger.ts'
import { realIP } from './health.ts'
import type { Env } from './middlewares.ts'
import {
  CLIENT_AUTH_KEY,
  handleRemoteRecordEvents,
  publishRecordEvent,
  type RecordAction,
} from './realtime-broadcast.ts'
import { realtimeWebSocket } from './realtime-websocket.ts'
import { buildRequestInfo } from './record-helpers.ts'
import { readRequestBody } from './request-body.ts'

const SSE_HEADERS = {
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-store',
  'X-Accel-Buffering': 'no',
}

const SUBSCRIBE_OP = 'subscribe'

/**
 * Binds `GET /api/realtime` (SSE, or a WebSocket when upgraded: `realtime-websocket.ts`) and
 * `POST /api/realtime` (set subscriptions) — PocketBase
 * `apis/realtime.go`, §10 — and the record events that feed them (record create/update/delete,
 * published once the outermost transaction commits — batch items and delete cascades included —
 * and record events published by other worker processes over the hub's bus).
 */
export function bindRealtimeApi(api: Hono<Env>, app: App): void {
  bindRealtimeEvents(app)
  api.get('/realtime', skipSuccessActivityLogMiddleware(), realtimeWebSocket(), realtimeConnect)
  api.post('/realtime', realtimeSetSubscriptions)
}

/**
 * Hooks and bus handlers of the realtime broker; binding again (another router of the same app)
 * replaces them, as they are bound by id and registered by op.
 */
function bindRealtimeEvents(app: App): void {
  const hub = app.realtime
  handleRemoteRecordEvents(app)
  hub.handleRequest(SUBSCRIBE_OP, (p) => subscribeRemote(app, p))
  // NOTE: the model hooks run inside the write transaction; `afterCommit` defers the event until
  // the outermost transaction commits (batch requests and delete cascades included) and drops
  // it on rollback. A snapshot is taken so later changes to the object don't leak into it.
  const publishAfterCommit = (action: RecordAction) => async (e: RecordEvent) => {
    await e.next()
    const snapshot = e.record.clone()
    // the transaction-bound e.app is finished by then: deliver with the app the hooks belong to
    await e.app.afterCommit(async () => void publishRecordEvent(app, action, snapshot, hub.now()))
  }
  app.onRecordCreate.bind(publishAfterCommit('create'), { id: '__satchelRealtimeCreate__' })
  app.onRecordUpdate.bind(publishAfterCommit('update'), { id: '__satchelRealtimeUpdate__' })
  app.onRecordDelete.bind(publishAfterCommit('delete'), { id: '__satchelRealtimeDelete__' })
}

/** Closes every realtime connection of this process (server shutdown). */
export function closeRealtimeClients(app: App): void {
  app.realtime.broker.closeAll()
}

/**
 * `GET /api/realtime`: opens the SSE stream, registers a client with a new 40-character id and
 * sends `PB_CONNECT` `{"clientId":…}` first, inside `onRealtimeConnectRequest` (whose last link
 * lasts until the client disconnects). No pings; the broker closes the connection after
 * 5 minutes without messages or 30 minutes in total. Behind Node's HTTP server the frames are
 * written straight to the socket's response (no web stream per client); in-process requests get
 * a ReadableStream body.
 */
async function realtimeConnect(c: Context<Env>): Promise<Response> {
  const app = c.get('app')
  const broker = app.realtime.broker
  const ip = realIP(c)
  const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing
  const prepared = c.body(null, 200, SSE_HEADERS)
  let client: Client
  let closed!: () => void
  const gone = new Promise<void>((resolve) => {
    closed = resolve
  })
  let open: () => Response
  if (outgoing !== undefined) {
    let overflowed = false
    let prefix: Buffer | undefined
    const sink: ClientSink = {
      write: (message) => {
        prefix ??= sseFramePrefix(client.id)
        const frame = sseFrameBytes(prefix, message)
        // NOTE: a client that does not read must not make the server buffer without bound:
        // past the cap it is disconnected (destroyed, dropping what is queued) and its SDK
        // reconnects as after any drop.
        if (outgoing.writableLength + frame.length > broker.maxBufferedBytes) {
          overflowed = true
          broker.unregister(client.id)
          return
        }
        outgoing.write(frame)
      },
      close: () => (overflowed ? outgoing.destroy() : outgoing.end()),
      bufferedBytes: () => outgoing.writableLength,
    }
    client = new Client(sink, ip)
    open = () => {
      const headers: { [key: string]: string } = {}
      prepared.headers.forEach((v, k) => {
        headers[k] = v
      })
      outgoing.writeHead(200, headers)
      outgoing.on('close', () => {
        broker.unregister(client.id)
        closed()
      })
      connect(app, client)
      // NOTE: a native Response (made before the adapter replaces the global one) that tells
      // @hono/node-server the handler wrote the response itself.
      return RESPONSE_ALREADY_SENT
    }
  } else {
    const encoder = new TextEncoder()
    let controller!: ReadableStreamDefaultController<Uint8Array>
    let ended = false
    const stream = new ReadableStream<Uint8Array>(
      {
        start: (ctl) => {
          controller = ctl
        },
        cancel: () => {
          ended = true
          broker.unregister(client.id)
          closed()
        },
      },
      new ByteLengthQueuingStrategy({ highWaterMark: 0 }),
    )
    client = new Client(
      {
        write: (message) => {
          if (ended) return
          const bytes = encoder.encode(sseFrame(client.id, message))
          // the same per-client cap as on a socket: the bytes queued and not yet read
          if (-(controller.desiredSize ?? 0) + bytes.byteLength > broker.maxBufferedBytes) {
            ended = true
            controller.error(new Error('realtime client too slow'))
            broker.unregister(client.id)
            closed()
            return
          }
          controller.enqueue(bytes)
        },
        close: () => {
          if (ended) return
          ended = true
          controller.close()
          closed()
        },
        bufferedBytes: () => (ended ? 0 : Math.max(0, -(controller.desiredSize ?? 0))),
      },
      ip,
    )
    open = () => {
      connect(app, client)
      return new Response(stream, { status: 200, headers: prepared.headers })
    }
  }
  const event = new RealtimeConnectRequestEvent(app, client, {
    ...buildRequestInfo(c),
    context: 'realtime',
  })
  if (app.onRealtimeConnectRequest.length === 0) return open()
  let opened: Response | undefined
  let ready!: () => void
  const connected = new Promise<void>((resolve) => {
    ready = resolve
  })
  const chain = app.onRealtimeConnectRequest.trigger(event, async () => {
    opened = open()
    ready()
    await gone
  })
  // NOTE: the chain lasts as long as the connection: answer once the last link connected, or
  // with what the chain did when it ended (or threw) before that.
  await Promise.race([connected, chain])
  if (opened !== undefined) {
    chain.catch((err) => app.logger().error('onRealtimeConnectRequest failed', 'error', err))
    return opened
  }
  return event.response ?? c.body(null, 204)
}

function connect(app: App, client: Client): void {
  app.realtime.broker.register(client)
  void sendRealtimeMessage(app, client, {
    name: 'PB_CONNECT',
    data: JSON.stringify({ clientId: client.id }),
  })
}

/** The validated `POST /api/realtime` body. */
interface SubscribeForm {
  clientId: string
  subscriptions: string[]
}

/** Validates the form like PocketBase (clientId 1–255, ≤ 1000 subscriptions of ≤ 2500 chars). */
function validateForm(data: { [key: string]: unknown }): SubscribeForm {
  const errors: ValidationErrorMap = {}
  const clientId = typeof data.clientId === 'string' ? data.clientId : ''
  const raw = Array.isArray(data.subscriptions) ? data.subscriptions : []
  const subscriptions = raw.map((s) => (typeof s === 'string' ? s : String(s)))
  if (clientId === '') errors.clientId = required()
  else if ([...clientId].length > 255)
    errors.clientId = validationError(
      'validation_length_out_of_range',
      'The length must be between 1 and 255.',
      { max: 255, min: 1 },
    )
  if (subscriptions.length > 1000) {
    errors.subscriptions = tooLong(1000)
  } else {
    const each: ValidationErrorMap = {}
    subscriptions.forEach((s, i) => {
      if ([...s].length > 2500) each[String(i)] = tooLong(2500)
    })
    if (Object.keys(each).length > 0) errors.subscriptions = each
  }
  if (Object.keys(errors).length > 0) {
    const map: { [key: string]: unknown } = JSON.parse(JSON.stringify(errors))
    throw badRequestError('', map)
  }
  return { clientId, subscriptions }
}

function tooLong(max: number) {
  return validationError('validation_length_too_long', `The length must be no more than ${max}.`, {
    max,
    min: 0,
  })
}

/**
 * `POST /api/realtime` (§10.2): replaces the client's subscriptions and stores the request's
 * auth record on it → 204. 404 `Missing or invalid client id.` for an unknown client, 400
 * `Invalid realtime client.` when the IP differs from the connection's, 403 when the client
 * already has an auth record and this request is authenticated otherwise. A client held by
 * another worker process is reached through the bus.
 */
async function realtimeSetSubscriptions(c: Context<Env>): Promise<Response> {
  let data: { [key: string]: unknown }
  try {
    data = (await readRequestBody(c)).data
  } catch (err) {
    throw badRequestError('', undefined, { cause: err })
  }
  const form = validateForm(data)
  const app = c.get('app')
  const auth = c.get('auth')
  const ip = realIP(c)
  const client = app.realtime.broker.clientById(form.clientId)
  const event = new RealtimeSubscribeRequestEvent(
    app,
    client ?? null,
    form.subscriptions,
    buildRequestInfo(c, data),
  )
  await app.onRealtimeSubscribeRequest.trigger(event, async (e) => {
    let status: number
    if (client !== undefined) {
      status = applySubscriptions(app.realtime, client, e.subscriptions, auth, ip)
    } else {
      const answer = await app.realtime.bus.request({
        op: SUBSCRIBE_OP,
        clientId: form.clientId,
        subscriptions: e.subscriptions,
        auth: auth === null ? null : { collectionId: auth.collection.id, id: auth.id },
        ip,
      })
      status = typeof answer === 'number' ? answer : 404
    }
    if (status !== 204) throw statusError(status)
    e.response = c.body(null, 204)
  })
  return event.response ?? c.body(null, 204)
}

function statusError(status: number): ApiError {
  if (status === 400) return badRequestError('Invalid realtime client.')
  if (status === 403)
    return forbiddenError("The current and the previous request authorization don't match.")
  return notFoundError('Missing or invalid client id.')
}

/** Applies a subscribe request to a client of this process; returns the HTTP status. */
function applySubscriptions(
  hub: RealtimeHub,
  client: Client,
  subscriptions: readonly string[],
  auth: Record | null,
  ip: string,
): number {
  if (client.discarded) return 404
  if (client.ip !== ip) return 400
  const previous = client.get(CLIENT_AUTH_KEY) as Record | null | undefined
  if (previous && previous.id !== auth?.id) return 403
  client.set(CLIENT_AUTH_KEY, auth)
  client.setSubscriptions(hub.now(), subscriptions)
  return 204
}

/** The bus side of a subscribe request: answers only when the client is connected here. */
async function subscribeRemote(app: App, p: BusPayload): Promise<number | undefined> {
  const client = app.realtime.broker.clientById(String(p.clientId))
  if (client === undefined) return undefined
  const ref = p.auth as { collectionId: string; id: string } | null
  let auth: Record | null = null
  if (ref !== null) {
    if (app.sharesData) await app.refreshCaches()
    const collection = app.findCollection(ref.collectionId)
    auth =
      collection === undefined
        ? null
        : ((await findRecordById(app, collection, ref.id).catch(() => undefined)) ?? null)
  }
  return applySubscriptions(app.realtime, client, p.subscriptions as string[], auth, String(p.ip))
}
