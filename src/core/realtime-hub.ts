import { Broker, type BrokerOptions } from '../tools/subscriptions/broker.ts'
import { type Bus, type BusPayload, LocalBus } from '../tools/subscriptions/bus.ts'
import type { Client } from '../tools/subscriptions/client.ts'
import type { Message } from '../tools/subscriptions/message.ts'

const SEND_OP = 'send'

/** Handles one kind (`op`) of bus message or request. */
export type HubHandler = (payload: BusPayload) => Promise<unknown> | unknown

/**
 * The realtime state of one app in this process (PocketBase `app.SubscriptionsBroker()`), owned
 * by the app as `app.realtime` (transaction-bound copies share it): the broker of the clients
 * connected here, the bus to the other processes serving the same data dir, and the queue that
 * delivers record events in order. Bus messages are dispatched by their `op` key to registered
 * handlers; the cross-process side of `sendClientMessage` is registered from the start.
 */
export class RealtimeHub {
  readonly broker: Broker
  #bus: Bus = new LocalBus()
  readonly #messageOps = new Map<string, HubHandler>()
  readonly #requestOps = new Map<string, HubHandler>()
  #lastStamp = 0
  #queue: Promise<void> = Promise.resolve()
  /**
   * Writes a custom message to a client of this process; the app routes it through
   * `onRealtimeMessageSend`.
   */
  sender: (client: Client, message: Message) => void = (client, message) => client.send(message)

  constructor(options: BrokerOptions = {}) {
    this.broker = new Broker(options)
    this.#listen()
    this.handleRequest(SEND_OP, (p) =>
      sendLocal(this, p.target as ClientMessageTarget, p.message as Message) ? true : undefined,
    )
  }

  /**
   * Runs `fn` after every task enqueued before it (one delivery queue per process, so record
   * events keep their order); a failing task does not stop the queue. Resolves when `fn` is done.
   */
  enqueue(fn: () => Promise<void>): Promise<void> {
    const next = this.#queue.then(fn).catch(() => {})
    this.#queue = next
    return next
  }

  /**
   * A strictly increasing stamp of "now" in ms (fractional: `performance.timeOrigin +
   * performance.now()`), comparable between the processes of one machine. Record events carry
   * the stamp of their commit and subscriptions the stamp of when they were set, so an event
   * goes only to subscriptions that existed at its commit, however late the fan-out runs.
   */
  now(): number {
    const t = performance.timeOrigin + performance.now()
    // NOTE: two calls in the same microsecond must still order (a subscribe right after a commit).
    this.#lastStamp = t > this.#lastStamp ? t : this.#lastStamp + 0.001
    return this.#lastStamp
  }

  /** The current bus (a LocalBus until `useBus`). */
  get bus(): Bus {
    return this.#bus
  }

  /** Replaces the bus (e.g. with the cluster IPC bus in a `serve --workers` process). */
  useBus(bus: Bus): void {
    this.#bus.close()
    this.#bus = bus
    this.#listen()
  }

  /** Registers the handler of published messages whose `op` is `op`. */
  handleMessage(op: string, handler: HubHandler): void {
    this.#messageOps.set(op, handler)
  }

  /** Registers the handler of requests whose `op` is `op` (undefined answer = "not here"). */
  handleRequest(op: string, handler: HubHandler): void {
    this.#requestOps.set(op, handler)
  }

  /**
   * Sends a custom message to one realtime client by id, wherever it is connected (this process
   * or, through the bus, another worker). This is the `@oauth2` seam (§6.8): the OAuth2 redirect
   * handler calls it with `{clientId: state, subscription: '@oauth2', ip, unsubscribe: true}` and
   * message `{name: '@oauth2', data: JSON.stringify({state, code[, error]})}`. Resolves true when
   * a qualifying (existing, not discarded, matching) client got it.
   */
  async sendClientMessage(target: ClientMessageTarget, message: Message): Promise<boolean> {
    if (sendLocal(this, target, message)) return true
    const answer = await this.#bus.request({ op: SEND_OP, target, message })
    return answer === true
  }

  #listen(): void {
    this.#bus.onMessage((payload) => {
      const h = this.#messageOps.get(String(payload.op))
      if (h !== undefined) void Promise.resolve(h(payload)).catch(() => {})
    })
    this.#bus.onRequest((payload) => this.#requestOps.get(String(payload.op))?.(payload))
  }
}

/** The data of a custom message sent with {@link RealtimeHub.sendClientMessage}. */
export interface ClientMessageTarget {
  /** The realtime client id (for OAuth2: the `state`). */
  readonly clientId: string
  /** Only a client subscribed to exactly this topic qualifies (e.g. `@oauth2`). */
  readonly subscription?: string
  /** Only a client connected from this IP qualifies. */
  readonly ip?: string
  /** Unsubscribe `subscription` after sending (the OAuth2 redirect does). */
  readonly unsubscribe?: boolean
}

function sendLocal(hub: RealtimeHub, target: ClientMessageTarget, message: Message): boolean {
  const client: Client | undefined = hub.broker.clientById(target.clientId)
  if (client === undefined || client.discarded) return false
  if (target.ip !== undefined && client.ip !== target.ip) return false
  if (target.subscription !== undefined && !client.hasSubscription(target.subscription))
    return false
  hub.sender(client, message)
  if (target.unsubscribe && target.subscription !== undefined)
    client.unsubscribe(target.subscription)
  return true
}
