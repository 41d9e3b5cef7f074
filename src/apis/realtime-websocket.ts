import { upgradeWebSocket, type WebSocketLike } from '@hono/node-server'
import type { Context, MiddlewareHandler } from 'hono'
import type { WebSocket } from 'ws'
import type { App } from '../core/app.ts'
import type { Record } from '../core/record-model.ts'
import { findAuthRecordByToken } from '../core/record-tokens.ts'
import {
  type ApiError,
  badRequestError,
  forbiddenError,
  unauthorizedError,
} from '../tools/router/api-error.ts'
import { Client } from '../tools/subscriptions/client.ts'
import { wsFrame } from '../tools/subscriptions/message.ts'
import { validationError } from '../tools/validation/validation-errors.ts'
import { realIP } from './health.ts'
import { type Env, superuserIPAllowed } from './middlewares.ts'
import { CLIENT_AUTH_KEY } from './realtime-broadcast.ts'

/** Most subscriptions one client may hold, and most characters of one (as `POST /api/realtime`). */
const MAX_SUBSCRIPTIONS = 1000
const MAX_SUBSCRIPTION_LENGTH = 2500

/** How long a closing socket may take to answer the close frame before it is cut (ms). */
const CLOSE_GRACE_MS = 2000

/** One message of a client, as parsed (anything else is a 400 `error` frame). */
interface ClientFrame {
  readonly type: string
  readonly ref?: unknown
  readonly topics?: unknown
  readonly token?: unknown
}

/**
 * The WebSocket side of `GET /api/realtime` (beyond PocketBase, see README "Realtime over
 * WebSocket"): a request with `Upgrade: websocket` is upgraded, any other goes on to the SSE
 * handler. The socket is one realtime client of the app's broker, like an SSE connection, so
 * the same topics, options, rules, events, auth sync, lifetime limits and per-client cap of
 * unsent bytes apply; subscribe/unsubscribe/auth are messages on the socket instead of
 * `POST /api/realtime`. Auth: the upgrade request's `Authorization` header, then `auth`
 * messages. Keep-alive: a protocol ping every `broker.keepAliveMs`; a socket that did not answer
 * the previous one is cut. Needs the server made by `startServer` (it hands upgrades to Hono);
 * elsewhere the upgrade answers 500.
 */
export function realtimeWebSocket(): MiddlewareHandler<Env> {
  return upgradeWebSocket((c: Context<Env>) => {
    const app = c.get('app')
    let session: Session | undefined
    return {
      onOpen: (_evt, ws) => {
        session = new Session(app, ws.raw as WebSocket & WebSocketLike, c)
      },
      onMessage: (evt) => session?.receive(evt.data),
      onClose: () => session?.closed(),
    }
  })
}

/** One upgraded socket and its realtime client. */
class Session {
  readonly #app: App
  readonly #ws: WebSocket
  readonly #client: Client
  readonly #ip: string
  /** May a superuser token be used from this IP (`settings.superuserIPs`)? */
  readonly #superuserAllowed: boolean
  #overflowed = false
  #alive = true
  readonly #keepAlive: NodeJS.Timeout
  /** Messages are handled one after the other (an `auth` awaits the database). */
  #queue: Promise<void> = Promise.resolve()

  constructor(app: App, ws: WebSocket, c: Context<Env>) {
    this.#app = app
    this.#ws = ws
    this.#ip = realIP(c)
    this.#superuserAllowed = superuserIPAllowed(c)
    const broker = app.realtime.broker
    this.#client = new Client(
      {
        write: (message) => {
          const frame = wsFrame(message)
          // NOTE: the same cap as SSE (issue 10 item 7): a socket that does not read is cut,
          // dropping what is queued; the client reconnects.
          if (ws.bufferedAmount + frame.length > broker.maxBufferedBytes) {
            this.#overflowed = true
            broker.unregister(this.#client.id)
            return
          }
          ws.send(frame, { binary: false })
        },
        close: () => this.#close(),
        bufferedBytes: () => ws.bufferedAmount,
      },
      this.#ip,
    )
    this.#client.set(CLIENT_AUTH_KEY, c.get('auth'))
    ws.on('pong', () => this.#heard())
    this.#keepAlive = setInterval(() => {
      if (!this.#alive) {
        ws.terminate()
        return
      }
      this.#alive = false
      ws.ping()
    }, broker.keepAliveMs)
    this.#keepAlive.unref()
    broker.register(this.#client)
    ws.send(JSON.stringify({ type: 'connect', clientId: this.#client.id }))
  }

  /** Handles one text frame of the client (in order). */
  receive(data: unknown): void {
    this.#heard()
    this.#queue = this.#queue.then(() => this.#handle(data)).catch(() => {})
  }

  /** The socket closed (either side): the client is unregistered. */
  closed(): void {
    clearInterval(this.#keepAlive)
    this.#app.realtime.broker.unregister(this.#client.id)
  }

  #heard(): void {
    this.#alive = true
    // NOTE: a socket that answers pings is not idle: the broker's idle limit is for SSE
    // streams, whose dead peers only show on a write.
    this.#client.lastMessageAt = Date.now()
  }

  #close(): void {
    clearInterval(this.#keepAlive)
    if (this.#overflowed) {
      this.#ws.terminate()
      return
    }
    this.#ws.close(1001, 'realtime client closed')
    setTimeout(() => this.#ws.terminate(), CLOSE_GRACE_MS).unref()
  }

  #reply(frame: { [key: string]: unknown }): void {
    if (this.#client.discarded) return
    this.#ws.send(JSON.stringify(frame))
  }

  async #handle(data: unknown): Promise<void> {
    let frame: ClientFrame
    try {
      if (typeof data !== 'string') throw new Error('binary frame')
      const parsed: unknown = JSON.parse(data)
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('not an object')
      frame = parsed as ClientFrame
    } catch {
      this.#reply({
        type: 'error',
        ref: null,
        ...badRequestError('Invalid realtime message: expected a JSON object.').toJSON(),
      })
      return
    }
    const ref = frame.ref ?? null
    try {
      switch (frame.type) {
        case 'subscribe':
          this.#subscribe(frame.topics)
          break
        case 'unsubscribe':
          this.#unsubscribe(frame.topics)
          break
        case 'auth':
          await this.#authenticate(frame.token)
          break
        case 'ping':
          this.#reply({ type: 'pong', ref })
          return
        default:
          throw badRequestError(`Unknown realtime message type "${String(frame.type)}".`)
      }
      this.#reply({ type: 'ok', ref })
    } catch (err) {
      const e = err as ApiError
      this.#reply({ type: 'error', ref, ...e.toJSON() })
    }
  }

  /** Adds subscriptions (validated like `POST /api/realtime`), effective from now. */
  #subscribe(topics: unknown): void {
    const list = topicList(topics)
    const fresh = list.filter((t) => !this.#client.hasSubscription(t))
    if (this.#client.subscriptions().size + new Set(fresh).size > MAX_SUBSCRIPTIONS)
      throw badRequestError('', JSON.parse(JSON.stringify({ topics: tooLong(MAX_SUBSCRIPTIONS) })))
    this.#client.subscribeAt(this.#app.realtime.now(), ...list)
  }

  /** Removes the given subscriptions, or all of them when `topics` is missing or empty. */
  #unsubscribe(topics: unknown): void {
    this.#client.unsubscribe(...(topics === undefined ? [] : topicList(topics)))
  }

  /** Replaces the client's auth record by the token's (`""` or null: a guest). */
  async #authenticate(token: unknown): Promise<void> {
    if (token === '' || token === null || token === undefined) {
      this.#client.set(CLIENT_AUTH_KEY, null)
      return
    }
    if (typeof token !== 'string') throw badRequestError('The token must be a string.')
    const raw =
      token.length > 7 && token.slice(0, 7).toLowerCase() === 'bearer ' ? token.slice(7) : token
    const found = await findAuthRecordByToken(this.#app, raw.trim())
    if (found === undefined) throw unauthorizedError('The token is invalid or has expired.')
    const auth: Record = found.record
    if (auth.collection.name === '_superusers' && !this.#superuserAllowed) throw forbiddenError()
    this.#client.set(CLIENT_AUTH_KEY, auth)
  }
}

/** The `topics` of a subscribe/unsubscribe message: an array of ≤ 2500-character strings. */
function topicList(topics: unknown): string[] {
  if (!Array.isArray(topics) || topics.some((t) => typeof t !== 'string'))
    throw badRequestError(
      '',
      JSON.parse(
        JSON.stringify({
          topics: validationError('validation_invalid_value', 'Must be an array of strings.'),
        }),
      ),
    )
  const each: { [index: string]: unknown } = {}
  topics.forEach((t: string, i) => {
    if ([...t].length > MAX_SUBSCRIPTION_LENGTH) each[String(i)] = tooLong(MAX_SUBSCRIPTION_LENGTH)
  })
  if (Object.keys(each).length > 0)
    throw badRequestError('', JSON.parse(JSON.stringify({ topics: each })))
  return (topics as string[]).filter((t) => t !== '')
}

function tooLong(max: number) {
  return validationError('validation_length_too_long', `The length must be no more than ${max}.`, {
    max,
    min: 0,
  })
}
