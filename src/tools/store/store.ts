/**
 * A concurrent-safe-by-construction key/value store of one app (PocketBase `tools/store.Store`,
 * `app.Store()`): values live in memory for the process's lifetime, shared by everything holding
 * the app (TypeScript hooks, the PocketBase JS hooks through `$app.store()`, every transaction-bound
 * copy). Keys are strings; a missing key reads as `undefined`.
 *
 * @example
 * app.store().set('greeting', 'hi')
 * app.store().getOrSet('counter', () => 0)
 */
export class Store<T = unknown> {
  readonly #data = new Map<string, T>()

  /** The value of `key`, `undefined` when it has none. */
  get(key: string): T | undefined {
    return this.#data.get(key)
  }

  /** Whether `key` has a value. */
  has(key: string): boolean {
    return this.#data.has(key)
  }

  /** Sets (or replaces) the value of `key`. */
  set(key: string, value: T): void {
    this.#data.set(key, value)
  }

  /** The value of `key`, set first to `make()` when it has none. */
  getOrSet(key: string, make: () => T): T {
    if (!this.#data.has(key)) this.#data.set(key, make())
    return this.#data.get(key) as T
  }

  /**
   * Sets `key` only while the store holds fewer than `limit` keys (a key already there may
   * always be replaced); returns whether it was set (PocketBase `SetIfLessThanLimit`).
   */
  setIfLessThanLimit(key: string, value: T, limit: number): boolean {
    if (!this.#data.has(key) && this.#data.size >= limit) return false
    this.#data.set(key, value)
    return true
  }

  /** Removes `key` (nothing happens when it has no value). */
  remove(key: string): void {
    this.#data.delete(key)
  }

  /** Removes every key. */
  removeAll(): void {
    this.#data.clear()
  }

  /** Replaces the whole content by `data`. */
  reset(data: { readonly [key: string]: T } = {}): void {
    this.#data.clear()
    for (const [k, v] of Object.entries(data)) this.#data.set(k, v)
  }

  /** How many keys have a value. */
  length(): number {
    return this.#data.size
  }

  /** A copy of the content: key → value. */
  getAll(): { [key: string]: T } {
    return Object.fromEntries(this.#data)
  }

  /** Every value, in insertion order. */
  values(): T[] {
    return [...this.#data.values()]
  }
}
