import type { CollectionModel } from 'pocketbase'

/** What importing a list of collections would do, by collection name. */
export interface ImportPlan {
  create: string[]
  update: string[]
  unchanged: string[]
  /** Only with `deleteMissing`: the existing non-system collections the import leaves out. */
  delete: string[]
}

/** Strips what an export carries but a comparison must ignore (timestamps). */
function comparable(c: CollectionModel): string {
  const {
    created: _c,
    updated: _u,
    ...rest
  } = c as CollectionModel & {
    created?: string
    updated?: string
  }
  return stable(rest)
}

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

/**
 * Compares an import with the collections in place: matched by id, else by name (as
 * PocketBase's import does).
 */
export function planImport(
  current: readonly CollectionModel[],
  incoming: readonly CollectionModel[],
  deleteMissing: boolean,
): ImportPlan {
  const plan: ImportPlan = { create: [], update: [], unchanged: [], delete: [] }
  const matched = new Set<string>()
  for (const c of incoming) {
    const existing = current.find((e) => (c.id && e.id === c.id) || e.name === c.name)
    if (!existing) plan.create.push(c.name)
    else {
      matched.add(existing.id)
      if (
        comparable({ ...existing, id: c.id || existing.id }) ===
        comparable({ ...c, id: c.id || existing.id })
      )
        plan.unchanged.push(c.name)
      else plan.update.push(c.name)
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
