import { ValidationErrors } from '../tools/validation/validation-errors.ts'
import type { App } from './app.ts'
import { addField, applyCollectionInput, invalidFormatError } from './collection-input.ts'
import type { Collection, CollectionType } from './collection-model.ts'
import {
  deleteCollection,
  importFailure,
  saveCollection,
  validateSavedCollection,
} from './collection-save.ts'
import { newCollection } from './collection-scaffolds.ts'

function isObject(v: unknown): v is { [key: string]: unknown } {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** One entry of an import, prepared before the transaction. */
interface Prepared {
  readonly c: Collection
  readonly generatedId: boolean
  /** The imported `created` (else the stored one, else ''), PocketBase's secondary sort key. */
  readonly created: string
  readonly updated: string
}

/**
 * Imports a list of collection definitions in one transaction (PocketBase `ImportCollections`,
 * §3.2): each entry updates the collection with the same id (else name, case-insensitive) or
 * creates a new one. For an existing collection the fields not listed are kept (a listed field
 * with the same name and type takes the stored field's id, so its column survives), except that
 * with `deleteMissing` only system fields are kept and a missing `fields` key means "none".
 *
 * Like PocketBase, the work runs in three steps so collections may point at each other in any
 * order: with `deleteMissing` the non-system collections not listed are deleted first (without
 * the relation reference check, views first); then every entry is saved without validation
 * (views last, else by `created`/`updated`); then each saved collection is validated against
 * its stored state before the import. Any failure rolls everything back.
 *
 * Throws ValidationErrors: `{collections: validation_collections_import_failure}` with the
 * failing collection's errors or the raw error text, or the field map an index/table sync
 * error carries (e.g. `{indexes: {0: …}}`), as PocketBase's endpoint reports them.
 */
export async function importCollections(
  app: App,
  input: readonly unknown[],
  deleteMissing: boolean,
): Promise<void> {
  await app.runInTransaction(async (tx) => {
    const prepared = input.map((item) => prepare(tx, item, deleteMissing))
    // NOTE: PocketBase's order: views last (their query may read the others), then oldest first.
    prepared.sort(
      (a, b) =>
        Number(a.c.type === 'view') - Number(b.c.type === 'view') ||
        compare(a.created, b.created) ||
        compare(a.updated, b.updated),
    )
    const originals = new Map(prepared.map((p) => [p.c.id, tx.state.collectionsById.get(p.c.id)]))

    if (deleteMissing) {
      const keep = new Set(prepared.map((p) => p.c.id))
      const missing = tx.collections().filter((c) => !c.system && !keep.has(c.id))
      missing.sort((a, b) => Number(b.type === 'view') - Number(a.type === 'view'))
      for (const c of missing) {
        try {
          await deleteCollection(tx, c, { integrityChecks: false })
        } catch (err) {
          throw rawFailure(err)
        }
      }
    }

    for (const { c, generatedId } of prepared) {
      // NOTE: PostgreSQL has no empty identifiers, so a nameless collection cannot be saved
      // first and validated after (as PocketBase does on SQLite): it is validated right away,
      // with the same answer.
      if (c.name === '') {
        try {
          await validateSavedCollection(tx, c, originals.get(c.id) ?? c)
        } catch (err) {
          throw importFailure(c, err)
        }
      }
      try {
        await saveCollection(tx, c, { generatedId, validate: false })
      } catch (err) {
        if (err instanceof ValidationErrors) throw err
        throw rawFailure(new Error(`failed to save collection "${c.name}": ${messageOf(err)}`))
      }
    }

    for (const { c } of prepared) {
      const saved = tx.state.collectionsById.get(c.id) ?? c
      try {
        // NOTE: a new collection is checked against itself, as PocketBase does after saving it.
        await validateSavedCollection(tx, saved, originals.get(c.id) ?? saved)
      } catch (err) {
        throw importFailure(saved, err)
      }
    }
  })
}

function prepare(tx: App, item: unknown, deleteMissing: boolean): Prepared {
  if (!isObject(item)) throw rawFailure(invalidFormatError())
  const existing =
    (typeof item.id === 'string' && item.id !== '' ? tx.findCollection(item.id) : undefined) ??
    (typeof item.name === 'string' ? tx.findCollection(item.name) : undefined)
  const created = typeof item.created === 'string' ? item.created : undefined
  const updated = typeof item.updated === 'string' ? item.updated : undefined
  if (
    existing !== undefined &&
    (typeof item.id !== 'string' || item.id === '' || item.id === existing.id)
  ) {
    const c = existing.clone()
    const body = deleteMissing && item.fields == null ? { ...item, fields: [] } : item
    try {
      applyCollectionInput(c, body, false)
    } catch (err) {
      throw rawFailure(err)
    }
    const fields = [...c.fields]
    for (const f of existing.fields) {
      if (!f.system && deleteMissing) continue
      if (c.getFieldById(f.id) !== undefined) continue
      // keep the stored column: a listed field of the same name and type becomes the stored one
      const sameName = fields.find((x) => x.name === f.name && x.type === f.type)
      if (sameName !== undefined) sameName.id = f.id
      addField(fields, f)
    }
    c.setFields(fields)
    return {
      c,
      generatedId: false,
      created: created ?? existing.created,
      updated: updated ?? existing.updated,
    }
  }
  const type = (typeof item.type === 'string' ? item.type : 'base') as CollectionType
  const c = newCollection(type, typeof item.name === 'string' ? item.name : '')
  const generatedId = typeof item.id !== 'string' || item.id === ''
  try {
    applyCollectionInput(c, item, !generatedId)
  } catch (err) {
    throw rawFailure(err)
  }
  return { c, generatedId, created: created ?? '', updated: updated ?? '' }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/** A non-validation failure: PocketBase reports its text as the import's "Raw error". */
function rawFailure(err: unknown): ValidationErrors {
  return importFailure(undefined, err)
}
