import type { Record } from './record-model.ts'

/** Who a record is exported for (PocketBase §4.1 visibility rules). */
export interface ExportOptions {
  /** Include hidden fields (requests by superusers). */
  readonly withHidden?: boolean
  /** The requester's auth record: an auth record always sees its own email. */
  readonly auth?: Record | null
  /**
   * Record ids (of auth collections) whose `email` is shown regardless of `emailVisibility`,
   * e.g. because the requester passes the collection's manageRule.
   */
  readonly showEmailFor?: ReadonlySet<string>
}

/**
 * The wire JSON of a record (PocketBase `PublicExport`, §4.1): every field by name plus
 * `collectionId` and `collectionName`; `expand` when set; hidden fields only `withHidden`;
 * `password` and `tokenKey` never; `email` of auth records only when `emailVisibility` is true,
 * the requester is a superuser or the record itself, or the id is in `showEmailFor`.
 */
export function exportRecord(
  record: Record,
  options: ExportOptions = {},
): { [key: string]: unknown } {
  const c = record.collection
  const out: { [key: string]: unknown } = { collectionId: c.id, collectionName: c.name }
  for (const f of c.fields) {
    if (f.hidden && !options.withHidden && !record.withHidden) continue
    if (c.isAuth && (f.name === 'password' || f.name === 'tokenKey')) continue
    out[f.name] = f.jsonValue(record.get(f.name))
  }
  if (c.isAuth && !canSeeEmail(record, options)) delete out.email
  if (record.expand !== undefined) {
    const expand: { [key: string]: unknown } = {}
    for (const [k, v] of Object.entries(record.expand)) {
      expand[k] = Array.isArray(v)
        ? v.map((r) => exportRecord(r, options))
        : exportRecord(v, options)
    }
    out.expand = expand
  }
  if (record.customData !== undefined) Object.assign(out, record.customData)
  return out
}

function canSeeEmail(record: Record, options: ExportOptions): boolean {
  if (record.getBool('emailVisibility') || options.withHidden || record.ignoreEmailVisibility)
    return true
  const auth = options.auth
  if (auth && auth.id === record.id && auth.collection.id === record.collection.id) return true
  return options.showEmailFor?.has(record.id) ?? false
}
