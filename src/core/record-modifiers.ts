import { FileField, toFileList } from './field-file.ts'
import { NumberField } from './field-number.ts'
import { RelationField } from './field-relation.ts'
import { SelectField } from './field-select.ts'
import { TextField } from './field-text.ts'
import { toNumberValue, toStringArray } from './field-values.ts'
import type { Record } from './record-model.ts'

type Data = { [key: string]: unknown }

/** A body key split into its field name and modifier (PocketBase's field setters). */
interface Modified {
  readonly name: string
  readonly op: 'set' | 'append' | 'prepend' | 'remove' | 'autogenerate'
}

/**
 * Resolves PocketBase's value modifiers against the record's current values
 * (`Record.ReplaceModifiers`, §4.2 step 3) and returns a new data map where each field key holds
 * the resulting *prepared* value under its plain name:
 * - number: `field+` adds, `field-` subtracts;
 * - select / relation / file: `+field` prepends, `field+` appends, `field-` removes the values;
 * - text: `field:autogenerate` appends a value from the field's autogenerate pattern.
 * Plain field keys are normalised too; keys that name no field are kept as they are. Keys are
 * applied shortest first (so `tags` then `tags+`). The record itself is not changed.
 */
export function replaceModifiers(record: Record, data: Data): Data {
  const out: Data = { ...data }
  const keys = Object.keys(data)
  if (keys.length === 0) return out
  keys.sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0))
  const current: Data = {}
  for (const key of keys) {
    const m = parseModifiedKey(record, key)
    if (m === undefined) continue
    const field = record.collection.getField(m.name)!
    const base = m.name in current ? current[m.name] : record.get(m.name)
    const value = applyModifier(field, m.op, base, data[key])
    if (value === undefined) continue
    current[m.name] = value
    delete out[key]
    out[m.name] = value
  }
  return out
}

/** Splits a body key into field + modifier when the field's type supports that modifier. */
function parseModifiedKey(record: Record, key: string): Modified | undefined {
  const c = record.collection
  if (c.getField(key) !== undefined) return { name: key, op: 'set' }
  const multi = (name: string) => {
    const f = c.getField(name)
    return f instanceof SelectField || f instanceof RelationField || f instanceof FileField
  }
  if (key.endsWith('+')) {
    const name = key.slice(0, -1)
    const f = c.getField(name)
    if (f instanceof NumberField || multi(name)) return { name, op: 'append' }
  }
  if (key.endsWith('-')) {
    const name = key.slice(0, -1)
    const f = c.getField(name)
    if (f instanceof NumberField || multi(name)) return { name, op: 'remove' }
  }
  if (key.startsWith('+')) {
    const name = key.slice(1)
    if (multi(name)) return { name, op: 'prepend' }
  }
  if (key.endsWith(':autogenerate')) {
    const name = key.slice(0, -':autogenerate'.length)
    if (c.getField(name) instanceof TextField) return { name, op: 'autogenerate' }
  }
  return undefined
}

function applyModifier(
  field: NonNullable<ReturnType<Record['collection']['getField']>>,
  op: Modified['op'],
  base: unknown,
  input: unknown,
): unknown {
  switch (op) {
    case 'set':
      return field.prepareValue(input)
    case 'autogenerate': {
      const text = field as TextField
      return text.prepareValue(`${text.prepareValue(input)}${text.autogenerate() ?? ''}`)
    }
    default:
      break
  }
  if (field instanceof NumberField) {
    const delta = toNumberValue(input)
    const current = toNumberValue(base)
    return op === 'remove' ? current - delta : current + delta
  }
  if (field instanceof FileField) {
    // Uploads (kept as objects) may be appended/prepended; `field-` removes stored names.
    const current = toFileList(base)
    const items = toFileList(input)
    if (op === 'append') return field.prepareValue([...current, ...items])
    if (op === 'prepend') return field.prepareValue([...items, ...current])
    const drop = new Set(items.filter((v) => typeof v === 'string'))
    return field.prepareValue(current.filter((v) => typeof v !== 'string' || !drop.has(v)))
  }
  const existing = toStringArray(base)
  const given = toStringArray(input)
  if (op === 'append') return field.prepareValue([...existing, ...given])
  if (op === 'prepend') return field.prepareValue([...given, ...existing])
  const drop = new Set(given)
  return field.prepareValue(existing.filter((v) => !drop.has(v)))
}
