const WORD_SEPARATORS = /[^0-9A-Za-z]+/

function isUpper(c: string): boolean {
  return c !== c.toLowerCase() && c === c.toUpperCase()
}

/**
 * Converts `s` to snake_case the way PocketBase names uploaded files: runs of characters other
 * than ASCII letters and digits (underscores and non-ASCII letters included) become one `_`, an
 * `_` is inserted before an upper-case letter that follows a non-upper-case one (`fooBarBAZ` →
 * `foo_bar_baz`, `HTTPServer` → `httpserver`), leading/trailing separators are dropped and the
 * result is lower-cased. Measured on PocketBase 0.40.4: `ÜberFile grüße` → `ber_file_gr_e`,
 * `a1B2c3D4` → `a1_b2c3_d4`, `日本語` → `` (empty).
 */
export function snakeCase(s: string): string {
  const words: string[] = []
  for (const word of s.split(WORD_SEPARATORS)) {
    if (word === '') continue
    let out = ''
    for (let i = 0; i < word.length; i++) {
      const c = word[i]!
      if (i > 0 && isUpper(c) && !isUpper(word[i - 1]!)) out += '_'
      out += c
    }
    words.push(out)
  }
  return words.join('_').toLowerCase()
}

const SENTENCE_END = /[.?!]$/

/**
 * Turns `s` into a sentence, as PocketBase does for messages: trims surrounding whitespace,
 * upper-cases the first character and appends `.` unless the text already ends with `.`, `?` or
 * `!`. Empty (or blank) input gives `""`.
 */
export function sentenize(s: string): string {
  const trimmed = s.trim()
  if (trimmed === '') return ''
  const first = String.fromCodePoint(trimmed.codePointAt(0)!)
  const out = first.toUpperCase() + trimmed.slice(first.length)
  return SENTENCE_END.test(out) ? out : `${out}.`
}
