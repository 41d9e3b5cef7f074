import { type ExprGroup, type Operand, parse } from '../tools/fexpr/parser.ts'
import type { Collection } from './collection-model.ts'

/** Names every record exposes besides its fields (usable in rules). */
const RECORD_PROPS = new Set(['collectionId', 'collectionName'])

/**
 * Checks that an API rule parses and that its plain identifiers start with a field of
 * `collection` (PocketBase resolves the whole rule with the record field resolver; until that
 * resolver is wired here, `@`-prefixed operands and `_via_` back-relations are accepted as is).
 * Returns PocketBase's raw error text (e.g. `invalid left operand "x" - unknown field "x"`) or
 * undefined when the rule is valid.
 */
export function checkRule(collection: Collection, rule: string): string | undefined {
  let groups: readonly ExprGroup[]
  try {
    groups = parse(rule)
  } catch (err) {
    const reason = (err as { reason?: string }).reason
    if (reason === 'empty filter expression') return undefined
    return 'invalid or incomplete filter expression'
  }
  return checkGroups(collection, groups)
}

function checkGroups(collection: Collection, groups: readonly ExprGroup[]): string | undefined {
  for (const g of groups) {
    const item = g.item
    if (item.kind === 'group') {
      const err = checkGroups(collection, item.items)
      if (err !== undefined) return err
      continue
    }
    const left = checkOperand(collection, item.left)
    if (left !== undefined) return `invalid left operand "${left}" - unknown field "${left}"`
    const right = checkOperand(collection, item.right)
    if (right !== undefined) return `invalid right operand "${right}" - unknown field "${right}"`
  }
  return undefined
}

/** Returns the unknown identifier of an operand, if any. */
function checkOperand(collection: Collection, op: Operand): string | undefined {
  if (op.type === 'function') {
    for (const a of op.args) {
      const bad = checkOperand(collection, a)
      if (bad !== undefined) return bad
    }
    return undefined
  }
  if (op.type !== 'identifier') return undefined
  const name = op.name
  if (name.startsWith('@')) return undefined
  const first = name.split('.')[0]!.split(':')[0]!
  if (first.includes('_via_')) return undefined
  if (RECORD_PROPS.has(first) || collection.getField(first) !== undefined) return undefined
  return name
}
