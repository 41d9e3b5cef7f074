import { FilterError } from './filter-error.ts'
import { type JoinOp, type OperandToken, Scanner, type SignOp, type Token } from './scanner.ts'

/** An operand of a comparison: identifier, quoted text, number, `{:name}` placeholder or call. */
export type Operand = OperandToken

/** One comparison `left op right`. `pos` is the offset of its left operand. */
export interface Expr {
  readonly kind: 'expr'
  readonly pos: number
  readonly left: Operand
  readonly op: SignOp
  readonly right: Operand
}

/** A parenthesised sub-filter. */
export interface Group {
  readonly kind: 'group'
  readonly pos: number
  readonly items: readonly ExprGroup[]
}

/**
 * One item of a filter: an expression or a group, with the join operator that connects it to
 * the previous item (the first item's join is `&&` and has no meaning). Like fexpr, the result is
 * a flat list; SQL generation joins the items with AND/OR so standard precedence applies.
 */
export interface ExprGroup {
  readonly join: JoinOp
  readonly item: Expr | Group
}

/** How many parse results `parse` keeps (PocketBase caches 500). */
export const PARSE_CACHE_SIZE = 500

const cache = new Map<string, readonly ExprGroup[]>()

/**
 * Parses a filter into a frozen list of {@link ExprGroup}s (PocketBase fexpr §5.2). Results are
 * cached by text (bounded, oldest evicted first), so callers must not mutate them (they are
 * frozen). Throws {@link FilterError} for an empty or malformed filter.
 *
 * Grammar: `filter := item (JOIN item)*`, `item := operand SIGN operand | "(" filter ")"`.
 * As in fexpr, a group may directly follow an item without a join operator; it then reuses the
 * most recent join of its level (`a = 1 (b = 2)` is `a = 1 && b = 2`).
 * NOTE: fexpr also accepts a group in the middle of an expression and silently drops the
 * unfinished expression (`a = (b = 1)` means `b = 1`); we reject that instead.
 */
export function parse(text: string): readonly ExprGroup[] {
  const cached = cache.get(text)
  if (cached !== undefined) return cached
  const result = deepFreeze(parseLevel(text, 0, 0))
  if (cache.size >= PARSE_CACHE_SIZE) {
    const oldest = cache.keys().next().value
    if (oldest !== undefined) cache.delete(oldest)
  }
  cache.set(text, result)
  return result
}

type Step = 'left' | 'sign' | 'right' | 'join'

function parseLevel(text: string, offset: number, depth: number): ExprGroup[] {
  const scanner = new Scanner(text, offset, depth)
  const items: ExprGroup[] = []
  let step: Step = 'left'
  let join: JoinOp = '&&'
  let left: Operand | undefined
  let op: SignOp | undefined
  let lastPos = offset

  for (;;) {
    const t: Token = scanner.next()
    if (t.type === 'eof') {
      lastPos = t.pos
      break
    }
    if (t.type === 'whitespace' || t.type === 'comment') continue

    if (t.type === 'group') {
      if (step !== 'left' && step !== 'join') {
        throw new FilterError('unexpected group inside an expression', t.pos)
      }
      const inner = parseLevel(t.inner, t.innerPos, depth + 1)
      items.push({ join, item: { kind: 'group', pos: t.pos, items: inner } })
      step = 'join'
      continue
    }

    switch (step) {
      case 'left':
        if (!isOperand(t))
          throw new FilterError(`expected a left operand, got ${describe(t)}`, t.pos)
        left = t
        step = 'sign'
        break
      case 'sign':
        if (t.type !== 'sign')
          throw new FilterError(`expected an operator, got ${describe(t)}`, t.pos)
        op = t.op
        step = 'right'
        break
      case 'right':
        if (!isOperand(t)) {
          throw new FilterError(`expected a right operand, got ${describe(t)}`, t.pos)
        }
        items.push({
          join,
          item: { kind: 'expr', pos: left!.pos, left: left!, op: op!, right: t },
        })
        left = undefined
        op = undefined
        step = 'join'
        break
      case 'join':
        if (t.type !== 'join') throw new FilterError(`expected && or ||, got ${describe(t)}`, t.pos)
        join = t.op
        step = 'left'
        break
    }
  }

  if (step !== 'join') {
    if (items.length === 0 && left === undefined) {
      throw new FilterError('empty filter expression', offset)
    }
    throw new FilterError('invalid or incomplete filter expression', lastPos)
  }
  return items
}

function isOperand(t: Token): t is OperandToken {
  return (
    t.type === 'identifier' ||
    t.type === 'text' ||
    t.type === 'number' ||
    t.type === 'placeholder' ||
    t.type === 'function'
  )
}

function describe(t: Token): string {
  switch (t.type) {
    case 'identifier':
      return `identifier "${t.name}"`
    case 'function':
      return `function "${t.name}(…)"`
    case 'text':
      return 'a quoted text'
    case 'number':
      return `number ${t.raw}`
    case 'placeholder':
      return `placeholder {:${t.name}}`
    case 'sign':
    case 'join':
      return `operator "${t.op}"`
    default:
      return t.type
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v)
    Object.freeze(value)
  }
  return value
}
