import type { CollectionField, CollectionModel, RecordModel } from 'pocketbase'

/** The columns of a collection's records table: every field except passwords and token keys. */
export function columnsOf(collection: CollectionModel): CollectionField[] {
  return collection.fields.filter((f) => f.type !== 'password' && f.name !== 'tokenKey')
}

/** The default sort of a records table: newest first when there is a `created` autodate. */
export function defaultSort(collection: CollectionModel): string {
  return collection.fields.some((f) => f.name === 'created' && f.type === 'autodate')
    ? '-created'
    : ''
}

/** The relation fields to expand for a table (so cells can show the related records' names). */
export function expandOf(columns: readonly CollectionField[]): string {
  return columns
    .filter((f) => f.type === 'relation')
    .map((f) => f.name)
    .join(',')
}

/** File names the server makes thumbnails of (PocketBase: png, jpg, gif, webp). */
export const IMAGE_FILE = /\.(png|jpe?g|gif|webp)$/i

/** The file names of a file field's value (one name or a list; `[]` when empty). */
export function fileNames(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string' && x !== '')
  return typeof v === 'string' && v !== '' ? [v] : []
}

/** A related record's label: its presentable fields (of `target`), else its id. */
export function relatedLabel(target: CollectionModel | undefined, r: RecordModel): string {
  const names = (target?.fields ?? []).filter((f) => f.presentable).map((f) => f.name)
  const parts = names.map((n) => r[n]).filter((x) => x !== '' && x !== null && x !== undefined)
  return parts.length > 0 ? parts.join(' · ') : r.id
}

/**
 * A short text for a table cell (longer values are cut; HTML and JSON are flattened; expanded
 * relations show the related records' labels, `targetOf` finding their collection).
 */
export function cellText(
  field: CollectionField,
  record: RecordModel,
  targetOf: (id: string) => CollectionModel | undefined = () => undefined,
): string {
  const v = record[field.name]
  if (v === null || v === undefined || v === '') return ''
  if (field.type === 'relation' && record.expand?.[field.name]) {
    const ex = record.expand[field.name] as RecordModel | RecordModel[]
    const target = targetOf(String(field.collectionId ?? ''))
    return clip((Array.isArray(ex) ? ex : [ex]).map((r) => relatedLabel(target, r)).join(', '))
  }
  if (Array.isArray(v)) return v.join(', ')
  switch (field.type) {
    case 'bool':
      return v ? 'Yes' : 'No'
    case 'editor':
      return clip(
        String(v)
          .replace(/<[^>]*>/g, ' ')
          .replace(/\s+/g, ' ')
          .trim(),
      )
    case 'json':
      return clip(JSON.stringify(v))
    case 'geoPoint': {
      const p = v as { lon?: number; lat?: number }
      return `${p.lon ?? 0}, ${p.lat ?? 0}`
    }
    case 'date':
    case 'autodate':
      return String(v).replace(/\.\d+Z$/, 'Z')
    default:
      return clip(String(v))
  }
}

function clip(s: string, max = 80): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s
}
