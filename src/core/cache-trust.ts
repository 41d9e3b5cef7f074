/**
 * The channel that tells a node when another node changed collections or settings (the
 * PostgreSQL LISTEN/NOTIFY bus): while it is connected, a change message is sure to arrive.
 */
export interface CacheLink {
  /** True while change messages are being received. */
  readonly connected: boolean
  /** Grows each time the channel (re)connects: messages sent while it was down are lost. */
  readonly epoch: number
}

/** How long a validated cache is trusted without a query, at most (ms). */
export const CACHE_TRUST_MS = 1000

/**
 * When an app whose data other processes share may skip the per-request cache check
 * (`App.refreshCaches`): only with a connected {@link CacheLink}, when no change message arrived
 * and the link did not reconnect since the last check, and for at most {@link CACHE_TRUST_MS}
 * (so a change made outside any Satchel, e.g. with psql, is seen within that time). Without a
 * link (`serve --workers` on SQLite) every check queries.
 */
export class CacheTrust {
  #link: CacheLink | undefined
  /** Change messages received (or local doubts) so far. */
  #changes = 0
  /** What the last successful check saw: change count, link epoch, trusted until (ms). */
  #checked = { changes: -1, epoch: -1, until: 0 }
  /** Whether this process changed collections or settings since the last {@link takeOwnChange}. */
  #own = false

  /** Starts trusting checks while `link` is connected. */
  use(link: CacheLink): void {
    this.#link = link
  }

  /** Whether a link is in use (changes must then be announced to the other nodes). */
  get linked(): boolean {
    return this.#link !== undefined
  }

  /** True when the caches can be used without a check now. */
  trusted(now = Date.now()): boolean {
    const link = this.#link
    const c = this.#checked
    return (
      link?.connected === true &&
      link.epoch === c.epoch &&
      c.changes === this.#changes &&
      now < c.until
    )
  }

  /** The state to hand to {@link checked} once a check that starts now succeeds. */
  beginCheck(): { changes: number; epoch: number } {
    return { changes: this.#changes, epoch: this.#link?.epoch ?? -1 }
  }

  /**
   * Records a successful check begun with `start` (a change message that arrived meanwhile
   * keeps the caches untrusted: the check may have read the state before that change).
   */
  checked(start: { changes: number; epoch: number }, now = Date.now()): void {
    this.#checked = { ...start, until: now + CACHE_TRUST_MS }
  }

  /** Another node changed collections or settings: the next request checks. */
  changed(): void {
    this.#changes++
  }

  /** This process changed collections or settings (cached them itself). */
  ownChange(): void {
    this.#own = true
  }

  /** Whether this process changed anything since the last call; resets the mark. */
  takeOwnChange(): boolean {
    const own = this.#own
    this.#own = false
    return own
  }
}
