import { Buffer } from 'node:buffer'
import type { Dialect, OrderOperand, SqlValue } from '../db/db.ts'
import { FilterError } from '../fexpr/filter-error.ts'
import { type Expr, type ExprGroup, type Operand, parse } from '../fexpr/parser.ts'
import { formatDate } from '../types/datetime.ts'
import type { FieldResolver, MultiMatch, ResolverResult } from './field-resolver.ts'
import { identifierMacro } from './identifier-macros.ts'
import { mergeParams, type Sql, sql } from './select-query.ts'

/** Longest client `?filter=` PocketBase accepts, in UTF-8 bytes (API rules are not limited). */
export const MAX_FILTER_LENGTH = 3500

/** Most comparisons one filter may contain (applies to API rules too). */
export const MAX_FILTER_EXPRESSIONS = 200

/** Options of {@link buildFilterExpr}. */
export interface FilterOptions {
  /**
   * Prefix of the generated parameter names (default `p` → `:p0`, `:p1`…). Give each filter of
   * one statement its own prefix (e.g. `r` for the rule, `f` for the client filter).
   */
  readonly paramPrefix?: string
  /** Maximum length in UTF-8 bytes; pass {@link MAX_FILTER_LENGTH} for client filters. */
  readonly maxLength?: number
  /** Maximum number of comparisons (default {@link MAX_FILTER_EXPRESSIONS}). */
  readonly maxExpressions?: number
  /** The instant date macros (`@now`, `@todayStart`…) refer to (default: now). */
  readonly now?: Date
}

/**
 * Compiles a filter (PocketBase's filter language, §5) into a SQL condition with named params,
 * resolving fields through `resolver` (call `resolver.updateQuery(query)` afterwards to add the
 * joins it collected). `params` holds the values of `{:name}` placeholders; they are bound, never
 * interpolated. Follows PocketBase: AND binds tighter than OR; `=`/`!=` treat NULL and `''` alike
 * (§5.6); `~` wraps a text in `%…%` and escapes `\ % _` unless it has an unescaped `%`; plain
 * operators on multi-valued operands require every value to match (NOT EXISTS), `?`-operators
 * any value (§5.7); date macros; `geoDistance()` and `strftime()`.
 * Throws {@link FilterError} for syntax errors, unknown fields or functions, missing placeholder
 * values and exceeded limits.
 *
 * @example
 * buildFilterExpr("title ~ {:q} && views > 10", resolver, { q: 'abc' })
 * // → { sql: '(`posts`.`title` LIKE :p0 ESCAPE \'\\\' AND `posts`.`views` > :p1)',
 * //     params: { p0: '%abc%', p1: 10 } }
 */
export function buildFilterExpr(
  filter: string,
  resolver: FieldResolver,
  params: Readonly<Record<string, unknown>> = {},
  options: FilterOptions = {},
): Sql {
  if (options.maxLength !== undefined && Buffer.byteLength(filter, 'utf8') > options.maxLength) {
    throw new FilterError(`the filter is longer than ${options.maxLength} bytes`)
  }
  const items = parse(filter)
  const max = options.maxExpressions ?? MAX_FILTER_EXPRESSIONS
  if (countExpressions(items) > max) throw new FilterError('max filter expressions limit reached')
  const builder = new FilterBuilder(resolver, params, options)
  const text = builder.items(items)
  return sql(text, builder.params)
}

function countExpressions(items: readonly ExprGroup[]): number {
  let n = 0
  for (const { item } of items) n += item.kind === 'expr' ? 1 : countExpressions(item.items)
  return n
}

/** One compiled operand and what the comparison rules need to know about it. */
/** What {@link Dialect.order} needs of a comparison side. */
function orderOperand(s: Side): OrderOperand {
  const kind = s.number === true ? 'number' : s.text !== undefined ? 'text' : 'value'
  return { sql: s.sql, kind }
}

interface Side {
  readonly sql: string
  /** The literal `''`/NULL, or a bound empty string / NULL. */
  readonly empty: boolean
  /** A bound non-empty value or a boolean literal: no COALESCE needed. */
  readonly known: boolean
  /** The string value when the operand is one bound text (LIKE auto-wrapping applies). */
  readonly text?: string
  /** Set when the operand is one bound number. */
  readonly number?: true
  readonly noCoalesce: boolean
  readonly multiMatch?: MultiMatch
  readonly afterBuild?: (condition: string) => string
}

const EMPTY_TEXT: Side = { sql: "''", empty: true, known: false, text: '', noCoalesce: false }
const NULL_SIDE: Side = { sql: 'NULL', empty: true, known: false, noCoalesce: false }
const PLACEHOLDER_RE = /^:(\w+)$/
const MULTI_MATCH_VALUE = 'multiMatchValue'

class FilterBuilder {
  readonly params: Record<string, SqlValue> = {}
  readonly #resolver: FieldResolver
  readonly #dialect: Dialect
  readonly #placeholders: Readonly<Record<string, unknown>>
  readonly #prefix: string
  readonly #now: Date
  #next = 0
  #nextSubquery = 0
  readonly #likePatterns = new WeakMap<Side, string>()

  constructor(
    resolver: FieldResolver,
    placeholders: Readonly<Record<string, unknown>>,
    options: FilterOptions,
  ) {
    this.#resolver = resolver
    this.#dialect = resolver.dialect
    this.#placeholders = placeholders
    this.#prefix = options.paramPrefix ?? 'p'
    this.#now = options.now ?? new Date()
    if (!/^\w+$/.test(this.#prefix)) throw new Error(`Invalid parameter prefix "${this.#prefix}".`)
  }

  /** `a AND b OR c`, parenthesised when there is more than one item. */
  items(items: readonly ExprGroup[]): string {
    const parts: string[] = []
    for (const [i, { join, item }] of items.entries()) {
      const text = item.kind === 'expr' ? this.#expr(item) : this.items(item.items)
      parts.push(i === 0 ? text : `${join === '&&' ? 'AND' : 'OR'} ${text}`)
    }
    return parts.length === 1 ? parts[0]! : `(${parts.join(' ')})`
  }

  #bind(value: SqlValue): string {
    const name = `${this.#prefix}${this.#next++}`
    this.params[name] = value
    return `:${name}`
  }

  #expr(e: Expr): string {
    const left = this.#side('left', e.left)
    const right = this.#side('right', e.right)
    const isAny = e.op.startsWith('?')
    const op = isAny ? e.op.slice(1) : e.op
    let cond = this.#compare(op, left, right)
    if (!isAny && (left.multiMatch !== undefined || right.multiMatch !== undefined)) {
      cond = `((${cond}) AND (NOT EXISTS (${this.#everyValue(op, left, right)})))`
    }
    if (left.afterBuild) cond = left.afterBuild(cond)
    if (right.afterBuild) cond = right.afterBuild(cond)
    return cond
  }

  /** The sub-query that finds a value violating the condition ("all values must match"). */
  #everyValue(op: string, left: Side, right: Side): string {
    const q = this.#dialect.quoteIdent
    const derived = (side: Side) => {
      const mm = side.multiMatch!
      const alias = q(`__sm${this.#nextSubquery++}`)
      return {
        table: `(SELECT ${mm.valueIdentifier} AS ${q(MULTI_MATCH_VALUE)} ${mm.from}) ${alias}`,
        side: { ...side, sql: `${alias}.${q(MULTI_MATCH_VALUE)}` },
      }
    }
    if (left.multiMatch !== undefined && right.multiMatch !== undefined) {
      const l = derived(left)
      const r = derived(right)
      return (
        `SELECT 1 FROM ${l.table} LEFT JOIN ${r.table} ON 1 = 1 ` +
        `WHERE NOT (${this.#compare(op, l.side, r.side)})`
      )
    }
    if (left.multiMatch !== undefined) {
      const l = derived(left)
      return `SELECT 1 FROM ${l.table} WHERE NOT (${this.#compare(op, l.side, right)})`
    }
    const r = derived(right)
    return `SELECT 1 FROM ${r.table} WHERE NOT (${this.#compare(op, left, r.side)})`
  }

  #compare(op: string, l: Side, r: Side): string {
    const d = this.#dialect
    switch (op) {
      case '=':
      case '!=': {
        const negate = op === '!='
        if (l.noCoalesce || r.noCoalesce) return d.isSame(l.sql, r.sql, negate)
        if (l.empty && r.empty) return negate ? d.isSame("''", "''", true) : "'' = ''"
        if (l.empty || r.empty) return d.isEmpty(l.empty ? r.sql : l.sql, negate)
        if (l.known || r.known) return negate ? d.isSame(l.sql, r.sql, true) : `${l.sql} = ${r.sql}`
        const cl = d.orEmpty(l.sql)
        const cr = d.orEmpty(r.sql)
        return negate ? d.isSame(cl, cr, true) : `${cl} = ${cr}`
      }
      case '>':
      case '>=':
      case '<':
      case '<=':
        return d.order(op, orderOperand(l), orderOperand(r))
      case '~':
      case '!~': {
        let pattern: string
        if (r.text !== undefined) {
          const text = r.text
          pattern =
            this.#likePatterns.get(r) ??
            this.#bind(hasUnescapedPercent(text) ? text : `%${escapeLike(text)}%`)
          this.#likePatterns.set(r, pattern)
        } else {
          pattern = `('%' || ${r.sql} || '%')`
        }
        return d.like(l.sql, pattern, op === '!~')
      }
      default:
        throw new Error(`Unhandled operator "${op}".`)
    }
  }

  #operand(o: Operand): Side {
    switch (o.type) {
      case 'text':
        return this.#text(o.value)
      case 'number':
        return {
          sql: this.#bind(o.value),
          empty: false,
          known: true,
          number: true,
          noCoalesce: false,
        }
      case 'placeholder':
        return this.#placeholder(o.name, o.pos)
      case 'identifier':
        return this.#identifier(o.name, o.pos)
      case 'function':
        return this.#function(o)
    }
  }

  #text(value: string): Side {
    if (value === '') return EMPTY_TEXT
    // Bound on first use only: a LIKE pattern replaces the text with its wrapped form.
    let bound: string | undefined
    const bind = () => {
      bound ??= this.#bind(value)
      return bound
    }
    return {
      get sql() {
        return bind()
      },
      empty: false,
      known: true,
      text: value,
      noCoalesce: false,
    }
  }

  #placeholder(name: string, pos: number): Side {
    if (!Object.hasOwn(this.#placeholders, name)) {
      throw new FilterError(`missing value for the placeholder {:${name}}`, pos)
    }
    const value = this.#placeholders[name]
    if (value === null || value === undefined) return NULL_SIDE
    switch (typeof value) {
      case 'string':
        return this.#text(value)
      case 'boolean':
        return { sql: value ? '1' : '0', empty: false, known: true, noCoalesce: false }
      case 'number':
        if (!Number.isFinite(value)) {
          throw new FilterError(`the placeholder {:${name}} is not a finite number`, pos)
        }
        return {
          sql: this.#bind(value),
          empty: false,
          known: true,
          number: true,
          noCoalesce: false,
        }
      case 'bigint':
        return { sql: this.#bind(value), empty: false, known: true, noCoalesce: false }
      default:
        if (value instanceof Date) return this.#text(formatDate(value))
        // NOTE: PocketBase JSON-encodes other values (arrays, objects) into a text.
        return this.#text(JSON.stringify(value) ?? '')
    }
  }

  /**
   * Resolves one operand of a comparison; resolver failures of identifiers are reported like
   * PocketBase's `invalid left operand "x" - <reason>` (permission errors keep their reason).
   */
  #side(which: 'left' | 'right', operand: Expr['left']): Side {
    try {
      return this.#operand(operand)
    } catch (err) {
      if (
        err instanceof FilterError &&
        !err.forbidden &&
        (operand.type === 'identifier' || operand.type === 'function')
      ) {
        throw new FilterError(
          `invalid ${which} operand "${operand.name}" - ${err.reason}`,
          err.position,
          {
            cause: err.cause,
          },
        )
      }
      throw err
    }
  }

  #identifier(name: string, pos: number): Side {
    const macro = identifierMacro(name, this.#now)
    if (macro !== undefined) {
      return { sql: this.#bind(macro), empty: false, known: true, noCoalesce: false }
    }
    // NOTE: PocketBase tries the resolver first, but `null`, `true` and `false` are reserved
    // field names, so checking the literals first gives the same result without a thrown error.
    switch (name.toLowerCase()) {
      case 'null':
        return NULL_SIDE
      case 'true':
        return { sql: '1', empty: false, known: true, noCoalesce: false }
      case 'false':
        return { sql: '0', empty: false, known: true, noCoalesce: false }
    }
    let result: ResolverResult
    try {
      result = this.#resolver.resolve(name)
    } catch (err) {
      if (err instanceof FilterError && err.position === undefined) {
        throw new FilterError(err.reason, pos, { cause: err.cause, forbidden: err.forbidden })
      }
      throw err
    }
    return this.#fromResolver(result)
  }

  #fromResolver(result: ResolverResult): Side {
    mergeParams(this.params, result.params)
    if (result.multiMatch !== undefined) mergeParams(this.params, result.multiMatch.params)
    const base = {
      sql: result.identifier,
      noCoalesce: result.noCoalesce ?? false,
      multiMatch: result.multiMatch,
      afterBuild: result.afterBuild,
    }
    if (result.identifier.toUpperCase() === 'NULL') return { ...base, empty: true, known: false }
    const m = PLACEHOLDER_RE.exec(result.identifier)
    if (m !== null && result.params !== undefined && Object.hasOwn(result.params, m[1]!)) {
      const value = result.params[m[1]!]
      if (value === null || value === '') return { ...base, empty: true, known: false }
      return {
        ...base,
        empty: false,
        known: true,
        text: typeof value === 'string' ? value : undefined,
      }
    }
    return { ...base, empty: false, known: false }
  }

  #function(f: Extract<Operand, { type: 'function' }>): Side {
    switch (f.name) {
      case 'geoDistance': {
        if (f.args.length !== 4) {
          throw new FilterError(`[geoDistance] expected 4 arguments, got ${f.args.length}`, f.pos)
        }
        const args = f.args.map((a, i) => {
          if (a.type === 'identifier' || a.type === 'number') return this.#operand(a)
          if (a.type === 'placeholder') {
            const side = this.#operand(a)
            if (side.known && side.text === undefined) return side
          }
          throw new FilterError(
            `[geoDistance] argument ${i} must be an identifier or number`,
            a.pos,
          )
        })
        return this.#call(args, true, f.pos, (x) =>
          this.#dialect.geoDistance(x[0]!, x[1]!, x[2]!, x[3]!),
        )
      }
      case 'strftime': {
        // strftime(format[, time-value[, modifiers…]]), 1 to 10 arguments like PocketBase; the
        // time value defaults to 'now' (SQLite's own default)
        const n = f.args.length
        if (n === 0) throw new FilterError('[strftime] expected at least 1 arguments, got 0', f.pos)
        if (n > 10) {
          throw new FilterError(`[strftime] too many arguments (max allowed 10, got ${n})`, f.pos)
        }
        const args = f.args.map((a, i) => {
          if (i === 1) {
            if (a.type !== 'function') return this.#operand(a)
            throw new FilterError(
              '[strftime] expects the second argument to be of a valid time-value type',
              a.pos,
            )
          }
          if (a.type === 'text' || a.type === 'placeholder') {
            const side = this.#operand(a)
            if (side.text !== undefined) return side
          }
          throw new FilterError(
            i === 0
              ? '[strftime] expects the first argument to be a format string'
              : `[strftime] invalid modifier argument ${i - 2} - can be only string`,
            a.pos,
          )
        })
        if (args.length === 1) args.push(this.#operand({ type: 'text', value: 'now', pos: f.pos }))
        return this.#call(args, false, f.pos, (x) =>
          this.#dialect.strftime(x[0]!, x[1]!, x.slice(2)),
        )
      }
      default:
        throw new FilterError(`unknown function "${f.name}"`, f.pos)
    }
  }

  /** Builds a function call; a multi-valued argument makes the result multi-valued too. */
  #call(args: Side[], noCoalesce: boolean, pos: number, render: (args: string[]) => string): Side {
    const multi = args.filter((a) => a.multiMatch !== undefined)
    if (multi.length > 1) {
      throw new FilterError('a function may have at most one multi-valued argument', pos)
    }
    const sqlArgs = args.map((a) => a.sql)
    const mmArg = multi[0]
    let multiMatch: MultiMatch | undefined
    if (mmArg?.multiMatch !== undefined) {
      const mm = mmArg.multiMatch
      multiMatch = {
        valueIdentifier: render(args.map((a) => (a === mmArg ? mm.valueIdentifier : a.sql))),
        from: mm.from,
        params: mm.params,
      }
    }
    const afters = args.flatMap((a) => (a.afterBuild ? [a.afterBuild] : []))
    return {
      sql: render(sqlArgs),
      empty: false,
      known: false,
      noCoalesce,
      multiMatch,
      afterBuild: afters.length === 0 ? undefined : (c) => afters.reduce((acc, fn) => fn(acc), c),
    }
  }
}

/** True when `s` holds a `%` that is not escaped by a backslash (a user-written LIKE pattern). */
function hasUnescapedPercent(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\') i++
    else if (s[i] === '%') return true
  }
  return false
}

/** Escapes `\`, `%` and `_` for LIKE … ESCAPE '\', keeping pairs that are escaped already. */
function escapeLike(s: string): string {
  let out = ''
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!
    if (c === '\\') {
      const next = s[i + 1]
      if (next === '\\' || next === '%' || next === '_') {
        out += c + next
        i++
      } else {
        out += '\\\\'
      }
    } else if (c === '%' || c === '_') {
      out += `\\${c}`
    } else {
      out += c
    }
  }
  return out
}
