import type { CollectionField, CollectionModel } from 'pocketbase'

/** What importing a list of collections would do, by collection name. */
export interface ImportPlan {
  create: string[]
  update: string[]
  unchanged: string[]
  /** Only with `deleteMissing`: the existing non-system collections the import leaves out. */
  delete: string[]
  /**
   * What changes in each collection of `create` and `update`, one sentence each (fields added,
   * renamed, changed or removed; rules and other settings that change).
   */
  details: Record<string, string[]>
}

/** Top-level keys that never count as a change (or are compared on their own). */
const IGNORED = new Set(['id', 'created', 'updated', 'fields', 'name', 'collectionId'])
const RULES = new Set([
  'listRule',
  'viewRule',
  'createRule',
  'updateRule',
  'deleteRule',
  'authRule',
  'manageRule',
])

/** JSON with object keys sorted at every level (so key order never counts as a change). */
function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable(o[k])}`)
      .join(',')}}`
  }
  return JSON.stringify(v) ?? 'null'
}

function ruleText(v: unknown): string {
  if (v === null || v === undefined) return 'superusers only'
  if (v === '') return 'everyone'
  return `“${String(v)}”`
}

/**
 * The field-by-field changes an import makes to `existing`, following Satchel's (and
 * PocketBase's) import: a listed field matches the stored one with its id, else one with the
 * same name and type; stored fields left out are kept, unless `deleteMissing` (then the
 * non-system ones are dropped with their values).
 */
function fieldChanges(
  existing: readonly CollectionField[],
  incoming: readonly CollectionField[],
  deleteMissing: boolean,
): string[] {
  const out: string[] = []
  const matched = new Set<CollectionField>()
  for (const f of incoming) {
    const same =
      (f.id ? existing.find((e) => e.id === f.id) : undefined) ??
      existing.find((e) => !matched.has(e) && e.name === f.name && e.type === f.type)
    if (!same) {
      out.push(`field ${f.name} (${f.type}) is added`)
      continue
    }
    matched.add(same)
    if (same.name !== f.name) out.push(`field ${same.name} is renamed to ${f.name} (values kept)`)
    const keys = new Set([...Object.keys(same), ...Object.keys(f)])
    const changed = [...keys].filter(
      (k) => k !== 'id' && k !== 'name' && k in f && stable(same[k]) !== stable(f[k]),
    )
    if (changed.length > 0) out.push(`field ${f.name}: ${changed.sort().join(', ')} changed`)
  }
  for (const e of existing)
    if (!matched.has(e) && deleteMissing && !e.system)
      out.push(`field ${e.name} (${e.type}) is removed, with its values`)
  return out
}

/** The other settings that change: rules (old → new), the name, indexes, options. */
function settingChanges(existing: CollectionModel, incoming: CollectionModel): string[] {
  const out: string[] = []
  if (incoming.name !== existing.name) out.push(`renamed from ${existing.name}`)
  const a = existing as unknown as Record<string, unknown>
  const b = incoming as unknown as Record<string, unknown>
  for (const k of Object.keys(b).sort()) {
    if (IGNORED.has(k) || stable(a[k]) === stable(b[k])) continue
    if (RULES.has(k)) out.push(`${k}: ${ruleText(a[k])} → ${ruleText(b[k])}`)
    else out.push(`${k} changed`)
  }
  return out
}

/**
 * Compares an import with the collections in place: matched by id, else by name (as
 * PocketBase's import does), with what changes in each.
 */
export function planImport(
  current: readonly CollectionModel[],
  incoming: readonly CollectionModel[],
  deleteMissing: boolean,
): ImportPlan {
  const plan: ImportPlan = { create: [], update: [], unchanged: [], delete: [], details: {} }
  const matched = new Set<string>()
  for (const c of incoming) {
    const existing = current.find(
      (e) => (c.id && e.id === c.id) || e.name.toLowerCase() === c.name.toLowerCase(),
    )
    if (!existing) {
      plan.create.push(c.name)
      const fields = (c.fields ?? []).map((f) => `${f.name} (${f.type})`)
      plan.details[c.name] = [
        `${c.type ?? 'base'} collection${fields.length > 0 ? ` with ${fields.join(', ')}` : ''}`,
      ]
      continue
    }
    matched.add(existing.id)
    const details = [
      ...settingChanges(existing, c),
      ...fieldChanges(existing.fields, c.fields ?? [], deleteMissing),
    ]
    if (details.length === 0) plan.unchanged.push(c.name)
    else {
      plan.update.push(c.name)
      plan.details[c.name] = details
    }
  }
  if (deleteMissing)
    plan.delete = current.filter((e) => !e.system && !matched.has(e.id)).map((e) => e.name)
  return plan
}

/** Parses an exported JSON array of collections; throws an Error with a sentence otherwise. */
export function parseCollections(text: string): CollectionModel[] {
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch {
    throw new Error('This is not valid JSON.')
  }
  if (!Array.isArray(v) || v.some((c) => !c || typeof c !== 'object' || typeof c.name !== 'string'))
    throw new Error('Expected a JSON array of collections, each with a name.')
  return v as CollectionModel[]
}

/** One change a schema save makes that is hard to take back (see `riskyChanges`). */
export interface RiskyChange {
  kind:
    | 'collection-rename'
    | 'field-rename'
    | 'field-single'
    | 'field-drop'
    | 'field-retype'
    | 'index-drop'
  /** What changes: the collection's, field's or index's name before the save. */
  subject: string
  /** Old → new: the names of a rename, the types of a retype; absent for drops. */
  from?: string
  to?: string
  /** Whether stored values are deleted by it (a dropped or replaced field, several values made one). */
  losesData: boolean
}

/** The collection as the editor would save it. */
export interface SchemaDraft {
  name: string
  fields: readonly CollectionField[]
  indexes: readonly string[]
}

/** An index statement's name (`CREATE UNIQUE INDEX IF NOT EXISTS "idx" ON …` → `idx`). */
function indexName(sql: string): string {
  const m =
    /^\s*create\s+(?:unique\s+)?index\s+(?:if\s+not\s+exists\s+)?[`"[]?([^\s`"\]()]+)/i.exec(sql)
  return m?.[1] ?? sql.trim()
}

/** The field types that hold several values when `maxSelect` > 1. */
const MULTI = new Set(['select', 'relation', 'file'])

/**
 * What a save of `draft` over the stored `before` renames, drops or replaces, in that order:
 * the collection's name, fields renamed (matched by id, as the server does: values kept),
 * multiple-value fields made single (the server keeps each record's last value only),
 * fields of another type under a dropped field's name (the server never changes a field's type,
 * so the old one goes with its values), fields dropped with their values, and indexes whose
 * name is gone. Additions and option changes are not listed; an empty list means the save is
 * safe to send without asking.
 */
export function riskyChanges(before: CollectionModel, draft: SchemaDraft): RiskyChange[] {
  const out: RiskyChange[] = []
  if (draft.name !== before.name)
    out.push({
      kind: 'collection-rename',
      subject: before.name,
      from: before.name,
      to: draft.name,
      losesData: false,
    })
  const kept = new Map(draft.fields.filter((f) => f.id).map((f) => [f.id, f]))
  const dropped: RiskyChange[] = []
  for (const old of before.fields ?? []) {
    const now = kept.get(old.id)
    if (now) {
      if (now.name !== old.name)
        out.push({
          kind: 'field-rename',
          subject: old.name,
          from: old.name,
          to: now.name,
          losesData: false,
        })
      if (MULTI.has(old.type) && Number(old.maxSelect) > 1 && Number(now.maxSelect ?? 1) <= 1)
        out.push({ kind: 'field-single', subject: now.name, losesData: true })
      continue
    }
    const replacement = draft.fields.find((f) => !f.id && f.name === old.name)
    if (replacement && replacement.type !== old.type)
      out.push({
        kind: 'field-retype',
        subject: old.name,
        from: old.type,
        to: replacement.type,
        losesData: true,
      })
    else dropped.push({ kind: 'field-drop', subject: old.name, losesData: true })
  }
  out.push(...dropped)
  const names = new Set(draft.indexes.map(indexName))
  for (const sql of before.indexes ?? []) {
    const name = indexName(sql)
    if (!names.has(name)) out.push({ kind: 'index-drop', subject: name, losesData: false })
  }
  return out
}
