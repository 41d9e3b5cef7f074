import { JsRecord } from './js-record.ts'

type Json = { [key: string]: unknown }

/**
 * A row shape for raw queries (PocketBase `DynamicModel`): `new DynamicModel({id: "", total: 0})`
 * gives the keys and, through their zero values, the types a query's columns are read as.
 */
export class DynamicModel {
  [key: string]: unknown
  constructor(shape: Json = {}) {
    for (const [k, v] of Object.entries(shape)) {
      this[k] = Array.isArray(v) ? [...v] : typeof v === 'object' && v !== null ? { ...v } : v
    }
  }
}

const TEMPLATE = Symbol('arrayOf')

/** An array that `all()` fills with copies of `model` (PocketBase `arrayOf`). */
export function arrayOf(model: unknown): unknown[] & { template: unknown } {
  const list = [] as unknown as unknown[] & { template: unknown; [TEMPLATE]: true }
  Object.defineProperty(list, 'template', { value: model })
  Object.defineProperty(list, TEMPLATE, { value: true })
  return list
}

/** True for an `arrayOf` array. */
export function isArrayOf(list: unknown[]): list is unknown[] & { template: Json } {
  return (list as unknown as { [TEMPLATE]?: true })[TEMPLATE] === true
}

/**
 * Copies a row into `model`: a record gets its fields set; a model's keys take the column of
 * the same name converted to the type of the key's zero value (numbers, booleans, strings,
 * JSON arrays/objects); a model without keys takes every column.
 */
export function fillModel(model: unknown, row: Json): void {
  if (model instanceof JsRecord) {
    model.load(row)
    model.markAsNotNew()
    return
  }
  if (typeof model !== 'object' || model === null) throw new TypeError('Expected a model object.')
  const m = model as Json
  const keys = Object.keys(m)
  if (keys.length === 0) {
    Object.assign(m, row)
    return
  }
  for (const k of keys) {
    if (!(k in row)) continue
    m[k] = convert(m[k], row[k])
  }
}

function convert(zero: unknown, v: unknown): unknown {
  if (v === null || v === undefined) return zero
  if (typeof zero === 'number') return Number(v)
  if (typeof zero === 'boolean') return v === 1 || v === true || v === '1' || v === 'true'
  if (typeof zero === 'string') return typeof v === 'string' ? v : String(v)
  if (typeof zero === 'object' && typeof v === 'string') {
    try {
      return JSON.parse(v)
    } catch {
      return v
    }
  }
  return v
}
