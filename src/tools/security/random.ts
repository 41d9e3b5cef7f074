import { randomInt as cryptoRandomInt, randomFillSync } from 'node:crypto'

/** The default alphabet of record ids: `[a-z0-9]` (PocketBase's `[a-z0-9]{15}` ids). */
export const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789'

/**
 * Cryptographically secure random bytes, drawn from the OS's CSPRNG 4 KiB at a time (as Node's
 * `randomUUID` caches its randomness): one `randomFillSync` per ≈250 record ids instead of one per
 * id, which cost ≈4% of a create. Each byte is handed out once.
 */
const pool = Buffer.allocUnsafe(4096)
let poolOffset = pool.length

/** Returns the next random byte of the pool (0–255), refilling the pool when it is used up. */
function randomByte(): number {
  if (poolOffset === pool.length) {
    randomFillSync(pool)
    poolOffset = 0
  }
  return pool[poolOffset++]!
}

/** The characters of the id alphabet, as `randomString` reads an alphabet (by code points). */
const ID_CHARS = Array.from(ID_ALPHABET)

/**
 * Returns a cryptographically secure random string of `length` characters drawn uniformly from
 * `alphabet` (default `[a-z0-9]`, as PocketBase's record ids). The alphabet is read by code
 * points (so astral characters are never split). Throws `RangeError` for a negative or
 * non-integer length and for an empty alphabet.
 */
export function randomString(length: number, alphabet: string = ID_ALPHABET): string {
  if (!Number.isInteger(length) || length < 0) {
    throw new RangeError(`randomString: length must be a non-negative integer, got ${length}.`)
  }
  const chars = alphabet === ID_ALPHABET ? ID_CHARS : Array.from(alphabet)
  const size = chars.length
  if (size === 0) throw new RangeError('randomString: alphabet must not be empty.')
  if (size === 1) return chars[0]!.repeat(length)
  if (size > 256) {
    let big = ''
    for (let i = 0; i < length; i++) big += chars[cryptoRandomInt(size)]
    return big
  }
  // NOTE: rejection sampling keeps the distribution uniform (a plain `byte % size` would favour
  // the first `256 % size` characters).
  const limit = 256 - (256 % size)
  let out = ''
  let count = 0
  while (count < length) {
    const b = randomByte()
    if (b >= limit) continue
    out += chars[b % size]
    count++
  }
  return out
}

/**
 * Returns `count` random strings of `length` characters of `[a-z0-9]` (PocketBase's id alphabet),
 * drawn like {@link randomString} (e.g. the ids of a batch of log rows).
 */
export function randomIds(count: number, length = 15): string[] {
  const out: string[] = []
  for (let i = 0; i < count; i++) out.push(randomString(length))
  return out
}

interface PatternAtom {
  chars: string
  min: number
  max: number
}

/** Expands the body of a `[...]` class (without brackets) into its characters. */
function expandClass(body: string, pattern: string): string {
  const items = Array.from(body)
  const set = new Set<string>()
  let i = 0
  const next = (): string => {
    const c = items[i++]!
    if (c !== '\\') return c
    const e = items[i++]
    if (e === undefined) throw new Error(`randomStringByRegex: dangling escape in ${pattern}.`)
    if (/[\w]/.test(e)) {
      throw new Error(`randomStringByRegex: escape \\${e} is not supported in ${pattern}.`)
    }
    return e
  }
  if (items[0] === '^') {
    throw new Error(`randomStringByRegex: negated classes are not supported in ${pattern}.`)
  }
  while (i < items.length) {
    const start = next()
    if (items[i] === '-' && i + 1 < items.length) {
      i++
      const end = next()
      const from = start.codePointAt(0)!
      const to = end.codePointAt(0)!
      if (to < from) {
        throw new Error(`randomStringByRegex: invalid range ${start}-${end} in ${pattern}.`)
      }
      for (let cp = from; cp <= to; cp++) set.add(String.fromCodePoint(cp))
    } else {
      set.add(start)
    }
  }
  if (set.size === 0) throw new Error(`randomStringByRegex: empty class in ${pattern}.`)
  return [...set].join('')
}

/** Parsed `randomStringByRegex` patterns (a field's `autogeneratePattern` is parsed once). */
const parsedPatterns = new Map<string, readonly PatternAtom[]>()

function parsePattern(pattern: string): PatternAtom[] {
  const atoms: PatternAtom[] = []
  let src = pattern
  if (src.startsWith('^')) src = src.slice(1)
  if (src.endsWith('$') && !src.endsWith('\\$')) src = src.slice(0, -1)
  let i = 0
  while (i < src.length) {
    const c = src[i]!
    let chars: string
    if (c === '[') {
      let j = i + 1
      // a `]` right after `[` is a literal in most regex flavours
      if (src[j] === ']') j++
      while (j < src.length && src[j] !== ']') j += src[j] === '\\' ? 2 : 1
      if (j >= src.length) throw new Error(`randomStringByRegex: unclosed "[" in ${pattern}.`)
      chars = expandClass(src.slice(i + 1, j), pattern)
      i = j + 1
    } else if (c === '\\') {
      const e = src[i + 1]
      if (e === undefined) throw new Error(`randomStringByRegex: dangling escape in ${pattern}.`)
      if (/\w/.test(e)) {
        throw new Error(`randomStringByRegex: escape \\${e} is not supported in ${pattern}.`)
      }
      chars = e
      i += 2
    } else if ('()|.*+?{}^$'.includes(c)) {
      throw new Error(`randomStringByRegex: "${c}" is not supported in ${pattern}.`)
    } else {
      const cp = src.codePointAt(i)!
      chars = String.fromCodePoint(cp)
      i += chars.length
    }
    let min = 1
    let max = 1
    if (src[i] === '{') {
      const m = /^\{(\d+)(?:,(\d+))?\}/.exec(src.slice(i))
      if (!m) throw new Error(`randomStringByRegex: invalid quantifier in ${pattern}.`)
      min = Number(m[1])
      max = m[2] === undefined ? min : Number(m[2])
      if (max < min) throw new Error(`randomStringByRegex: invalid quantifier in ${pattern}.`)
      i += m[0].length
    } else if (src[i] !== undefined && '*+?'.includes(src[i]!)) {
      throw new Error(`randomStringByRegex: quantifier "${src[i]}" is not supported in ${pattern}.`)
    }
    atoms.push({ chars, min, max })
  }
  return atoms
}

/**
 * Generates a random string matching a simple regular expression, as PocketBase does for a text
 * field's `autogeneratePattern` (e.g. `[a-z0-9]{15}`, `[a-zA-Z0-9_]{50}`).
 *
 * Supported: character classes with ranges and literals (`[a-z0-9_-]`), literal characters
 * (escaped with `\` when special), quantifiers `{n}` and `{n,m}`, and `^`/`$` at the edges
 * (ignored). Anything else (groups, alternation, `.`, `*`, `+`, `?`, negated classes, `\d`-style
 * escapes) throws an `Error` naming the unsupported syntax.
 */
export function randomStringByRegex(pattern: string): string {
  let atoms = parsedPatterns.get(pattern)
  if (atoms === undefined) {
    atoms = parsePattern(pattern)
    if (parsedPatterns.size >= 256) parsedPatterns.clear()
    parsedPatterns.set(pattern, atoms)
  }
  let out = ''
  for (const atom of atoms) {
    const n = atom.min === atom.max ? atom.min : atom.min + cryptoRandomInt(atom.max - atom.min + 1)
    out += randomString(n, atom.chars)
  }
  return out
}
