import { AsyncLocalStorage } from 'node:async_hooks'
import { availableParallelism } from 'node:os'
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads'
import type { App } from '../../core/app.ts'
import type { Collection } from '../../core/collection-model.ts'
import type { Record } from '../../core/record-model.ts'
import { NoRowsError } from '../../tools/db/db.ts'
import { ApiError } from '../../tools/router/api-error.ts'
import { embeddedFile, isExecutable, JSVM_WORKER_KEY } from '../../tools/sea/embedded-assets.ts'
import { ValidationErrors } from '../../tools/validation/validation-errors.ts'
import type { JsBinds } from './binds.ts'
import {
  buildRecord,
  type CollectionRows,
  type ErrorState,
  type RecordState,
  stateOf,
} from './codec.ts'
import { apiErrorOf } from './errors.ts'
import { runOp } from './ops.ts'
import type { FromWorker, HandlerMessage, ToWorker } from './worker/channel.ts'
import type { HandlerRef } from './worker/globals.ts'

/**
 * The worker's entry: `worker/worker.ts` from the sources, `worker/worker.js` built by tsc,
 * beside the bundle (`dist/bundle/satchel.js`) its own bundle `jsvm-worker.js`, and in the single
 * executable the text of the bundle it embeds (no file: run with `eval`).
 */
function workerEntry(): { readonly code: string | URL; readonly eval: boolean } {
  if (isExecutable()) {
    embeddedWorker ??= embeddedFile(JSVM_WORKER_KEY)
    return { code: embeddedWorker, eval: true }
  }
  const url = /\/pool\.[jt]s$/.test(import.meta.url)
    ? new URL(
        import.meta.url.endsWith('.ts') ? './worker/worker.ts' : './worker/worker.js',
        import.meta.url,
      )
    : new URL('./jsvm-worker.js', import.meta.url)
  return { code: url, eval: false }
}

// NOTE: the same for every app of the process (read once: about 120 KB)
let embeddedWorker: string | undefined

/** The worker whose synchronous call the current async context serves (for nested runs). */
const serving = new AsyncLocalStorage<{ readonly worker: JsvmWorker; readonly call: number }>()

/** The app-thread side of one worker's channel: what it was sent and what it waits for. */
export class Codec {
  readonly #pool: JsvmPool
  readonly #known = new Set<number>()
  readonly #handlers = new Set<number>()
  #pending: CollectionRows | undefined

  constructor(pool: JsvmPool) {
    this.#pool = pool
  }

  /** The version of `c`, shipping its row with the next message if this worker lacks it. */
  version(c: Collection): number {
    const v = this.#pool.versionOf(c)
    if (!this.#known.has(v)) {
      this.#known.add(v)
      this.#pending ??= {}
      this.#pending[v] = c.toRow() as unknown as CollectionRows[number]
    }
    return v
  }

  /** Handler `ref` for a run: its source only the first time this worker gets it. */
  handler(ref: HandlerRef): HandlerMessage {
    const id = this.#pool.handlerId(ref)
    if (this.#handlers.has(id)) return { id }
    this.#handlers.add(id)
    return { id, ref }
  }

  record(r: Record): RecordState {
    return stateOf(r, (c) => this.version(c))
  }

  /** The rows to ship with the message about to be posted. */
  take(): CollectionRows | undefined {
    const p = this.#pending
    this.#pending = undefined
    return p
  }
}

/** One worker thread running JS hooks for the pool's app. */
class JsvmWorker {
  readonly thread: Worker
  readonly port: MessagePort
  readonly signal: Int32Array
  readonly codec: Codec
  /** Synchronous calls the worker is blocked on. */
  readonly pending = new Set<number>()
  readonly runs = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>()
  readonly ready: Promise<void>
  dead = false

  constructor(pool: JsvmPool, hooksDir: string) {
    const { port1, port2 } = new MessageChannel()
    const shared = new SharedArrayBuffer(4)
    this.port = port1
    this.signal = new Int32Array(shared)
    this.codec = new Codec(pool)
    const entry = workerEntry()
    this.thread = new Worker(entry.code, {
      eval: entry.eval,
      workerData: { port: port2, signal: shared, hooksDir },
      transferList: [port2],
    })
    let onReady: () => void = () => {}
    let onFail: (err: unknown) => void = () => {}
    this.ready = new Promise((resolve, reject) => {
      onReady = resolve
      onFail = reject
    })
    port1.on('message', (msg: FromWorker) => {
      if (msg.t === 'ready') onReady()
      else pool.receive(this, msg)
    })
    const die = (err: unknown) => {
      if (this.dead) return
      this.dead = true
      onFail(err)
      for (const r of this.runs.values()) r.reject(err)
      this.runs.clear()
      pool.forget(this)
    }
    // NOTE: after on('message'), which refs the port; the thread is unref'd while idle
    port1.unref()
    this.thread.on('error', die)
    this.thread.on('exit', (code) => die(new Error(`The JSVM worker exited (code ${code}).`)))
  }

  /**
   * Posts `msg`; when the worker is blocked in a call (it waits for an answer, or takes a
   * nested run), wakes it through the shared signal. An idle worker gets it from its event loop.
   */
  send(msg: ToWorker): void {
    this.port.postMessage(msg)
    if (this.pending.size === 0) return
    Atomics.add(this.signal, 0, 1)
    Atomics.notify(this.signal, 0)
  }
}

/** A run waiting for a worker. */
interface Waiter {
  resolve(w: JsvmWorker): void
  reject(err: unknown): void
}

/** What a run message carries besides its id; built with the worker's codec. */
export type RunBody = { readonly kind: string; readonly [key: string]: unknown }

/**
 * JsvmPool runs PocketBase-style JS for one app on worker threads (PocketBase's pool of goja
 * runtimes, `--hooksPool`): a run goes to an idle worker (a new one is started while fewer than
 * one per core exist — a worker is a thread, dearer than a goja runtime — else it waits; runs
 * inside a transaction may start more, up to `size`), except a run fired while a worker is blocked on a synchronous
 * call (a hook triggered by the `$app.save` it waits for), which goes to that same worker, whose
 * wait loop takes it. The app thread answers the workers' calls with the app's real, async
 * operations (see `ops.ts`).
 */
export class JsvmPool {
  readonly app: App
  readonly hooksDir: string
  readonly size: number
  /** What the registration globals do, for a hooks pool (unset for migrations). */
  binds: JsBinds | undefined
  readonly #workers: JsvmWorker[] = []
  readonly #idle: JsvmWorker[] = []
  readonly #waiting: Waiter[] = []
  readonly #urgent: Waiter[] = []
  /** How many workers ordinary runs use: one per core (at least 2), at most `size`. */
  readonly #usual: number
  #starting = 0
  #nextRun = 0
  readonly #handlerIds = new WeakMap<HandlerRef, number>()
  #nextHandler = 0
  readonly #versions = new WeakMap<Collection, number>()
  readonly #byVersion = new Map<number, Collection>()
  #nextVersion = 0
  readonly #apps = new Map<number, App>()
  #nextApp = 0
  readonly #events = new Map<number, object>()
  #nextEvent = 0
  readonly #errors = new Map<number, unknown>()
  #nextError = 0
  #closed = false

  constructor(app: App, hooksDir: string, size: number) {
    this.app = app
    this.hooksDir = hooksDir
    this.size = Math.max(1, size)
    this.#usual = Math.min(this.size, Math.max(2, availableParallelism()))
    this.#apps.set(0, app)
  }

  /**
   * Runs `body` on a worker and resolves with what it returned (rejects with what it threw).
   * `urgent` runs (fired inside a transaction, which holds the write lock other workers may be
   * waiting for) go first and may start a worker beyond the usual count, so they never wait
   * for a worker that waits for them.
   */
  async run(build: (codec: Codec) => RunBody, urgent = false): Promise<unknown> {
    const ctx = serving.getStore()
    // NOTE: only a worker of this pool can run it (a migration's worker, of another pool, may
    // be the one waiting: its save fires the hooks of the pb_hooks pool)
    const nested =
      ctx !== undefined &&
      this.#workers.includes(ctx.worker) &&
      !ctx.worker.dead &&
      ctx.worker.pending.has(ctx.call)
    const w = nested ? ctx.worker : await this.#acquire(urgent)
    w.thread.ref()
    try {
      const id = ++this.#nextRun
      const done = new Promise((resolve, reject) => w.runs.set(id, { resolve, reject }))
      const body = build(w.codec)
      w.send({ t: 'run', run: id, ...body, cols: w.codec.take() })
      return await done
    } finally {
      // NOTE: an idle pool does not keep the process alive (the app's close stops it anyway)
      if (!nested) this.#release(w)
    }
  }

  async #acquire(urgent: boolean): Promise<JsvmWorker> {
    if (this.#closed) throw new Error('The JSVM pool is closed.')
    const idle = this.#idle.pop()
    if (idle !== undefined) return idle
    const total = this.#workers.length + this.#starting
    if (total < (urgent ? this.size : this.#usual)) {
      this.#starting++
      const w = new JsvmWorker(this, this.hooksDir)
      w.ready.then(
        () => {
          this.#starting--
          this.#workers.push(w)
          this.#release(w)
        },
        (err: unknown) => {
          // NOTE: a worker that cannot start (e.g. its code is missing) fails the runs waiting,
          // when no other worker is left to take them, rather than leaving them pending forever
          this.#starting--
          if (this.#workers.length + this.#starting > 0) return
          const cause = new Error('The JSVM worker could not start.', { cause: err })
          for (const waiter of this.#urgent.splice(0).concat(this.#waiting.splice(0))) {
            waiter.reject(cause)
          }
        },
      )
    }
    return new Promise((resolve, reject) =>
      (urgent ? this.#urgent : this.#waiting).push({ resolve, reject }),
    )
  }

  #release(w: JsvmWorker): void {
    if (w.dead) return
    const next = this.#urgent.shift() ?? this.#waiting.shift()
    if (next !== undefined) next.resolve(w)
    else {
      this.#idle.push(w)
      if (w.runs.size === 0) w.thread.unref()
    }
  }

  /** @internal A worker died: it is no longer used. */
  forget(w: JsvmWorker): void {
    const i = this.#workers.indexOf(w)
    if (i >= 0) this.#workers.splice(i, 1)
    const j = this.#idle.indexOf(w)
    if (j >= 0) this.#idle.splice(j, 1)
  }

  /** @internal A message from a worker. */
  receive(w: JsvmWorker, msg: FromWorker): void {
    switch (msg.t) {
      case 'call':
        w.pending.add(msg.id)
        serving.run({ worker: w, call: msg.id }, () => this.#answer(w, msg.id, msg.op, msg.a))
        return
      case 'done':
      case 'fail': {
        const r = w.runs.get(msg.run)
        if (r === undefined) return
        w.runs.delete(msg.run)
        if (msg.t === 'done') r.resolve(msg.v)
        else r.reject(this.errorOf(msg.e))
        return
      }
      case 'log': {
        const [message, ...attrs] = msg.a
        const logger = this.app.logger() as unknown as {
          [level: string]: (m: string, ...a: unknown[]) => void
        }
        logger[msg.level]?.call(logger, String(message), ...attrs)
        return
      }
    }
  }

  async #answer(w: JsvmWorker, id: number, op: string, args: readonly unknown[]): Promise<void> {
    try {
      const v = await runOp(this, w.codec, op, args)
      w.send({ t: 'ret', id, v, cols: w.codec.take() })
    } catch (err) {
      w.send({ t: 'err', id, e: this.#errorState(err) })
    } finally {
      w.pending.delete(id)
    }
  }

  // ---- what crosses -------------------------------------------------------------------------

  /** The id of a bound handler (its source crosses once per worker, see `Codec.handler`). */
  handlerId(ref: HandlerRef): number {
    let id = this.#handlerIds.get(ref)
    if (id === undefined) {
      id = ++this.#nextHandler
      this.#handlerIds.set(ref, id)
    }
    return id
  }

  /** The version number of a collection instance (a saved change is a new instance). */
  versionOf(c: Collection): number {
    let v = this.#versions.get(c)
    if (v === undefined) {
      v = ++this.#nextVersion
      this.#versions.set(c, v)
      this.#byVersion.set(v, c)
    }
    return v
  }

  /** A core record from a worker's state. */
  recordOf(s: RecordState): Record {
    const c = this.#byVersion.get(s.c)
    if (c === undefined) throw new Error(`Unknown collection version ${s.c}.`)
    return buildRecord(c, s, (x) => this.recordOf(x))
  }

  /** The app of a handle (0 is the pool's app). */
  appOf(handle: number): App {
    const app = this.#apps.get(handle)
    if (app === undefined) throw new Error('The app of this handle is gone (transaction ended).')
    return app
  }

  /** A handle for `app` until `release` is called (0 for the pool's own app). */
  handleOf(app: App): { handle: number; release(): void } {
    if (app === this.app) return { handle: 0, release: () => {} }
    const handle = ++this.#nextApp
    this.#apps.set(handle, app)
    return { handle, release: () => this.#apps.delete(handle) }
  }

  /** Registers a live event for `next()`/`requestInfo()` calls until `release`. */
  eventHandle(e: object): { id: number; release(): void } {
    const id = ++this.#nextEvent
    this.#events.set(id, e)
    return { id, release: () => this.#events.delete(id) }
  }

  /** A live event by id. */
  eventOf(id: number): object {
    const e = this.#events.get(id)
    if (e === undefined) throw new Error('The event is over.')
    return e
  }

  #errorState(err: unknown): ErrorState {
    const ref = ++this.#nextError
    this.#errors.set(ref, err)
    if (this.#errors.size > 1000) this.#errors.delete(this.#errors.keys().next().value as number)
    const e = err instanceof Error ? err : new Error(String(err))
    // NOTE: JS code tests for Go's text ("sql: no rows in result set"), as PocketBase gives it
    const message = err instanceof NoRowsError ? 'sql: no rows in result set' : e.message
    const state: ErrorState = { name: e.name, message, ref }
    if (err instanceof ApiError) return { ...state, status: err.status, data: err.data }
    if (err instanceof ValidationErrors) return { ...state, data: JSON.parse(JSON.stringify(err)) }
    return state
  }

  /** The error a worker reported: the original one when it came from the app thread. */
  errorOf(s: ErrorState): unknown {
    if (s.ref !== undefined && this.#errors.has(s.ref)) {
      const original = this.#errors.get(s.ref)
      this.#errors.delete(s.ref)
      return original
    }
    return apiErrorOf(s)
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    this.#closed = true
    const all = [...this.#workers]
    this.#workers.length = 0
    this.#idle.length = 0
    await Promise.all(all.map((w) => w.thread.terminate()))
  }
}
