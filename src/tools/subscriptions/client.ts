import { randomString } from '../security/random.ts'
import { type Message, sseFrame } from './message.ts'
import { parseSubscriptionOptions, type SubscriptionOptions } from './options.ts'

/** Where a client's framed messages go (an SSE response). */
export interface ClientSink {
  /** Writes one framed message. */
  write(chunk: string): void
  /** Ends the stream (idempotent). */
  close(): void
}

const CLIENT_ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

/**
 * One connected realtime client (PocketBase `subscriptions.Client`): a 40-character
 * `[A-Za-z0-9]` id, the IP it connected from, its subscriptions (each parsed once into
 * options) and a small key/value store (the auth record lives there). Transport-agnostic: it
 * writes SSE frames to a {@link ClientSink}.
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

  /** Adds subscriptions (empty strings ignored); the options of each are parsed once. */
  subscribe(...subscriptions: string[]): void {
    for (const s of subscriptions) {
      if (s !== '') this.#subscriptions.set(s, parseSubscriptionOptions(s))
    }
  }

  /** Removes the given subscriptions, or all of them when none is given. */
  unsubscribe(...subscriptions: string[]): void {
    if (subscriptions.length === 0) this.#subscriptions.clear()
    for (const s of subscriptions) this.#subscriptions.delete(s)
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

  /** Frames and writes a message (ignored once discarded); resets the idle timer. */
  send(message: Message): void {
    if (this.#discarded) return
    this.lastMessageAt = Date.now()
    this.#sink.write(sseFrame(this.id, message))
  }

  /** Marks the client discarded and ends its stream. */
  discard(): void {
    if (this.#discarded) return
    this.#discarded = true
    this.#sink.close()
  }
}
