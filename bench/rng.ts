/** A seeded pseudo-random source, so both servers get the same data and request sequence. */
export interface Rng {
  /** A float in [0, 1). */
  next(): number
  /** An integer in [min, max] (both inclusive). */
  int(min: number, max: number): number
  /** A uniformly chosen element of a non-empty array. */
  pick<T>(items: readonly T[]): T
}

/** Creates a mulberry32 generator from a 32-bit seed. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
  }
}

const WORDS = (
  'alpha bravo cedar delta ember fjord glade harbor island jungle kettle lantern meadow ' +
  'nectar orchid pebble quartz river saddle timber umber valley willow xenon yonder zephyr'
).split(' ')

/** Returns `count` pseudo-random words joined by spaces. */
export function words(rng: Rng, count: number): string {
  const out: string[] = []
  for (let i = 0; i < count; i++) out.push(rng.pick(WORDS))
  return out.join(' ')
}
