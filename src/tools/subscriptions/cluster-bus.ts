import type { Worker } from 'node:cluster'
import type { Bus, BusMessageHandler, BusPayload, BusRequestHandler } from './bus.ts'

/**
 * The IPC envelope of the cluster bus. Workers and the primary only exchange these through
 * `process.send` / `worker.send`; the `satchelBus` tag keeps them apart from other messages.
 */
type Envelope =
  /** Published messages of one sender, in order (one IPC message per event-loop turn). */
  | { satchelBus: 'pub'; payloads: BusPayload[] }
  | { satchelBus: 'req'; id: number; payload: BusPayload }
  | { satchelBus: 'res'; id: number; found: boolean; payload?: unknown }

function isEnvelope(msg: unknown): msg is Envelope {
  return typeof msg === 'object' && msg !== null && 'satchelBus' in msg
}

/** Default time a request waits for the other workers (ms). */
const REQUEST_TIMEOUT_MS = 5000

/**
 * The worker side of the node:cluster bus: messages go to the primary over IPC, which relays
 * them to the other workers ({@link relayClusterBus}). Only valid in a cluster worker.
 */
export class ClusterBus implements Bus {
  #onMessage: BusMessageHandler = () => {}
  #onRequest: BusRequestHandler = () => undefined
  #nextId = 1
  readonly #pending = new Map<number, (value: unknown) => void>()
  /** Published messages not sent yet (see {@link publish}). */
  #outbox: BusPayload[] = []
  readonly #flush = () => this.flush()
  readonly #listener = (msg: unknown) => void this.#receive(msg)

  constructor() {
    if (process.send === undefined) throw new Error('ClusterBus needs an IPC channel.')
    process.on('message', this.#listener)
  }

  /**
   * Sends to every other worker (relayed by the primary). The messages published during one
   * event-loop turn travel as one IPC message at the end of the turn: one `process.send` per
   * record event cost a worker about as much CPU as the create request itself under load.
   */
  publish(payload: BusPayload): void {
    if (this.#outbox.push(payload) === 1) setImmediate(this.#flush)
  }

  /** Sends the published messages not sent yet now (before exiting, or ahead of a request). */
  flush(): void {
    if (this.#outbox.length === 0) return
    const payloads = this.#outbox
    this.#outbox = []
    this.#send({ satchelBus: 'pub', payloads })
  }

  /** Asks every other worker; the primary gathers the answers and returns the first defined one. */
  request(payload: BusPayload, timeoutMs = REQUEST_TIMEOUT_MS): Promise<unknown> {
    const id = this.#nextId++
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id)
        resolve(undefined)
      }, timeoutMs)
      this.#pending.set(id, (value) => {
        clearTimeout(timer)
        resolve(value)
      })
      // NOTE: what was published before the request reaches the other workers before it
      this.flush()
      this.#send({ satchelBus: 'req', id, payload })
    })
  }

  /** Sets the published-message handler. */
  onMessage(handler: BusMessageHandler): void {
    this.#onMessage = handler
  }

  /** Sets the request handler. */
  onRequest(handler: BusRequestHandler): void {
    this.#onRequest = handler
  }

  /** Sends what is still unsent, then stops listening (pending requests resolve undefined at their timeout). */
  close(): void {
    this.flush()
    process.off('message', this.#listener)
  }

  #send(envelope: Envelope): void {
    if (process.connected) process.send?.(envelope)
  }

  async #receive(msg: unknown): Promise<void> {
    if (!isEnvelope(msg)) return
    if (msg.satchelBus === 'pub') {
      for (const payload of msg.payloads) this.#onMessage(payload)
    } else if (msg.satchelBus === 'req') {
      let answer: unknown
      try {
        answer = await this.#onRequest(msg.payload)
      } catch {
        answer = undefined
      }
      this.#send({ satchelBus: 'res', id: msg.id, found: answer !== undefined, payload: answer })
    } else {
      const resolve = this.#pending.get(msg.id)
      this.#pending.delete(msg.id)
      resolve?.(msg.found ? msg.payload : undefined)
    }
  }
}

/** A request being gathered by the primary. */
interface Gather {
  readonly from: Worker
  readonly requestId: number
  waiting: number
  readonly timer: NodeJS.Timeout
}

/**
 * The primary side of the node:cluster bus: call once per forked worker with a function giving
 * the current workers. Published messages are forwarded to every other connected worker; a
 * request is forwarded to every other worker and the first "found" answer (or "not found" once
 * all answered, or after the timeout) goes back to the requester. Per-sender order is kept
 * (IPC channels are ordered and the primary relays synchronously).
 */
export function relayClusterBus(worker: Worker, workers: () => readonly Worker[]): void {
  worker.on('message', (msg: unknown) => {
    if (!isEnvelope(msg)) return
    if (msg.satchelBus === 'pub') {
      for (const w of workers()) if (w !== worker && w.isConnected()) w.send(msg)
    } else if (msg.satchelBus === 'req') {
      const peers = workers().filter((w) => w !== worker && w.isConnected())
      if (peers.length === 0) {
        reply(worker, { satchelBus: 'res', id: msg.id, found: false })
        return
      }
      const gid = nextGatherId++
      const gather: Gather = {
        from: worker,
        requestId: msg.id,
        waiting: peers.length,
        timer: setTimeout(() => finish(gid, false), REQUEST_TIMEOUT_MS),
      }
      gathers.set(gid, gather)
      for (const w of peers) w.send({ satchelBus: 'req', id: gid, payload: msg.payload })
    } else {
      const gather = gathers.get(msg.id)
      if (gather === undefined) return
      if (msg.found) finish(msg.id, true, msg.payload)
      else if (--gather.waiting === 0) finish(msg.id, false)
    }
  })
  worker.on('exit', () => {
    // NOTE: a worker that dies before answering counts as "not found".
    for (const [gid, g] of gathers) if (g.from === worker) finish(gid, false)
  })
}

let nextGatherId = 1
const gathers = new Map<number, Gather>()

function finish(gid: number, found: boolean, payload?: unknown): void {
  const g = gathers.get(gid)
  if (g === undefined) return
  gathers.delete(gid)
  clearTimeout(g.timer)
  reply(g.from, { satchelBus: 'res', id: g.requestId, found, payload })
}

function reply(worker: Worker, envelope: Envelope): void {
  if (worker.isConnected()) worker.send(envelope)
}
