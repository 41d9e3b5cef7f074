import { randomInt as cryptoRandomInt, randomBytes } from 'node:crypto'

/** The default alphabet of record ids: `[a-z0-9]` (PocketBase's `[a-z0-9]{15}` ids). */
export const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789'

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
  const chars = Array.from(alphabet)
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
    const bytes = randomBytes(Math.ceil((length - count) * 1.3) + 8)
    for (let i = 0; i < bytes.length && count < length; i++) {
      const b = bytes[i]!
      if (b >= limit) continue
      out += chars[b % size]
      count++
    }
  }
  return out
}

/**
 * Returns `count` random strings of `length` characters of `[a-z0-9]` (PocketBase's id alphabet),
 * drawn like {@link randomString} but from one buffer of random bytes, which makes ids for a
 * whole batch (e.g. a batch of log rows) about twenty times cheaper than one call each.
 */
export function randomIds(count: number, length = 15): string[] {
  const size = ID_ALPHABET.length
  const limit = 256 - (256 % size)
  const out: string[] = []
  let bytes = randomBytes(Math.ceil(count * length * 1.1) + 16)
  let j = 0
  for (let i = 0; i < count; i++) {
    let id = ''
    while (id.length < length) {
      if (j >= bytes.length) {
        bytes = randomBytes(length * 4)
        j = 0
      }
      const b = bytes[j++]!
      if (b < limit) id += ID_ALPHABET[b % size]
    }
    out.push(id)
  }
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
  let out = ''
  for (const atom of parsePattern(pattern)) {
    const n = atom.min === atom.max ? atom.min : atom.min + cryptoRandomInt(atom.max - atom.min + 1)
    out += randomString(n, atom.chars)
  }
  return out
}
