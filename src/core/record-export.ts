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
 * `collectionId` and `collectionName`; `expand` when set; keys sorted as Go's encoder sorts a
 * map's (`Collection.recordKeys`); hidden fields only `withHidden`;
 * `password` and `tokenKey` never; `email` of auth records only when `emailVisibility` is true,
 * the requester is a superuser or the record itself, or the id is in `showEmailFor`.
 */
export function exportRecord(
  record: Record,
  options: ExportOptions = {},
): { [key: string]: unknown } {
  const c = record.collection
  const hideEmail = c.isAuth && !canSeeEmail(record, options)
  const out: { [key: string]: unknown } = {}
  for (const key of c.recordKeys) {
    if (key === 'collectionId') out.collectionId = c.id
    else if (key === 'collectionName') out.collectionName = c.name
    else if (key === 'expand') {
      if (record.expand !== undefined) out.expand = exportExpand(record.expand, options)
    } else {
      if (key.hidden && !options.withHidden && !record.withHidden) continue
      if (c.isAuth && (key.name === 'password' || key.name === 'tokenKey')) continue
      if (hideEmail && key.name === 'email') continue
      out[key.name] = key.jsonValue(record.get(key.name))
    }
  }
  if (record.customData !== undefined) return sortedKeys(Object.assign(out, record.customData))
  return out
}

function exportExpand(
  expand: NonNullable<Record['expand']>,
  options: ExportOptions,
): { [key: string]: unknown } {
  const out: { [key: string]: unknown } = {}
  for (const [k, v] of Object.entries(expand).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    out[k] = Array.isArray(v) ? v.map((r) => exportRecord(r, options)) : exportRecord(v, options)
  }
  return out
}

/** A copy of `o` with its keys in Go's map order (custom data may add any key). */
function sortedKeys(o: { [key: string]: unknown }): { [key: string]: unknown } {
  const out: { [key: string]: unknown } = {}
  for (const k of Object.keys(o).sort()) out[k] = o[k]
  return out
}

function canSeeEmail(record: Record, options: ExportOptions): boolean {
  if (record.getBool('emailVisibility') || options.withHidden || record.ignoreEmailVisibility)
    return true
  const auth = options.auth
  if (auth && auth.id === record.id && auth.collection.id === record.collection.id) return true
  return options.showEmailFor?.has(record.id) ?? false
}
