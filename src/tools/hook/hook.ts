/**
 * Hook<E> is an ordered chain of handlers for one event type, PocketBase's `tools/hook` model:
 * handlers run by ascending priority (then registration order), each continues the chain with
 * `await e.next()`, and the real operation is the last link (the `finalize` passed to `trigger`).
 * A handler that does not call `e.next()` stops the chain (that is how a hook vetoes).
 *
 * @example
 * app.onRecordCreate.bind(async (e) => {
 *   e.record.set('slug', slugify(e.record.get('title')))
 *   await e.next() // the insert happens here
 * })
 */

/** Event is the base of every hook event: `next()` runs the rest of the chain. */
export class HookEvent {
  next: () => Promise<void> = async () => {}
}

/** A hook handler; it must call `e.next()` to continue the chain. */
export type HookHandler<E extends HookEvent> = (e: E) => Promise<void> | void

/** Options of `Hook.bind`. */
export interface BindOptions {
  /** Replaces an existing handler with the same id. Default: a generated id. */
  readonly id?: string
  /** Lower runs first. Default 0. */
  readonly priority?: number
}

interface Entry<E extends HookEvent> {
  readonly id: string
  readonly priority: number
  readonly seq: number
  readonly fn: HookHandler<E>
}

let seqCounter = 0

/** Hook holds the handlers of one event type. */
export class Hook<E extends HookEvent> {
  #entries: Entry<E>[] = []

  /** Registers a handler and returns its id. */
  bind(fn: HookHandler<E>, options: BindOptions = {}): string {
    const id = options.id ?? `h${++seqCounter}`
    const entry = { id, priority: options.priority ?? 0, seq: ++seqCounter, fn }
    this.#entries = [...this.#entries.filter((e) => e.id !== id), entry].sort(
      (a, b) => a.priority - b.priority || a.seq - b.seq,
    )
    return id
  }

  /** Removes the handlers with the given ids. */
  unbind(...ids: string[]): void {
    this.#entries = this.#entries.filter((e) => !ids.includes(e.id))
  }

  /** Removes every handler. */
  unbindAll(): void {
    this.#entries = []
  }

  /** Number of registered handlers. */
  get length(): number {
    return this.#entries.length
  }

  /**
   * Runs the chain for `event`, then `finalize` (the default action) as the last link.
   * Rejects with the first error a handler throws.
   */
  async trigger(event: E, finalize?: HookHandler<E>): Promise<void> {
    // NOTE: most hooks have no handlers; a write fires a dozen of them, so skip the chain setup
    if (this.#entries.length === 0) {
      if (finalize !== undefined) await finalize(event)
      return
    }
    const chain = finalize
      ? [...this.#entries.map((e) => e.fn), finalize]
      : this.#entries.map((e) => e.fn)
    if (chain.length === 0) return
    let index = 0
    const pending: Promise<void>[] = []
    const run = async (): Promise<void> => {
      const fn = chain[index++]
      if (fn === undefined) return
      const prevNext = event.next
      let called: Promise<void> | undefined
      event.next = () => {
        called ??= run()
        return called
      }
      try {
        await fn(event)
        // NOTE: a handler that called next() without awaiting it still finishes the chain.
        if (called) pending.push(called)
      } finally {
        event.next = prevNext
      }
    }
    await run()
    await Promise.all(pending)
  }
}
