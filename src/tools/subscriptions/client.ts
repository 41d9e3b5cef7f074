import { randomString } from '../security/random.ts'
import type { Message } from './message.ts'
import { parseSubscriptionOptions, type SubscriptionOptions } from './options.ts'

/** Where a client's messages go (an SSE response or a WebSocket), framed by the sink. */
export interface ClientSink {
  /** Frames and writes one message (e.g. with `sseFrame` or `wsFrame`). */
  write(message: Message): void
  /** Ends the stream (idempotent). */
  close(): void
  /** Bytes written but not yet handed to the network (0 when the sink cannot tell). */
  bufferedBytes?(): number
}

const CLIENT_ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

/**
 * One connected realtime client (PocketBase `subscriptions.Client`): a 40-character
 * `[A-Za-z0-9]` id, the IP it connected from, its subscriptions (each parsed once into
 * options) and a small key/value store (the auth record lives there). Transport-agnostic: its
 * {@link ClientSink} frames and writes the messages.
 */
export class Client {
  readonly id: string
  /** The real IP of the SSE connection ("" when unknown). */
  readonly ip: string
  /** `Date.now()` at connection. */
  readonly connectedAt: number
  /** `Date.now()` of the last delivered message (idle timeout). */
  lastMessageAt: number
  #discarded = false
  readonly #sink: ClientSink
  readonly #subscriptions = new Map<string, SubscriptionOptions>()
  /** When each subscription was set (a stamp of `RealtimeHub.now()`), for `subscribedBefore`. */
  readonly #since = new Map<string, number>()
  readonly #data = new Map<string, unknown>()

  constructor(sink: ClientSink, ip = '', id = randomString(40, CLIENT_ID_ALPHABET)) {
    this.#sink = sink
    this.ip = ip
    this.id = id
    this.connectedAt = Date.now()
    this.lastMessageAt = this.connectedAt
  }

  /** True once the client was discarded (disconnected or timed out): it receives nothing more. */
  get discarded(): boolean {
    return this.#discarded
  }

  /**
   * Adds subscriptions (empty strings ignored); the options of each are parsed once. `at` is
   * when they take effect (a stamp of the hub's clock; default: before any event) — a
   * subscription the client already has keeps its earlier stamp.
   */
  subscribe(...subscriptions: string[]): void {
    this.subscribeAt(Number.NEGATIVE_INFINITY, ...subscriptions)
  }

  /** {@link subscribe} with the stamp `at` of when the subscriptions were set. */
  subscribeAt(at: number, ...subscriptions: string[]): void {
    for (const s of subscriptions) {
      if (s === '' || this.#subscriptions.has(s)) continue
      this.#subscriptions.set(s, parseSubscriptionOptions(s))
      this.#since.set(s, at)
    }
  }

  /**
   * Replaces every subscription with `subscriptions` (PocketBase's `POST /api/realtime`), set at
   * `at`; the ones the client keeps keep their stamps, so re-posting the full list (as the SDKs
   * do on each `subscribe`) does not drop events of writes committed while they existed.
   */
  setSubscriptions(at: number, subscriptions: readonly string[]): void {
    const keep = new Set(subscriptions)
    for (const s of [...this.#subscriptions.keys()]) if (!keep.has(s)) this.unsubscribe(s)
    this.subscribeAt(at, ...subscriptions)
  }

  /** Removes the given subscriptions, or all of them when none is given. */
  unsubscribe(...subscriptions: string[]): void {
    if (subscriptions.length === 0) {
      this.#subscriptions.clear()
      this.#since.clear()
    }
    for (const s of subscriptions) {
      this.#subscriptions.delete(s)
      this.#since.delete(s)
    }
  }

  /**
   * True when `subscription` was set strictly before `at` (an event's commit stamp): an event
   * goes only to subscriptions that existed when its write committed.
   */
  subscribedBefore(subscription: string, at: number): boolean {
    const since = this.#since.get(subscription)
    return since !== undefined && since < at
  }

  /** True when subscribed to exactly `subscription`. */
  hasSubscription(subscription: string): boolean {
    return this.#subscriptions.has(subscription)
  }

  /** Every subscription with its options. */
  subscriptions(): ReadonlyMap<string, SubscriptionOptions> {
    return this.#subscriptions
  }

  /**
   * The subscriptions matching any of `prefixes` by PocketBase's test: `subscription + "?"`
   * starts with the prefix (so `posts/*` and `posts/*?options=…` both match `posts/*?`).
   */
  matching(prefixes: readonly string[]): [string, SubscriptionOptions][] {
    const out: [string, SubscriptionOptions][] = []
    for (const entry of this.#subscriptions) {
      const key = `${entry[0]}?`
      if (prefixes.some((p) => key.startsWith(p))) out.push(entry)
    }
    return out
  }

  /** A stored value (e.g. `auth`). */
  get(key: string): unknown {
    return this.#data.get(key)
  }

  /** Stores a value; `undefined` removes it. */
  set(key: string, value: unknown): void {
    if (value === undefined) this.#data.delete(key)
    else this.#data.set(key, value)
  }

  /** Bytes of this client's stream not yet handed to the network (a slow or stuck reader). */
  get bufferedBytes(): number {
    return this.#sink.bufferedBytes?.() ?? 0
  }

  /** Sends a message through the sink (ignored once discarded); resets the idle timer. */
  send(message: Message): void {
    if (this.#discarded) return
    this.lastMessageAt = Date.now()
    this.#sink.write(message)
  }

  /** Marks the client discarded and ends its stream. */
  discard(): void {
    if (this.#discarded) return
    this.#discarded = true
    this.#sink.close()
  }
}
