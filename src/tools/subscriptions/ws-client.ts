/** The part of the WHATWG `WebSocket` the client uses (browsers, Node ≥ 22, Bun, or `ws`). */
export interface WebSocketLike {
  readonly readyState: number
  send(data: string): void
  close(code?: number, reason?: string): void
  onopen: ((ev: unknown) => void) | null
  onmessage: ((ev: { data: unknown }) => void) | null
  onclose: ((ev: unknown) => void) | null
  onerror: ((ev: unknown) => void) | null
}

/** A `WebSocket` constructor (`globalThis.WebSocket` by default). */
export type WebSocketConstructorLike = new (url: string) => WebSocketLike

/** Options of {@link RealtimeSocket}. */
export interface RealtimeSocketOptions {
  /**
   * The auth token sent on every (re)connect, as the SDK sends `pb.authStore.token`; a function
   * is called at each connect (so a refreshed token is picked up). Empty: a guest.
   */
  readonly token?: string | (() => string)
  /** The WebSocket implementation (default `globalThis.WebSocket`). */
  readonly WebSocket?: WebSocketConstructorLike
  /** Delays before reconnect attempts in ms, the last one repeating (default: the SDK's). */
  readonly reconnectDelays?: readonly number[]
}

/**
 * Options of one subscription, as the SDK's `subscribe(topic, callback, options)`: `query`
 * (e.g. `filter`, `expand`, `fields`, values for `@request.query.*`) and `headers` (for
 * `@request.headers.*`); any other key goes into `query`.
 */
export interface RealtimeSubscribeOptions {
  readonly query?: { readonly [key: string]: unknown }
  readonly headers?: { readonly [key: string]: string }
  readonly [key: string]: unknown
}

/** Why a request on the socket failed: the server's `error` frame (PocketBase's error shape). */
export class RealtimeSocketError extends Error {
  /** The HTTP-like status (400 invalid message, 401 invalid token, 403 superuser IP). */
  readonly status: number
  /** Field errors, e.g. `{topics: {0: {code, message}}}`. */
  readonly data: { readonly [key: string]: unknown }

  constructor(status: number, message: string, data: { readonly [key: string]: unknown } = {}) {
    super(message)
    this.name = 'RealtimeSocketError'
    this.status = status
    this.data = data
  }
}

type Listener = (data: never) => void

interface Pending {
  resolve(): void
  reject(err: Error): void
}

const SDK_RECONNECT_DELAYS = [200, 300, 500, 1000, 1200, 1500, 2000]
const OPEN = 1

/**
 * A realtime client over Satchel's WebSocket transport (beyond PocketBase; the message format
 * is in README "Realtime over WebSocket"). It mirrors the official SDK's `pb.realtime`: the
 * same topics and options (the subscription strings are built exactly as the SDK builds them,
 * so event names match), `subscribe` resolves once the server registered the subscription and
 * returns its unsubscribe function, `unsubscribe(topic?)` drops a topic with all its option
 * variants (or everything). One socket carries every subscription; it is opened on the first
 * subscribe, closed when the last one goes, and reopened after a drop with the SDK's backoff,
 * re-sending the token and every subscription (events in the gap are lost, as with the SDK).
 *
 * @example
 * const rt = new RealtimeSocket('http://127.0.0.1:8090', { token: () => pb.authStore.token })
 * const stop = await rt.subscribe('posts/*', (e) => console.log(e.action, e.record), { filter: 'published = true' })
 */
export class RealtimeSocket {
  /** The id the server gave this connection ("" while disconnected). */
  clientId = ''
  /** Called after an unexpected drop (before reconnecting), with the subscriptions held. */
  onDisconnect?: (subscriptions: string[]) => void
  readonly #url: string
  readonly #options: RealtimeSocketOptions
  readonly #listeners = new Map<string, Listener[]>()
  readonly #pending = new Map<number, Pending>()
  /** Requests cut by a drop: settled by the resync after the next connect. */
  #afterSync: Pending[] = []
  #ws: WebSocketLike | undefined
  /** Settles once connected and resynced; kept across failed attempts (waiters see the reconnect). */
  #ready: { promise: Promise<void>; resolve: () => void } | undefined
  /** True once the server sent `connect` and acked the resync, until the socket drops. */
  #synced = false
  #nextRef = 1
  #attempt = 0
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined
  #closedByUser = false
  #token: string | (() => string)

  /** `baseUrl` is the server's URL (`http(s)://…`, or relative to the page in a browser). */
  constructor(baseUrl: string, options: RealtimeSocketOptions = {}) {
    const here = (globalThis as { location?: { href: string } }).location?.href
    const url = new URL(`${baseUrl.replace(/\/+$/, '')}/api/realtime`, here)
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
    this.#url = url.href
    this.#options = options
    this.#token = options.token ?? ''
  }

  /** True while the socket is open and the server has acked the token and subscriptions. */
  get isConnected(): boolean {
    return this.#synced && this.#ws?.readyState === OPEN
  }

  /**
   * Subscribes `callback` to `topic` (`COLLECTION/*`, `COLLECTION/RECORD_ID`, or a custom topic)
   * with the SDK's options; resolves with a function that removes this one listener. Rejects
   * with a {@link RealtimeSocketError} when the server refuses the subscription.
   */
  async subscribe<T = unknown>(
    topic: string,
    callback: (data: T) => void,
    options?: RealtimeSubscribeOptions,
  ): Promise<() => Promise<void>> {
    if (topic === '') throw new Error('topic must be set.')
    const key = subscriptionKey(topic, options)
    const list = this.#listeners.get(key)
    const listener = callback as Listener
    if (list === undefined) this.#listeners.set(key, [listener])
    else list.push(listener)
    this.#closedByUser = false
    if (list === undefined) {
      try {
        await this.#request({ type: 'subscribe', topics: [key] })
      } catch (err) {
        this.#drop(key, listener)
        throw err
      }
    } else await this.#connect()
    return async () => {
      if (this.#drop(key, listener)) await this.#sendUnsubscribe([key])
    }
  }

  /**
   * Removes every listener of `topic` and of its option variants (`topic?options=…`), as the
   * SDK does; without a topic, every subscription (and the socket closes).
   */
  async unsubscribe(topic?: string): Promise<void> {
    const keys =
      topic === undefined
        ? [...this.#listeners.keys()]
        : this.#keysOf(topic.includes('?') ? topic : `${topic}?`)
    for (const k of keys) this.#listeners.delete(k)
    if (keys.length > 0) await this.#sendUnsubscribe(keys)
  }

  /** Sets the token (empty: a guest) and sends it now when connected (else on connect). */
  async authenticate(token: string): Promise<void> {
    this.#token = token
    if (this.#ws !== undefined) await this.#request({ type: 'auth', token })
  }

  /** Closes the socket and forgets every subscription. */
  close(): void {
    this.#listeners.clear()
    this.#disconnect()
  }

  #keysOf(prefix: string): string[] {
    return [...this.#listeners.keys()].filter((k) => `${k}?`.startsWith(prefix))
  }

  /** Removes one listener; true when its key has no listener left. */
  #drop(key: string, listener: Listener): boolean {
    const list = this.#listeners.get(key)
    if (list === undefined) return false
    const i = list.indexOf(listener)
    if (i >= 0) list.splice(i, 1)
    if (list.length > 0) return false
    this.#listeners.delete(key)
    return true
  }

  async #sendUnsubscribe(keys: string[]): Promise<void> {
    if (this.#listeners.size === 0) {
      this.#disconnect()
      return
    }
    if (this.#ws !== undefined) await this.#request({ type: 'unsubscribe', topics: keys })
  }

  #disconnect(): void {
    this.#closedByUser = true
    clearTimeout(this.#reconnectTimer)
    this.#reconnectTimer = undefined
    const ws = this.#ws
    this.#ws = undefined
    this.clientId = ''
    ws?.close(1000)
    for (const p of [...this.#pending.values(), ...this.#afterSync]) p.resolve()
    this.#pending.clear()
    this.#afterSync = []
    this.#synced = false
    this.#ready?.resolve()
    this.#ready = undefined
  }

  /** Sends one request once connected; settles with the server's `ok` / `error` reply. */
  async #request(frame: { readonly type: string; readonly [key: string]: unknown }): Promise<void> {
    await this.#connect()
    const ws = this.#ws
    if (ws === undefined) return
    await new Promise<void>((resolve, reject) => {
      if (ws.readyState !== OPEN || this.clientId === '') {
        // dropped meanwhile: the resync after the reconnect sends the state again
        this.#afterSync.push({ resolve, reject })
        return
      }
      const ref = this.#nextRef++
      this.#pending.set(ref, { resolve, reject })
      ws.send(JSON.stringify({ ...frame, ref }))
    })
  }

  /**
   * Resolves once connected (the server sent `connect` and the resync was acked), opening the
   * socket unless it is open or a reconnect is scheduled.
   */
  #connect(): Promise<void> {
    this.#closedByUser = false
    if (this.#synced) return Promise.resolve()
    if (this.#ready === undefined) {
      let resolve!: () => void
      const promise = new Promise<void>((r) => {
        resolve = r
      })
      this.#ready = { promise, resolve }
    }
    if (this.#ws === undefined && this.#reconnectTimer === undefined) this.#open()
    return this.#ready.promise
  }

  #open(): void {
    const Ctor =
      this.#options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructorLike }).WebSocket
    if (Ctor === undefined) throw new Error('No WebSocket implementation: pass options.WebSocket.')
    const ws = new Ctor(this.#url)
    this.#ws = ws
    ws.onmessage = (ev) => this.#receive(ws, ev.data)
    ws.onclose = () => this.#closed(ws)
    ws.onerror = () => {}
  }

  #receive(ws: WebSocketLike, raw: unknown): void {
    if (ws !== this.#ws || typeof raw !== 'string') return
    let frame: { type?: string; ref?: number; topic?: string; data?: unknown; clientId?: string }
    try {
      frame = JSON.parse(raw)
    } catch {
      return
    }
    if (frame.type === 'event') {
      for (const l of this.#listeners.get(frame.topic ?? '') ?? []) l(frame.data as never)
    } else if (frame.type === 'connect') {
      this.clientId = frame.clientId ?? ''
      this.#attempt = 0
      void this.#resync(ws).then(() => {
        if (ws !== this.#ws) return
        this.#synced = true
        this.#ready?.resolve()
        this.#ready = undefined
      })
    } else if (frame.type === 'ok' || frame.type === 'error') {
      const p = this.#pending.get(frame.ref ?? 0)
      if (p === undefined) return
      this.#pending.delete(frame.ref ?? 0)
      if (frame.type === 'ok') p.resolve()
      else {
        const e = frame as { status?: number; message?: string; data?: { [key: string]: unknown } }
        p.reject(new RealtimeSocketError(e.status ?? 400, e.message ?? '', e.data))
      }
    }
  }

  /** After `connect`: the token, then every subscription; then the requests cut by a drop settle. */
  async #resync(ws: WebSocketLike): Promise<void> {
    const send = (frame: { [key: string]: unknown }) =>
      new Promise<void>((resolve, reject) => {
        const ref = this.#nextRef++
        this.#pending.set(ref, { resolve, reject })
        ws.send(JSON.stringify({ ...frame, ref }))
      })
    const token = typeof this.#token === 'function' ? this.#token() : this.#token
    const waits: Promise<void>[] = []
    if (token !== '') waits.push(send({ type: 'auth', token }))
    if (this.#listeners.size > 0)
      waits.push(send({ type: 'subscribe', topics: [...this.#listeners.keys()] }))
    const settled = await Promise.allSettled(waits)
    const failed = settled.find((s) => s.status === 'rejected')
    for (const p of this.#afterSync.splice(0)) {
      if (failed === undefined) p.resolve()
      else p.reject(failed.reason as Error)
    }
  }

  #closed(ws: WebSocketLike): void {
    if (ws !== this.#ws) return
    this.#ws = undefined
    // NOTE: waiters of an unfinished connect (#ready) keep waiting for the reconnect
    this.#synced = false
    this.clientId = ''
    this.#afterSync.push(...this.#pending.values())
    this.#pending.clear()
    if (this.#closedByUser || this.#listeners.size === 0) return
    this.onDisconnect?.([...this.#listeners.keys()])
    const delays = this.#options.reconnectDelays ?? SDK_RECONNECT_DELAYS
    const delay = delays[Math.min(this.#attempt, delays.length - 1)] ?? 1000
    this.#attempt++
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined
      if (this.#ws === undefined && !this.#closedByUser) this.#open()
    }, delay)
  }
}

/**
 * The subscription string the SDK builds for `topic` and `options` (keys other than `query` and
 * `headers` go into `query`): `topic?options=<urlencoded {"query":…,"headers":…}>`.
 */
export function subscriptionKey(topic: string, options?: RealtimeSubscribeOptions): string {
  if (options === undefined) return topic
  const query: { [key: string]: unknown } = { ...options.query }
  for (const [k, v] of Object.entries(options)) if (k !== 'query' && k !== 'headers') query[k] = v
  const encoded = `options=${encodeURIComponent(JSON.stringify({ query, headers: options.headers }))}`
  return topic + (topic.includes('?') ? '&' : '?') + encoded
}
