import type { CollectionField, CollectionModel, RecordModel } from 'pocketbase'

/** Form values by field name, in the shapes `FieldInput` edits (see there). */
export type FormValues = Record<string, unknown>

/** The fields a record form shows: all but the token key (and `id` of a new record). */
export function formFields(collection: CollectionModel, isNew: boolean): CollectionField[] {
  return collection.fields.filter(
    (f) =>
      f.name !== 'tokenKey' && !(isNew && f.name === 'id') && !(isNew && f.type === 'autodate'),
  )
}

const pad = (n: number) => String(n).padStart(2, '0')

/**
 * `2024-05-01 10:20:30.000Z` → `2024-05-01T10:20:30` (UTC, for datetime-local); milliseconds
 * other than zero are kept (`…T10:20:30.250`), so saving an untouched date changes nothing.
 */
export function toLocalInput(v: unknown): string {
  if (typeof v !== 'string' || v === '') return ''
  const d = new Date(v.replace(' ', 'T'))
  if (Number.isNaN(d.getTime())) return ''
  const ms = d.getUTCMilliseconds()
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${ms ? `.${String(ms).padStart(3, '0')}` : ''}`
}

/** `2024-05-01T10:20[:30[.250]]` (UTC) → PocketBase's `2024-05-01 10:20:30.250Z`; '' stays ''. */
export function fromLocalInput(v: unknown): string {
  if (typeof v !== 'string' || v === '') return ''
  const [date, time = '00:00'] = v.split('T')
  const [hm = '00:00', frac = ''] = time.split('.')
  const hms = hm.length === 5 ? `${hm}:00` : hm
  return `${date} ${hms}.${frac.padEnd(3, '0').slice(0, 3)}Z`
}

/** Now, as a datetime-local value in UTC (whole seconds). */
export function nowInput(): string {
  return toLocalInput(new Date().toISOString())
}

/**
 * What a UTC datetime-local value is in the browser's time zone, for the hint under a date
 * field: `In your time zone (Europe/Berlin): 1 May 1974, 14:30:00`; 'No date' when empty.
 */
export function localHint(v: unknown): string {
  if (typeof v !== 'string' || v === '') return 'No date'
  const d = new Date(`${fromLocalInput(v).replace(' ', 'T')}`)
  if (Number.isNaN(d.getTime())) return ''
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone
  const shown = d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' })
  return `In your time zone (${zone}): ${shown}`
}

/** The starting values of the form: the record's, or each type's empty value. */
export function initialValues(fields: CollectionField[], record: RecordModel | null): FormValues {
  const out: FormValues = {}
  for (const f of fields) {
    const v = record?.[f.name]
    const multi = (f.maxSelect ?? 1) > 1
    switch (f.type) {
      case 'bool':
        out[f.name] = v === true
        break
      case 'number':
        out[f.name] = typeof v === 'number' ? v : null
        break
      case 'json':
        out[f.name] = v === undefined || v === null ? '' : JSON.stringify(v, null, 2)
        break
      case 'date':
        out[f.name] = toLocalInput(v)
        break
      case 'select':
        out[f.name] = multi ? (Array.isArray(v) ? [...v] : []) : (v ?? '')
        break
      case 'relation':
        out[f.name] = Array.isArray(v) ? v.join(', ') : (v ?? '')
        break
      case 'geoPoint': {
        const p = (v ?? {}) as { lon?: number; lat?: number }
        out[f.name] = { lon: p.lon ?? 0, lat: p.lat ?? 0 }
        break
      }
      case 'file':
      case 'password':
        break
      default:
        out[f.name] = v ?? ''
    }
  }
  return out
}

/** New and removed files of one file field. */
export interface FileChanges {
  added: File[]
  removed: string[]
}

/**
 * The body to send: values converted back to the API's shapes; files as `name` (replace one),
 * `name+` (append) and `name-` (remove) like PocketBase's modifiers; the password only when
 * typed. Returns the client-side errors too (JSON that does not parse).
 */
export function buildBody(
  fields: CollectionField[],
  values: FormValues,
  files: Record<string, FileChanges>,
  password: { value: string; confirm: string },
): { body: Record<string, unknown>; errors: Record<string, string> } {
  const body: Record<string, unknown> = {}
  const errors: Record<string, string> = {}
  for (const f of fields) {
    const v = values[f.name]
    const multi = (f.maxSelect ?? 1) > 1
    switch (f.type) {
      case 'autodate':
        break
      case 'id':
        break
      case 'password':
        if (password.value !== '' || password.confirm !== '') {
          body[f.name] = password.value
          body.passwordConfirm = password.confirm
        }
        break
      case 'file': {
        const ch = files[f.name]
        if (ch === undefined) break
        if (ch.added.length > 0)
          body[multi ? `${f.name}+` : f.name] = multi ? ch.added : ch.added[0]
        if (ch.removed.length > 0 && !(ch.added.length > 0 && !multi))
          body[`${f.name}-`] = ch.removed
        break
      }
      case 'json': {
        const text = String(v ?? '').trim()
        if (text === '') body[f.name] = null
        else {
          try {
            body[f.name] = JSON.parse(text)
          } catch {
            errors[f.name] = 'This is not valid JSON.'
          }
        }
        break
      }
      case 'date':
        body[f.name] = fromLocalInput(v)
        break
      case 'relation': {
        const ids = String(v ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
        body[f.name] = multi ? ids : (ids[0] ?? '')
        break
      }
      default:
        if (f.name === 'id' && v === '') break
        body[f.name] = v
    }
  }
  return { body, errors }
}
