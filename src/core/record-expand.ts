import type { App } from './app.ts'
import type { Collection } from './collection-model.ts'
import { RelationField } from './field-relation.ts'
import { toStringArray } from './field-values.ts'
import type { Record } from './record-model.ts'

/** The deepest relation nesting an expand path may have (PocketBase: 6). */
export const MAX_EXPAND_DEPTH = 6

/** How many back-related records are expanded per parent record (PocketBase: 1000). */
export const MAX_BACK_RELATIONS = 1000

/**
 * Fetches the related records of one expand step: the records of `collection` with the given
 * ids that the requester may see. Throwing fails only that expand path.
 */
export type ExpandFetch = (collection: Collection, ids: readonly string[]) => Promise<Record[]>

const BACK_RELATION = /^(\w+)_via_(\w+)$/
const LEGACY_BACK_RELATION = /^(\w+)\((\w+)\)$/

/**
 * Splits `expand` query values into normalised paths (PocketBase `normalizeExpands`): commas
 * separate paths, spaces are removed, duplicates and paths that are a prefix of another listed
 * path are dropped.
 */
export function normalizeExpands(expands: readonly string[]): string[] {
  const all = new Set<string>()
  for (const e of expands) {
    for (const part of e.replace(/\s+/g, '').split(',')) if (part !== '') all.add(part)
  }
  const list = [...all]
  return list.filter((p) => !list.some((o) => o !== p && o.startsWith(`${p}.`)))
}

/**
 * Expands relations of records in place (PocketBase `ExpandRecords`, §4.4): every path is a
 * dotted chain (≤ 6) of relation field names or back-relations `collection_via_field` (legacy
 * `collection(field)`). Related ids that no longer exist or that `fetch` does not return are
 * skipped; a back-relation gives one record when its field has a single-column UNIQUE index,
 * else a list. Returns the paths that failed with their error; failures never throw.
 */
export async function expandRecords(
  app: App,
  records: readonly Record[],
  expands: readonly string[],
  fetch: ExpandFetch,
): Promise<Map<string, unknown>> {
  const failed = new Map<string, unknown>()
  for (const path of normalizeExpands(expands)) {
    try {
      await expandPath(app, records, path, fetch, 1)
    } catch (err) {
      failed.set(path, err)
    }
  }
  return failed
}

async function expandPath(
  app: App,
  records: readonly Record[],
  path: string,
  fetch: ExpandFetch,
  level: number,
): Promise<void> {
  if (path === '' || level > MAX_EXPAND_DEPTH || records.length === 0) return
  const main = records[0]!.collection
  const dot = path.indexOf('.')
  const head = dot < 0 ? path : path.slice(0, dot)
  const rest = dot < 0 ? '' : path.slice(dot + 1)

  let relCollection: Collection
  let multiple: boolean
  /** The related ids of each record, in order. */
  const idsOf = new Map<Record, string[]>()
  const back = BACK_RELATION.exec(head) ?? LEGACY_BACK_RELATION.exec(head)
  if (back !== null) {
    const c = app.findCollection(back[1]!)
    if (c === undefined) throw new Error(`Couldn't find back-related collection "${back[1]}".`)
    const f = c.getField(back[2]!)
    if (!(f instanceof RelationField) || f.collectionId !== main.id) {
      throw new Error(`Couldn't find back-relation field "${back[2]}" in collection "${c.name}".`)
    }
    relCollection = c
    multiple = !hasSingleColumnUniqueIndex(c, f.name)
    const q = app.db.dialect.quoteIdent
    const sql =
      f.maxSelect > 1
        ? `SELECT ${q('id')} AS id FROM ${q(c.name)} WHERE EXISTS (SELECT 1 FROM ${app.db.dialect.jsonEach(app.db.dialect.jsonArray(q(f.name), true))} je WHERE je.value = :id) LIMIT ${MAX_BACK_RELATIONS}`
        : `SELECT ${q('id')} AS id FROM ${q(c.name)} WHERE ${q(f.name)} = :id LIMIT ${MAX_BACK_RELATIONS}`
    for (const r of records) {
      const rows = await app.db.all<{ id: string }>(sql, { id: r.id })
      idsOf.set(
        r,
        rows.map((row) => row.id),
      )
    }
  } else {
    const f = main.getField(head)
    if (!(f instanceof RelationField)) {
      throw new Error(`Couldn't find relation field "${head}" in collection "${main.name}".`)
    }
    const c = app.findCollection(f.collectionId)
    if (c === undefined) throw new Error(`Couldn't find related collection "${f.collectionId}".`)
    relCollection = c
    multiple = f.maxSelect > 1
    for (const r of records) idsOf.set(r, toStringArray(r.get(head)))
  }

  const allIds = new Set<string>()
  for (const ids of idsOf.values()) for (const id of ids) allIds.add(id)
  // NOTE: like PocketBase, fetch runs even without ids (a collection the requester may not view
  // fails the path), and every record of a resolved step gets at least an empty expand map.
  const rels = await fetch(relCollection, [...allIds])
  if (rest !== '') await expandPath(app, rels, rest, fetch, level + 1)
  const byId = new Map(rels.map((r) => [r.id, r]))

  for (const r of records) {
    r.expand ??= {}
    const valid: Record[] = []
    for (const id of idsOf.get(r) ?? []) {
      const rel = byId.get(id)
      if (rel !== undefined) valid.push(rel)
    }
    if (valid.length === 0) continue
    const expand = r.expand
    const previous = expand[head]
    if (previous !== undefined) {
      for (const old of Array.isArray(previous) ? previous : [previous]) {
        for (const rel of valid) if (rel.id === old.id) mergeExpand(rel, old.expand)
      }
    }
    expand[head] = multiple ? valid : valid[0]!
    r.expand = expand
  }
}

/** Merges an earlier expand map into a record's expand (PocketBase `MergeExpand`). */
function mergeExpand(record: Record, other: Record['expand']): void {
  if (other === undefined) return
  const expand = record.expand ?? {}
  for (const [key, value] of Object.entries(other)) {
    const mine = expand[key]
    if (mine === undefined) {
      expand[key] = value
      continue
    }
    const mineList = Array.isArray(mine) ? mine : [mine]
    const otherList = Array.isArray(value) ? value : [value]
    for (const o of otherList) {
      const match = mineList.find((m) => m.id === o.id)
      if (match !== undefined) mergeExpand(match, o.expand)
      else if (Array.isArray(mine)) mine.push(o)
    }
  }
  record.expand = expand
}

/**
 * True when one of the collection's indexes is a UNIQUE index on exactly the one column
 * (PocketBase `dbutils.HasSingleColumnUniqueIndex`).
 */
export function hasSingleColumnUniqueIndex(collection: Collection, column: string): boolean {
  for (const index of collection.indexes) {
    const m = /^\s*CREATE\s+UNIQUE\s+INDEX\s+.*?\bON\s+\S+\s*\(([^)]*)\)/is.exec(index)
    if (m === null) continue
    const cols = m[1]!.split(',').map((s) => s.trim())
    if (cols.length !== 1) continue
    const name = cols[0]!.split(/\s+/)[0]!.replace(/^[`"[]|[`"\]]$/g, '')
    if (name.toLowerCase() === column.toLowerCase()) return true
  }
  return false
}
