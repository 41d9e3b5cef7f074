/**
 * Mutex is an async lock: `lock()` resolves with a release function once every earlier holder has
 * released. Used to serialise transactions on the single write connection.
 */
export class Mutex {
  #tail: Promise<void> = Promise.resolve()

  /** Waits for the lock; call the returned function exactly once to release it. */
  lock(): Promise<() => void> {
    let release!: () => void
    const next = new Promise<void>((resolve) => {
      release = resolve
    })
    const acquired = this.#tail.then(() => release)
    this.#tail = this.#tail.then(() => next)
    return acquired
  }
}
