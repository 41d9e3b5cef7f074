import type { CollectionField, CollectionModel, RecordModel } from 'pocketbase'

/**
 * Records as CSV and back: one column per field, a cell per value in a form that reads back the
 * same way (lists and JSON as JSON text, bools as `true`/`false`, empty for null).
 */

/** The fields a CSV export has: every field but passwords and token keys. */
export function exportFields(collection: CollectionModel): CollectionField[] {
  return collection.fields.filter((f) => f.type !== 'password' && f.name !== 'tokenKey')
}

/** One value as a CSV cell (see the module comment). */
export function csvCell(field: CollectionField, value: unknown): string {
  if (value === null || value === undefined) return ''
  if (Array.isArray(value) || (typeof value === 'object' && value !== null))
    return JSON.stringify(value)
  if (field.type === 'json') return JSON.stringify(value)
  return String(value)
}

/** One record as a CSV row of `fields`. */
export function csvRow(fields: readonly CollectionField[], r: RecordModel): string[] {
  return fields.map((f) => csvCell(f, r[f.name]))
}

/**
 * The fields a CSV import can fill: not autodates (the server sets them), files (no upload in
 * a CSV) or token keys. An auth collection's password is imported as plain text (sent as
 * `password` and `passwordConfirm`; the server hashes it).
 */
export function importFields(collection: CollectionModel): CollectionField[] {
  return collection.fields.filter(
    (f) => f.type !== 'autodate' && f.type !== 'file' && f.name !== 'tokenKey',
  )
}

/** field name → CSV column ('' = not imported): each field takes the column with its name. */
export type ColumnMapping = Record<string, string>

/** The starting mapping: a column named like a field (ignoring case) fills it. */
export function guessMapping(
  fields: readonly CollectionField[],
  headers: readonly string[],
): ColumnMapping {
  const out: ColumnMapping = {}
  for (const f of fields)
    out[f.name] = headers.find((h) => h.trim().toLowerCase() === f.name.toLowerCase()) ?? ''
  return out
}

/** A list cell: a JSON array, else comma-separated items. */
function listOf(text: string): string[] {
  const t = text.trim()
  if (t === '') return []
  if (t.startsWith('[')) {
    const v: unknown = JSON.parse(t)
    if (!Array.isArray(v)) throw new Error('is not a list')
    return v.map(String)
  }
  return t
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/**
 * One cell converted to what the API takes for `field`, or a sentence saying why it cannot be
 * (the checks the server would make that need no database: types, required, lengths, patterns,
 * choices, counts).
 */
export function convertCell(
  field: CollectionField,
  text: string,
): { value: unknown } | { error: string } {
  const t = text.trim()
  const empty = t === ''
  const multi = (field.maxSelect ?? 1) > 1
  try {
    if (empty && field.required && field.type !== 'bool') return { error: 'is required' }
    switch (field.type) {
      case 'number': {
        if (empty) return { value: null }
        const n = Number(t)
        if (!Number.isFinite(n)) return { error: `“${t}” is not a number` }
        if (field.onlyInt && !Number.isInteger(n)) return { error: `${t} is not a whole number` }
        if (typeof field.min === 'number' && n < field.min)
          return { error: `${n} is below the minimum ${field.min}` }
        if (typeof field.max === 'number' && field.max !== 0 && n > field.max)
          return { error: `${n} is above the maximum ${field.max}` }
        return { value: n }
      }
      case 'bool': {
        if (/^(true|1|yes|on)$/i.test(t)) return { value: true }
        if (empty || /^(false|0|no|off)$/i.test(t)) {
          if (field.required) return { error: 'must be true' }
          return { value: false }
        }
        return { error: `“${t}” is not true or false` }
      }
      case 'date': {
        if (empty) return { value: '' }
        if (Number.isNaN(Date.parse(t.replace(' ', 'T')))) return { error: `“${t}” is not a date` }
        return { value: t }
      }
      case 'email':
        if (!empty && !EMAIL.test(t)) return { error: `“${t}” is not an email address` }
        return { value: t }
      case 'url':
        if (!empty && !URL.canParse(t)) return { error: `“${t}” is not a URL` }
        return { value: t }
      case 'select': {
        const items = multi ? listOf(t) : empty ? [] : [t]
        const values = (field.values ?? []) as string[]
        const bad = items.find((i) => !values.includes(i))
        if (bad !== undefined) return { error: `“${bad}” is not one of ${values.join(', ')}` }
        if (multi && items.length > (field.maxSelect ?? 1))
          return { error: `has ${items.length} choices, at most ${field.maxSelect} allowed` }
        return { value: multi ? items : (items[0] ?? '') }
      }
      case 'relation': {
        const ids = multi ? listOf(t) : empty ? [] : [t]
        if (multi && ids.length > (field.maxSelect ?? 1))
          return { error: `has ${ids.length} records, at most ${field.maxSelect} allowed` }
        return { value: multi ? ids : (ids[0] ?? '') }
      }
      case 'json': {
        if (empty) return { value: null }
        return { value: JSON.parse(t) }
      }
      case 'geoPoint': {
        if (empty) return { value: { lon: 0, lat: 0 } }
        const v: unknown = t.startsWith('{') ? JSON.parse(t) : null
        const [lon, lat] = v
          ? [(v as { lon?: unknown }).lon, (v as { lat?: unknown }).lat].map(Number)
          : t.split(',').map((s) => Number(s.trim()))
        if (!Number.isFinite(lon) || !Number.isFinite(lat))
          return { error: `“${t}” is not “longitude, latitude”` }
        return { value: { lon, lat } }
      }
      default: {
        // text, editor, password and the id
        if (empty) return { value: '' }
        if (typeof field.min === 'number' && field.min > 0 && t.length < field.min)
          return { error: `is shorter than ${field.min} characters` }
        if (typeof field.max === 'number' && field.max > 0 && t.length > field.max)
          return { error: `is longer than ${field.max} characters` }
        if (
          typeof field.pattern === 'string' &&
          field.pattern &&
          !new RegExp(field.pattern).test(t)
        )
          return { error: `“${t}” does not match ${field.pattern}` }
        return { value: field.type === 'editor' ? text : t }
      }
    }
  } catch {
    return { error: `“${t}” is not valid JSON` }
  }
}

/** A row that would not import, numbered as in the file (the header is line 1). */
export interface RowProblem {
  /** The line of the file (2 for the first data row). */
  readonly line: number
  /** `field: why`, one per failing field. */
  readonly errors: readonly string[]
}

/** The result of checking a file: the bodies ready to send, and the rows that would fail. */
export interface DryRun {
  /** The rows that pass, with their file line. */
  readonly ready: readonly { line: number; body: Record<string, unknown> }[]
  readonly problems: readonly RowProblem[]
}

/**
 * Checks every row against the fields mapped to a column (a required field left unmapped fails
 * every row; an `id` seen twice fails the second row).
 */
export function dryRun(
  fields: readonly CollectionField[],
  mapping: ColumnMapping,
  rows: readonly Record<string, string>[],
): DryRun {
  const ready: { line: number; body: Record<string, unknown> }[] = []
  const problems: RowProblem[] = []
  const ids = new Set<string>()
  rows.forEach((row, i) => {
    const line = i + 2
    const body: Record<string, unknown> = {}
    const errors: string[] = []
    for (const f of fields) {
      const column = mapping[f.name] ?? ''
      if (column === '') {
        if (f.required && f.name !== 'id' && f.type !== 'bool')
          errors.push(`${f.name}: is required`)
        continue
      }
      const cell = row[column] ?? ''
      if (f.name === 'id' && cell.trim() === '') continue
      const res = convertCell(f, cell)
      if ('error' in res) errors.push(`${f.name}: ${res.error}`)
      else body[f.name] = res.value
    }
    if (typeof body.password === 'string') body.passwordConfirm = body.password
    const id = typeof body.id === 'string' ? body.id : ''
    if (id !== '') {
      if (ids.has(id)) errors.push(`id: ${id} appears twice in the file`)
      ids.add(id)
    }
    if (errors.length > 0) problems.push({ line, errors })
    else ready.push({ line, body })
  })
  return { ready, problems }
}
