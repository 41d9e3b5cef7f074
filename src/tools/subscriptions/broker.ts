import type { Client } from './client.ts'

/** Connection lifetime limits (PocketBase 0.38.2+, §10.1). */
export interface BrokerOptions {
  /** Close a client after this long without a delivered message (default 5 min). */
  readonly idleTimeoutMs?: number
  /** Close a client after this long in any case (default 30 min). */
  readonly maxLifetimeMs?: number
  /** How often the limits are checked (default 1 s). */
  readonly sweepIntervalMs?: number
  /**
   * Most bytes a client's stream may hold unsent (default 1 MiB, see {@link DEFAULT_MAX_BUFFERED_BYTES}):
   * a message that would go past it disconnects the client instead (its SDK reconnects).
   */
  readonly maxBufferedBytes?: number
  /**
   * How often a client on a transport that can ping (WebSocket) is pinged; one that has not
   * answered the previous ping is disconnected (default 30 s).
   */
  readonly keepAliveMs?: number
}

/**
 * The default per-client cap of unsent bytes (beyond PocketBase, which buffers without bound):
 * far above what a reading client ever queues in user space (the kernel's socket buffer takes
 * the bursts first), small enough that 10k stuck clients cannot exhaust memory.
 */
export const DEFAULT_MAX_BUFFERED_BYTES = 1 << 20

/**
 * The clients connected to this process (PocketBase `subscriptions.Broker`). One sweep timer
 * (not one timer per client) enforces the idle and lifetime limits, which keeps 10k+ idle
 * connections cheap. The timer is started with the first client and does not hold the process.
 */
export class Broker {
  readonly idleTimeoutMs: number
  readonly maxLifetimeMs: number
  /** The per-client cap of unsent bytes (may be tuned at runtime; read on each write). */
  maxBufferedBytes: number
  /** The ping interval of WebSocket clients in ms (may be tuned at runtime; read at connect). */
  keepAliveMs: number
  readonly #sweepIntervalMs: number
  readonly #clients = new Map<string, Client>()
  #timer: NodeJS.Timeout | undefined

  constructor(options: BrokerOptions = {}) {
    this.idleTimeoutMs = options.idleTimeoutMs ?? 5 * 60_000
    this.maxLifetimeMs = options.maxLifetimeMs ?? 30 * 60_000
    this.#sweepIntervalMs = options.sweepIntervalMs ?? 1000
    this.maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES
    this.keepAliveMs = options.keepAliveMs ?? 30_000
  }

  /** The number of registered clients. */
  get size(): number {
    return this.#clients.size
  }

  /** Every registered client (live view; copy before unregistering while iterating). */
  clients(): IterableIterator<Client> {
    return this.#clients.values()
  }

  /** The client with this id, or undefined. */
  clientById(id: string): Client | undefined {
    return this.#clients.get(id)
  }

  /** Registers a client. */
  register(client: Client): void {
    this.#clients.set(client.id, client)
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => this.sweep(), this.#sweepIntervalMs)
      this.#timer.unref()
    }
  }

  /** Unregisters a client and discards it (its stream is closed). */
  unregister(id: string): void {
    const client = this.#clients.get(id)
    if (client === undefined) return
    this.#clients.delete(id)
    client.discard()
    if (this.#clients.size === 0 && this.#timer !== undefined) {
      clearInterval(this.#timer)
      this.#timer = undefined
    }
  }

  /** Closes the clients past their idle or lifetime limit (called by the timer; `now` in ms). */
  sweep(now = Date.now()): void {
    for (const c of [...this.#clients.values()]) {
      if (now - c.lastMessageAt >= this.idleTimeoutMs || now - c.connectedAt >= this.maxLifetimeMs)
        this.unregister(c.id)
    }
  }

  /** Unregisters every client (server shutdown). */
  closeAll(): void {
    for (const id of [...this.#clients.keys()]) this.unregister(id)
  }
}
