/** A value modifier attached to a picked path, e.g. `body:excerpt(100,true)`. */
export interface ExcerptModifier {
  name: 'excerpt'
  max: number
  withEllipsis: boolean
}

type Modifier = ExcerptModifier | null

/**
 * Parses a `fields` query value into path → modifier. Later duplicates win (`title:excerpt(3),title`
 * keeps the whole title), as in PocketBase. Throws `Error` for an unknown or malformed modifier.
 */
function parseFields(fields: string): Map<string, Modifier> {
  const out = new Map<string, Modifier>()
  for (const part of splitTopLevel(fields)) {
    const raw = part.trim()
    if (raw === '') continue
    const colon = raw.indexOf(':')
    if (colon < 0) {
      out.set(raw, null)
      continue
    }
    out.set(raw.slice(0, colon).trim(), parseModifier(raw.slice(colon + 1).trim()))
  }
  return out
}

/** Splits on commas outside parentheses (modifier arguments contain commas). */
function splitTopLevel(s: string): string[] {
  const parts: string[] = []
  let depth = 0
  let start = 0
  for (let i = 0; i < s.length; i++) {
    const c = s[i]
    if (c === '(') depth++
    else if (c === ')') depth = Math.max(0, depth - 1)
    else if (c === ',' && depth === 0) {
      parts.push(s.slice(start, i))
      start = i + 1
    }
  }
  parts.push(s.slice(start))
  return parts
}

const GO_TRUE = new Set(['1', 't', 'T', 'true', 'TRUE', 'True'])

function parseModifier(raw: string): ExcerptModifier {
  const m = /^(\w+)\(([^()]*)\)$/.exec(raw)
  if (!m) throw new Error(`Invalid fields modifier "${raw}".`)
  if (m[1] !== 'excerpt') throw new Error(`Unknown fields modifier "${m[1]}".`)
  const args = m[2]!.split(',').map((a) => a.trim())
  if (args.length > 2) throw new Error('excerpt() expects at most 2 arguments.')
  const max = args[0] === '' ? Number.NaN : Math.trunc(Number(args[0]))
  if (!Number.isFinite(max) || max < 1) {
    throw new Error(`excerpt() max must be a positive number, got "${args[0]}".`)
  }
  return { name: 'excerpt', max, withEllipsis: GO_TRUE.has(args[1] ?? '') }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Turns class instances with `toJSON` (Dates, models) into their JSON form. */
function toJsonValue(v: unknown): unknown {
  if (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { toJSON?: unknown }).toJSON === 'function'
  ) {
    return (v as { toJSON: () => unknown }).toJSON()
  }
  return v
}

function applyModifier(value: unknown, modifier: Modifier): unknown {
  if (modifier === null || typeof value !== 'string') return value
  return excerpt(value, modifier.max, modifier.withEllipsis)
}

function pickValue(data: unknown, fields: Map<string, Modifier>): unknown {
  const value = toJsonValue(data)
  if (Array.isArray(value)) return value.map((item) => pickValue(item, fields))
  if (!isPlainObject(value) || fields.size === 0) return value
  return pickObject(value, fields)
}

function pickObject(
  data: Record<string, unknown>,
  fields: Map<string, Modifier>,
): Record<string, unknown> {
  const wildcard = fields.get('*')
  const hasWildcard = fields.has('*')
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(data)) {
    const prefix = `${key}.`
    let exact: { modifier: Modifier } | undefined
    const sub = new Map<string, Modifier>()
    for (const [path, modifier] of fields) {
      if (!`${path}.`.startsWith(prefix)) continue
      // `title.` counts as `title`, as in PocketBase
      const rest = `${path}.`.slice(prefix.length).replace(/\.$/, '')
      if (rest === '') exact = { modifier }
      else sub.set(rest, modifier)
    }
    if (exact === undefined && sub.size === 0) {
      // NOTE: `*` only adds keys no explicit path mentions: `*,expand.a.b` still narrows `expand`.
      if (hasWildcard) out[key] = applyModifier(toJsonValue(data[key]), wildcard ?? null)
      continue
    }
    out[key] =
      exact !== undefined
        ? applyModifier(toJsonValue(data[key]), exact.modifier)
        : pickValue(data[key], sub)
  }
  return out
}

/**
 * Applies PocketBase's `fields` query parameter to a JSON-like value and returns a new value (the
 * input is not changed). `fields` is a comma-separated list of dotted paths evaluated against
 * object keys; arrays are mapped element by element at any depth, so `tags.x.y` picks `y` inside
 * every object of the `tags.x` array. `*` keeps every key of its level that no other path names
 * (`*,expand.author.name` keeps all top keys but narrows `expand`); a path ending at a key keeps
 * its whole value, even if deeper paths are listed too; unknown paths are ignored; an empty
 * `fields` returns `data` unchanged.
 *
 * The `:excerpt(max, withEllipsis?)` modifier on a path (or on `*`) replaces string values with
 * {@link excerpt}`(value, max, withEllipsis)`; other values are left as they are. Throws `Error`
 * for an unknown modifier, bad arguments (max must be ≥ 1), which PocketBase answers with a
 * generic 400.
 */
export function pickFields(data: unknown, fields: string): unknown {
  const parsed = parseFields(fields)
  if (parsed.size === 0) return data
  return pickValue(data, parsed)
}

/**
 * Applies `fields` to each element of a list response's `items`, keeping the envelope keys
 * (`page`, `perPage`, `totalItems`, `totalPages`) as they are, like PocketBase (so
 * `fields=page,items.id` empties every item rather than picking the envelope).
 */
export function pickListFields<T extends { items: unknown[] }>(list: T, fields: string): T {
  const parsed = parseFields(fields)
  if (parsed.size === 0) return list
  return { ...list, items: list.items.map((item) => pickValue(item, parsed)) }
}

// ---------------------------------------------------------------------------------------------
// HTML → text excerpt

/** Elements whose content never reaches the excerpt (measured on PocketBase 0.40.4). */
const SKIPPED = new Set([
  'head',
  'style',
  'script',
  'iframe',
  'embed',
  'applet',
  'object',
  'svg',
  'img',
  'picture',
  'dialog',
  'template',
  'button',
  'form',
  'textarea',
  'input',
  'select',
  'option',
])

/** Elements that do not separate words; every other element does (a space around it). */
const INLINE = new Set([
  'a',
  'abbr',
  'acronym',
  'b',
  'bdo',
  'big',
  'br',
  'button',
  'cite',
  'code',
  'em',
  'i',
  'image',
  'img',
  'input',
  'label',
  'q',
  'small',
  'span',
  'strike',
  'strong',
  'sub',
  'sup',
  'time',
])

const VOID = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'image',
  'img',
  'input',
  'keygen',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
])

/** Elements whose content is text up to the matching end tag (tags inside are not parsed). */
const RAW_TEXT = new Set([
  'script',
  'style',
  'xmp',
  'iframe',
  'noembed',
  'noframes',
  'noscript',
  'textarea',
  'title',
])

/** Elements an HTML parser places in `<head>` when they come before any body content. */
const HEAD_CONTENT = new Set([
  'base',
  'basefont',
  'bgsound',
  'link',
  'meta',
  'noframes',
  'noscript',
  'script',
  'style',
  'template',
  'title',
])

/** Named references decoded in text (the Latin-1 set, which also works without `;`). */
const LATIN1_NAMES =
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml'.split(
    ' ',
  )
const LEGACY_ENTITIES = new Map<string, string>([
  ['amp', '&'],
  ['AMP', '&'],
  ['lt', '<'],
  ['LT', '<'],
  ['gt', '>'],
  ['GT', '>'],
  ['quot', '"'],
  ['QUOT', '"'],
  ['COPY', '©'],
  ['REG', '®'],
  ...LATIN1_NAMES.map((name, i): [string, string] => [name, String.fromCharCode(0xa0 + i)]),
])
/** Common named references that require the trailing `;`. */
const ENTITIES = new Map<string, string>([
  ...LEGACY_ENTITIES,
  ['apos', "'"],
  ['hellip', '…'],
  ['mdash', '—'],
  ['ndash', '–'],
  ['lsquo', '‘'],
  ['rsquo', '’'],
  ['sbquo', '‚'],
  ['ldquo', '“'],
  ['rdquo', '”'],
  ['bdquo', '„'],
  ['laquo', '«'],
  ['raquo', '»'],
  ['lsaquo', '‹'],
  ['rsaquo', '›'],
  ['bull', '•'],
  ['euro', '€'],
  ['trade', '™'],
  ['dagger', '†'],
  ['Dagger', '‡'],
  ['permil', '‰'],
  ['prime', '′'],
  ['Prime', '″'],
  ['larr', '←'],
  ['rarr', '→'],
  ['uarr', '↑'],
  ['darr', '↓'],
  ['harr', '↔'],
  ['ensp', '\u2002'],
  ['emsp', '\u2003'],
  ['thinsp', '\u2009'],
  ['zwnj', '\u200c'],
  ['zwj', '\u200d'],
  ['lrm', '\u200e'],
  ['rlm', '\u200f'],
  ['OElig', 'Œ'],
  ['oelig', 'œ'],
  ['Scaron', 'Š'],
  ['scaron', 'š'],
  ['Yuml', 'Ÿ'],
  ['fnof', 'ƒ'],
  ['circ', 'ˆ'],
  ['tilde', '˜'],
  ['minus', '−'],
  ['infin', '∞'],
  ['ne', '≠'],
  ['le', '≤'],
  ['ge', '≥'],
  ['asymp', '≈'],
  ['hearts', '♥'],
  ['check', '✓'],
])

/** Windows-1252 meanings of numeric references 0x80–0x9F, as HTML parsers apply them. */
const C1_REPLACEMENTS: Record<number, number> = {
  128: 0x20ac,
  130: 0x201a,
  131: 0x0192,
  132: 0x201e,
  133: 0x2026,
  134: 0x2020,
  135: 0x2021,
  136: 0x02c6,
  137: 0x2030,
  138: 0x0160,
  139: 0x2039,
  140: 0x0152,
  142: 0x017d,
  145: 0x2018,
  146: 0x2019,
  147: 0x201c,
  148: 0x201d,
  149: 0x2022,
  150: 0x2013,
  151: 0x2014,
  152: 0x02dc,
  153: 0x2122,
  154: 0x0161,
  155: 0x203a,
  156: 0x0153,
  158: 0x017e,
  159: 0x0178,
}

function decodeNumeric(digits: string, hex: boolean): string {
  let cp = Number.parseInt(digits, hex ? 16 : 10)
  cp = C1_REPLACEMENTS[cp] ?? cp
  if (!Number.isFinite(cp) || cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
    return '\ufffd'
  }
  return String.fromCodePoint(cp)
}

/** Decodes character references in text content (unknown names stay as written). */
function decodeEntities(s: string): string {
  if (!s.includes('&')) return s
  return s.replace(
    /&(?:#([0-9]+);?|#[xX]([0-9a-fA-F]+);?|([A-Za-z][A-Za-z0-9]*);?)/g,
    (m, dec, hex, name) => {
      if (dec !== undefined) return decodeNumeric(dec, false)
      if (hex !== undefined) return decodeNumeric(hex, true)
      const full = m.endsWith(';')
      if (full && ENTITIES.has(name)) return ENTITIES.get(name)!
      // legacy names also match as a prefix without `;` (`&copyz` → `©z`)
      for (let len = Math.min(name.length, 6); len >= 2; len--) {
        const v = LEGACY_ENTITIES.get(name.slice(0, len))
        if (v !== undefined) return v + name.slice(len) + (full ? ';' : '')
      }
      return m
    },
  )
}

const TAG_RE = /<(\/?)([A-Za-z][^\s/>]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/y

/**
 * Extracts the visible text of an HTML fragment or document, following PocketBase's excerpt
 * rules: the content of `head`, scripts, styles, embedded objects, images and form controls is
 * skipped, comments and doctypes are dropped, every element other than inline phrasing (a, b, i,
 * span, em, strong, code, br, …) separates words with a space, character references are decoded,
 * and runs of ASCII whitespace collapse to one space (non-breaking spaces are kept). The result
 * is not trimmed.
 */
export function htmlToText(html: string): string {
  let text = ''
  let i = 0
  let inBody = false
  const skipStack: string[] = []
  const pushText = (t: string) => {
    if (skipStack.length > 0 || t === '') return
    if (!inBody) {
      if (/^[ \t\n\f\r]*$/.test(t)) return
      inBody = true
    }
    text += decodeEntities(t)
  }
  while (i < html.length) {
    const lt = html.indexOf('<', i)
    if (lt < 0) {
      pushText(html.slice(i))
      break
    }
    pushText(html.slice(i, lt))
    i = lt
    if (html.startsWith('<!--', i)) {
      const end = html.indexOf('-->', i + 4)
      i = end < 0 ? html.length : end + 3
      continue
    }
    const next = html[i + 1] ?? ''
    if (next === '!' || next === '?' || (next === '/' && !/[A-Za-z]/.test(html[i + 2] ?? ''))) {
      // doctype, CDATA, processing instruction, `</>` or `</1`: a bogus comment up to `>`
      const end = html.indexOf('>', i)
      i = end < 0 ? html.length : end + 1
      continue
    }
    TAG_RE.lastIndex = i
    const m = TAG_RE.exec(html)
    if (!m) {
      // `<x…` never closed by `>`: HTML parsers drop an unfinished tag at the end of input
      if (/[A-Za-z]/.test(next === '/' ? (html[i + 2] ?? '') : next)) break
      pushText('<')
      i++
      continue
    }
    i += m[0].length
    const isEnd = m[1] === '/'
    const name = m[2]!.toLowerCase()

    if (isEnd) {
      if (skipStack.length > 0) {
        const at = skipStack.lastIndexOf(name)
        if (at >= 0) skipStack.length = at
        continue
      }
      if (name === 'head' && !inBody) continue
      if (!INLINE.has(name) && !['html', 'body', 'head'].includes(name)) text += ' '
      continue
    }

    if (skipStack.length > 0) {
      if (RAW_TEXT.has(name)) i = skipRawText(html, i, name)
      else if (!VOID.has(name)) skipStack.push(name)
      continue
    }

    if (name === 'html' || name === 'body') {
      if (name === 'body') inBody = true
      continue
    }
    if (!inBody && (name === 'head' || HEAD_CONTENT.has(name))) {
      if (name === 'head') continue
      // head content before any body content: never visible
      if (RAW_TEXT.has(name)) i = skipRawText(html, i, name)
      continue
    }
    if (name === 'head') continue // a second <head> is ignored by HTML parsers
    inBody = true

    if (SKIPPED.has(name)) {
      if (RAW_TEXT.has(name)) i = skipRawText(html, i, name)
      else if (!VOID.has(name)) skipStack.push(name)
      continue
    }
    if (!INLINE.has(name)) text += ' '
    if (RAW_TEXT.has(name)) {
      // visible raw text (noscript, title in body, xmp, …): its markup is literal text
      const end = findRawEnd(html, i, name)
      const raw = html.slice(i, end.contentEnd)
      text += name === 'title' ? decodeEntities(raw) : raw
      i = end.next
      text += ' '
    }
  }
  return text.replace(/[ \t\n\f\r]+/g, ' ')
}

function findRawEnd(
  html: string,
  from: number,
  name: string,
): { contentEnd: number; next: number } {
  const re = new RegExp(`</${name}(?=[\\s/>])[^>]*>?`, 'ig')
  re.lastIndex = from
  const m = re.exec(html)
  if (!m) return { contentEnd: html.length, next: html.length }
  return { contentEnd: m.index, next: m.index + m[0].length }
}

function skipRawText(html: string, from: number, name: string): number {
  return findRawEnd(html, from, name).next
}

/** Go's `unicode.IsSpace`, used by PocketBase's trimming (JS `trim` also strips U+FEFF). */
const GO_SPACE =
  '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]'
const GO_TRIM_RE = new RegExp(`^${GO_SPACE}+|${GO_SPACE}+$`, 'g')

function goTrim(s: string): string {
  return s.replace(GO_TRIM_RE, '')
}

/**
 * Returns a plain-text excerpt of `html` as PocketBase's `:excerpt(max, withEllipsis)` modifier
 * does: the text of {@link htmlToText}, trimmed, cut to `max` code points (runes) and trimmed again,
 * with `...` appended when `withEllipsis` is true and the text was cut. `max` must be ≥ 1.
 */
export function excerpt(html: string, max: number, withEllipsis = false): string {
  const text = goTrim(htmlToText(html))
  const chars = Array.from(text)
  if (chars.length <= max) return text
  const cut = goTrim(chars.slice(0, max).join(''))
  return withEllipsis ? `${cut}...` : cut
}
