/** A message body carried by a {@link Bus}: plain JSON-serialisable data. */
export type BusPayload = { readonly [key: string]: unknown }

/** Receives messages published by other processes. */
export type BusMessageHandler = (payload: BusPayload) => void

/**
 * Answers a request from another process: a defined value means "handled here" (it is sent back
 * to the requester); undefined means "not mine".
 */
export type BusRequestHandler = (payload: BusPayload) => Promise<unknown> | unknown

/**
 * The cross-process channel of the realtime broker: every process serving the same data dir
 * publishes record events to the others, and forwards requests about clients it doesn't hold
 * (e.g. a `POST /api/realtime` that reached another worker than the SSE connection). Messages
 * from one sender arrive in order. Implementations: {@link LocalBus} (one process) and the
 * node:cluster IPC bus (`cluster-bus.ts`); a PostgreSQL LISTEN/NOTIFY or NATS bus can implement
 * the same interface.
 */
export interface Bus {
  /** Sends `payload` to every other process (never back to this one). */
  publish(payload: BusPayload): void
  /**
   * Asks every other process; resolves with the first defined answer, or undefined when all
   * answered undefined (or none answered within `timeoutMs`).
   */
  request(payload: BusPayload, timeoutMs?: number): Promise<unknown>
  /** Sets the handler of published messages (one per bus). */
  onMessage(handler: BusMessageHandler): void
  /** Sets the handler of requests (one per bus). */
  onRequest(handler: BusRequestHandler): void
  /** Stops listening. */
  close(): void
}

/** The bus of a single process: there is nobody to talk to. */
export class LocalBus implements Bus {
  /** Does nothing. */
  publish(_payload: BusPayload): void {}
  /** Resolves undefined: no other process holds anything. */
  request(_payload: BusPayload): Promise<unknown> {
    return Promise.resolve(undefined)
  }
  /** Does nothing. */
  onMessage(_handler: BusMessageHandler): void {}
  /** Does nothing. */
  onRequest(_handler: BusRequestHandler): void {}
  /** Does nothing. */
  close(): void {}
}
