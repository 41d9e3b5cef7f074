import { FilterError } from './filter-error.ts'

/** The comparison operators of the filter language; `?`-prefixed ones match *any* value (§5.7). */
export type SignOp =
  | '='
  | '!='
  | '>'
  | '>='
  | '<'
  | '<='
  | '~'
  | '!~'
  | '?='
  | '?!='
  | '?>'
  | '?>='
  | '?<'
  | '?<='
  | '?~'
  | '?!~'

/** The join operators: `&&` (AND) and `||` (OR). */
export type JoinOp = '&&' | '||'

/** An operand token, as found in an expression or a function argument list. */
export type OperandToken =
  | { readonly type: 'identifier'; readonly pos: number; readonly name: string }
  | { readonly type: 'text'; readonly pos: number; readonly value: string }
  | { readonly type: 'number'; readonly pos: number; readonly value: number; readonly raw: string }
  | { readonly type: 'placeholder'; readonly pos: number; readonly name: string }
  | {
      readonly type: 'function'
      readonly pos: number
      readonly name: string
      readonly args: readonly OperandToken[]
    }

/**
 * One token of a filter expression. A `group` token holds the raw text between its parentheses
 * (parsed recursively by the parser); `innerPos` is the offset of that text in the whole filter.
 */
export type Token =
  | OperandToken
  | { readonly type: 'sign'; readonly pos: number; readonly op: SignOp }
  | { readonly type: 'join'; readonly pos: number; readonly op: JoinOp }
  | {
      readonly type: 'group'
      readonly pos: number
      readonly inner: string
      readonly innerPos: number
    }
  | { readonly type: 'whitespace'; readonly pos: number }
  | { readonly type: 'comment'; readonly pos: number; readonly text: string }
  | { readonly type: 'eof'; readonly pos: number }

/** Deepest allowed nesting of function calls (`a(b(c()))`), like PocketBase's fexpr. */
export const MAX_FUNCTION_DEPTH = 3

/**
 * Deepest allowed nesting of parenthesised groups. PocketBase has no limit; ours keeps parsing
 * time linear-ish (each level rescans its text) and the recursion far from the stack limit.
 */
export const MAX_GROUP_DEPTH = 128

const SIGN_OPS: ReadonlySet<string> = new Set<SignOp>([
  '=',
  '!=',
  '>',
  '>=',
  '<',
  '<=',
  '~',
  '!~',
  '?=',
  '?!=',
  '?>',
  '?>=',
  '?<',
  '?<=',
  '?~',
  '?!~',
])

// NOTE: fexpr 0.6 (PocketBase 0.40) unescapes these in quoted texts; any other backslash pair is
// kept literally (`'a\b'` is the three characters a, \, b). Verified against PocketBase 0.40.4.
const TEXT_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  n: '\n',
  t: '\t',
  r: '\r',
}

const isWhitespace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r'
const isLetter = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
const isDigit = (c: string): boolean => c >= '0' && c <= '9'
const isIdentifierStart = (c: string): boolean => isLetter(c) || c === '_' || c === '@' || c === '#'
const isIdentifierPart = (c: string): boolean =>
  isLetter(c) || isDigit(c) || c === '_' || c === '.' || c === ':'
const isSignChar = (c: string): boolean =>
  c === '=' || c === '?' || c === '!' || c === '>' || c === '<' || c === '~'
const isWordChar = (c: string): boolean => isLetter(c) || isDigit(c) || c === '_'

/**
 * Scanner splits a filter into tokens (PocketBase fexpr §5.1): whitespace (space, tab, `\n`, and
 * `\r`, which fexpr 0.6 still rejects), `//` comments, identifiers, function calls with their
 * arguments, numbers, quoted texts, `{:name}` placeholders, sign and join operators and
 * parenthesised groups. `offset` is added to every reported position (used for groups);
 * `groupDepth` is the nesting level of `text` (0 for a whole filter), so that groups nested
 * deeper than {@link MAX_GROUP_DEPTH} are rejected while scanning the outermost one.
 * `next()` throws {@link FilterError} on a malformed token.
 */
export class Scanner {
  readonly #text: string
  readonly #offset: number
  readonly #groupDepth: number
  #i = 0

  constructor(text: string, offset = 0, groupDepth = 0) {
    this.#text = text
    this.#offset = offset
    this.#groupDepth = groupDepth
  }

  /** Returns the next token; `eof` once the input is exhausted. */
  next(): Token {
    const text = this.#text
    const start = this.#i
    const pos = this.#offset + start
    if (start >= text.length) return { type: 'eof', pos }
    const c = text[start]!

    if (isWhitespace(c)) {
      while (this.#i < text.length && isWhitespace(text[this.#i]!)) this.#i++
      return { type: 'whitespace', pos }
    }
    if (c === '/' && text[start + 1] === '/') return this.#comment()
    if (c === '(') return this.#group()
    if (c === ')') throw new FilterError('unexpected ")"', pos)
    if (c === '&' || c === '|') {
      while (this.#i < text.length && (text[this.#i] === '&' || text[this.#i] === '|')) this.#i++
      const op = text.slice(start, this.#i)
      if (op !== '&&' && op !== '||') throw new FilterError(`invalid join operator "${op}"`, pos)
      return { type: 'join', pos, op }
    }
    if (isSignChar(c)) {
      while (this.#i < text.length && isSignChar(text[this.#i]!)) this.#i++
      const op = text.slice(start, this.#i)
      if (!SIGN_OPS.has(op)) throw new FilterError(`invalid sign operator "${op}"`, pos)
      return { type: 'sign', pos, op: op as SignOp }
    }
    return this.#operand(0)
  }

  /** Skips whitespace and comments (inside function argument lists). */
  #skipBlank(): void {
    const text = this.#text
    for (;;) {
      const c = text[this.#i]
      if (c !== undefined && isWhitespace(c)) this.#i++
      else if (c === '/' && text[this.#i + 1] === '/') this.#comment()
      else return
    }
  }

  #comment(): Token {
    const pos = this.#offset + this.#i
    const end = this.#text.indexOf('\n', this.#i)
    const stop = end < 0 ? this.#text.length : end
    const comment = this.#text.slice(this.#i + 2, stop)
    this.#i = stop
    return { type: 'comment', pos, text: comment.trim() }
  }

  /**
   * Reads a group's raw text up to the matching `)`, skipping parentheses inside quoted texts.
   * NOTE: like fexpr, comments are not recognised here, so a `//` comment inside a group ends at
   * the group's closing parenthesis.
   */
  #group(): Token {
    const text = this.#text
    const pos = this.#offset + this.#i
    const budget = MAX_GROUP_DEPTH - this.#groupDepth
    let depth = 1
    let j = this.#i + 1
    while (j < text.length) {
      const c = text[j]!
      if (c === "'" || c === '"') {
        j = this.#skipQuoted(j)
        continue
      }
      if (c === '(') {
        if (++depth > budget) {
          throw new FilterError(`groups nested deeper than ${MAX_GROUP_DEPTH}`, this.#offset + j)
        }
      } else if (c === ')' && --depth === 0) break
      j++
    }
    if (depth !== 0) throw new FilterError('unclosed group "("', pos)
    const inner = text.slice(this.#i + 1, j)
    const innerPos = this.#offset + this.#i + 1
    this.#i = j + 1
    return { type: 'group', pos, inner, innerPos }
  }

  /** Returns the index just past the quoted text starting at `j` (or throws when unterminated). */
  #skipQuoted(j: number): number {
    const text = this.#text
    const quote = text[j]
    let k = j + 1
    while (k < text.length) {
      const c = text[k]
      if (c === '\\') k += 2
      else if (c === quote) return k + 1
      else k++
    }
    throw new FilterError('unterminated quoted text', this.#offset + j)
  }

  #operand(depth: number): OperandToken {
    const text = this.#text
    const start = this.#i
    const pos = this.#offset + start
    const c = text[start]!
    if (c === "'" || c === '"') return this.#quoted()
    if (isDigit(c) || c === '-') return this.#number()
    if (c === '{' && text[start + 1] === ':') return this.#placeholder()
    if (!isIdentifierStart(c)) throw new FilterError(`unexpected character "${c}"`, pos)

    this.#i++
    while (this.#i < text.length && isIdentifierPart(text[this.#i]!)) this.#i++
    const name = text.slice(start, this.#i)
    const last = name[name.length - 1]!
    if (last === '.' || last === ':' || name === '@' || name === '_' || name === '#') {
      throw new FilterError(`invalid identifier "${name}"`, pos)
    }
    if (text[this.#i] !== '(') return { type: 'identifier', pos, name }
    if (depth >= MAX_FUNCTION_DEPTH) {
      throw new FilterError(`max function nesting depth of ${MAX_FUNCTION_DEPTH} reached`, pos)
    }
    return { type: 'function', pos, name, args: this.#arguments(depth + 1) }
  }

  /** Reads `(arg, arg, …)`; one trailing comma is allowed, empty arguments are not. */
  #arguments(depth: number): OperandToken[] {
    const text = this.#text
    const open = this.#offset + this.#i
    this.#i++ // (
    const args: OperandToken[] = []
    let expectArg = true
    for (;;) {
      this.#skipBlank()
      const c = text[this.#i]
      const pos = this.#offset + this.#i
      if (c === undefined) throw new FilterError('unclosed function call', open)
      if (c === ')') {
        this.#i++
        return args
      }
      if (c === ',') {
        if (expectArg) throw new FilterError('unexpected ","', pos)
        this.#i++
        expectArg = true
        continue
      }
      if (!expectArg) throw new FilterError('expected "," or ")" after a function argument', pos)
      args.push(this.#operand(depth))
      expectArg = false
    }
  }

  #number(): OperandToken {
    const text = this.#text
    const start = this.#i
    const pos = this.#offset + start
    if (text[this.#i] === '-') this.#i++
    while (this.#i < text.length && (isDigit(text[this.#i]!) || text[this.#i] === '.')) this.#i++
    const raw = text.slice(start, this.#i)
    if (!/^-?\d+(\.\d+)?$/.test(raw)) throw new FilterError(`invalid number "${raw}"`, pos)
    return { type: 'number', pos, value: Number(raw), raw }
  }

  #quoted(): OperandToken {
    const text = this.#text
    const pos = this.#offset + this.#i
    const quote = text[this.#i]
    let value = ''
    let k = this.#i + 1
    while (k < text.length) {
      const c = text[k]!
      if (c === quote) {
        this.#i = k + 1
        return { type: 'text', pos, value }
      }
      if (c === '\\' && k + 1 < text.length) {
        const escaped = TEXT_ESCAPES[text[k + 1]!]
        if (escaped !== undefined) {
          value += escaped
          k += 2
          continue
        }
      }
      value += c
      k++
    }
    throw new FilterError('unterminated quoted text', pos)
  }

  #placeholder(): OperandToken {
    const text = this.#text
    const pos = this.#offset + this.#i
    let k = this.#i + 2
    while (k < text.length && isWordChar(text[k]!)) k++
    const name = text.slice(this.#i + 2, k)
    if (name === '' || text[k] !== '}') throw new FilterError('invalid {:name} placeholder', pos)
    this.#i = k + 1
    return { type: 'placeholder', pos, name }
  }
}
