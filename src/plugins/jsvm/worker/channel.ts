import { type MessagePort, receiveMessageOnPort } from 'node:worker_threads'
import type { CollectionRows, ErrorState } from '../codec.ts'
import type { HandlerRef } from './globals.ts'

/** A message from the app thread to a worker. */
export type ToWorker =
  | { readonly t: 'ret'; readonly id: number; readonly v: unknown; readonly cols?: CollectionRows }
  | { readonly t: 'err'; readonly id: number; readonly e: ErrorState }
  | RunMessage

/** A handler as a run names it: its id, with its source the first time a worker gets it. */
export interface HandlerMessage {
  readonly id: number
  readonly ref?: HandlerRef
}

/** A request to run something in the worker (a handler, a file, a migration). */
export interface RunMessage {
  readonly t: 'run'
  readonly run: number
  readonly cols?: CollectionRows
  readonly [key: string]: unknown
}

/** A message from a worker to the app thread. */
export type FromWorker =
  | { readonly t: 'call'; readonly id: number; readonly op: string; readonly a: readonly unknown[] }
  | { readonly t: 'done'; readonly run: number; readonly v: unknown }
  | { readonly t: 'fail'; readonly run: number; readonly e: ErrorState }
  | { readonly t: 'log'; readonly level: string; readonly a: readonly unknown[] }
  | { readonly t: 'ready' }

/** An error the app thread raised for a synchronous call; `state` is how it crossed. */
export class CallError extends Error {
  readonly state: ErrorState
  readonly status: number | undefined
  readonly data: { readonly [key: string]: unknown } | undefined
  constructor(state: ErrorState) {
    super(state.message)
    this.name = state.name
    this.state = state
    this.status = state.status
    this.data = state.data
  }
}

/**
 * The worker's end of the channel to the app thread. `call` is synchronous: it posts the
 * request and blocks on `Atomics.wait` until the answer is there; while it waits it runs the
 * runs the app thread sends in between (a hook fired by the save it waits for), taking them
 * with `receiveMessageOnPort`, so nested calls never deadlock.
 */
export class SyncChannel {
  readonly #port: MessagePort
  readonly #signal: Int32Array
  readonly #onRun: (msg: RunMessage) => void
  readonly #onCols: (cols: CollectionRows) => void
  #nextId = 0
  readonly #early = new Map<number, ToWorker>()

  constructor(
    port: MessagePort,
    signal: Int32Array,
    onRun: (msg: RunMessage) => void,
    onCols: (cols: CollectionRows) => void,
  ) {
    this.#port = port
    this.#signal = signal
    this.#onRun = onRun
    this.#onCols = onCols
    port.on('message', (msg: ToWorker) => this.#dispatch(msg))
  }

  /** Posts a message that needs no answer (logs, run results). */
  post(msg: FromWorker): void {
    this.#port.postMessage(msg)
  }

  /** Runs `op` on the app thread and returns its result; throws its error as a CallError. */
  call(op: string, ...args: unknown[]): unknown {
    const id = ++this.#nextId
    this.#port.postMessage({ t: 'call', id, op, a: args } satisfies FromWorker)
    for (;;) {
      const early = this.#early.get(id)
      if (early !== undefined) {
        this.#early.delete(id)
        return this.#answer(early)
      }
      const seen = Atomics.load(this.#signal, 0)
      const got = receiveMessageOnPort(this.#port)
      if (got === undefined) {
        Atomics.wait(this.#signal, 0, seen)
        continue
      }
      const msg = got.message as ToWorker
      if (msg.t === 'run') {
        this.#dispatch(msg)
        continue
      }
      if (msg.id === id) return this.#answer(msg)
      // NOTE: an answer to an outer call cannot arrive before the inner one under stack order;
      // kept anyway rather than lost.
      this.#early.set(msg.id, msg)
    }
  }

  #answer(msg: ToWorker): unknown {
    if (msg.t === 'err') throw new CallError(msg.e)
    if (msg.t === 'ret') {
      if (msg.cols !== undefined) this.#onCols(msg.cols)
      return msg.v
    }
    throw new Error(`Unexpected message ${msg.t}.`)
  }

  #dispatch(msg: ToWorker): void {
    if (msg.t !== 'run') return
    if (msg.cols !== undefined) this.#onCols(msg.cols)
    this.#onRun(msg)
  }
}
