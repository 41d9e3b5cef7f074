import type { CollectionModel } from 'pocketbase'

/** An API rule property of a collection. */
export type RuleKey =
  | 'listRule'
  | 'viewRule'
  | 'createRule'
  | 'updateRule'
  | 'deleteRule'
  | 'authRule'
  | 'manageRule'

/** The rules a collection of `type` has, with their labels (view collections are read-only). */
export function rulesOf(type: string): { key: RuleKey; label: string }[] {
  const read = [
    { key: 'listRule' as const, label: 'List/Search rule' },
    { key: 'viewRule' as const, label: 'View rule' },
  ]
  if (type === 'view') return read
  const write = [
    { key: 'createRule' as const, label: 'Create rule' },
    { key: 'updateRule' as const, label: 'Update rule' },
    { key: 'deleteRule' as const, label: 'Delete rule' },
  ]
  if (type !== 'auth') return [...read, ...write]
  return [
    ...read,
    ...write,
    { key: 'authRule' as const, label: 'Authentication rule' },
    { key: 'manageRule' as const, label: 'Manage rule' },
  ]
}

/** The rules of an existing collection (new ones start locked to superusers, as the API does). */
export function currentRules(c: CollectionModel | null): Record<RuleKey, string | null> {
  const get = (k: RuleKey) => {
    if (c === null) return k === 'authRule' ? '' : null
    const v = (c as unknown as Record<string, unknown>)[k]
    return typeof v === 'string' ? v : null
  }
  return {
    listRule: get('listRule'),
    viewRule: get('viewRule'),
    createRule: get('createRule'),
    updateRule: get('updateRule'),
    deleteRule: get('deleteRule'),
    authRule: get('authRule'),
    manageRule: get('manageRule'),
  }
}
