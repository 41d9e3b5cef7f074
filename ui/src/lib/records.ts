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

/** A short text for a table cell (longer values are cut; HTML and JSON are flattened). */
export function cellText(field: CollectionField, record: RecordModel): string {
  const v = record[field.name]
  if (v === null || v === undefined || v === '') return ''
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
