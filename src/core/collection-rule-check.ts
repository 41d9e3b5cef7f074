import { buildFilterExpr } from '../tools/search/filter.ts'
import type { Collection } from './collection-model.ts'
import { RecordFieldResolver, type ResolverApp } from './record-field-resolver.ts'
import { emptyRequestInfo } from './request-info.ts'

/**
 * Checks an API rule the way PocketBase validates it: the rule must compile with the record
 * field resolver of `collection` (rule mode: hidden fields, `@request.*` and `@collection.*`
 * allowed). Returns the raw error text (e.g. `unknown field "x"`) or undefined when valid; an
 * empty rule is valid.
 */
export function checkRule(
  app: ResolverApp,
  collection: Collection,
  rule: string,
): string | undefined {
  if (rule.trim() === '') return undefined
  try {
    const resolver = new RecordFieldResolver(app, collection, emptyRequestInfo())
    buildFilterExpr(rule, resolver)
    return undefined
  } catch (err) {
    const reason = (err as { reason?: unknown }).reason
    if (reason === 'empty filter expression') return undefined
    return typeof reason === 'string' ? reason : err instanceof Error ? err.message : String(err)
  }
}
