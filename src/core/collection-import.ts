import { ValidationErrors } from '../tools/validation/validation-errors.ts'
import type { App } from './app.ts'
import { addField, applyCollectionInput, invalidFormatError } from './collection-input.ts'
import type { Collection, CollectionType } from './collection-model.ts'
import { deleteCollection, importFailure, saveCollection } from './collection-save.ts'
import { newCollection } from './collection-scaffolds.ts'

function isObject(v: unknown): v is { [key: string]: unknown } {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/**
 * Imports a list of collection definitions in one transaction (PocketBase `ImportCollections`,
 * §3.2): each entry updates the collection with the same id (else name, case-insensitive) or
 * creates a new one; without `deleteMissing` the fields of an existing collection that are not
 * listed are kept (appended), with it they are dropped (system fields always stay) and the
 * non-system collections not listed are deleted. Views are saved after the other collections.
 * Throws ValidationErrors `{collections: validation_collections_import_failure}` on any failure.
 */
export async function importCollections(
  app: App,
  input: readonly unknown[],
  deleteMissing: boolean,
): Promise<void> {
  await app.runInTransaction(async (tx) => {
    const prepared: { c: Collection; generatedId: boolean }[] = []
    for (const item of input) {
      if (!isObject(item)) throw importFailureOf(undefined, invalidFormatError())
      const existing =
        (typeof item.id === 'string' && item.id !== '' ? tx.findCollection(item.id) : undefined) ??
        (typeof item.name === 'string' ? tx.findCollection(item.name) : undefined)
      if (
        existing !== undefined &&
        (typeof item.id !== 'string' || item.id === '' || item.id === existing.id)
      ) {
        const c = existing.clone()
        try {
          applyCollectionInput(c, item, false)
        } catch (err) {
          throw importFailureOf(c, err)
        }
        for (const f of existing.fields) {
          if (c.getFieldById(f.id) !== undefined) continue
          if (!deleteMissing || f.system) {
            const fields = [...c.fields]
            addField(fields, f)
            c.setFields(fields)
          }
        }
        prepared.push({ c, generatedId: false })
      } else {
        const type = (typeof item.type === 'string' ? item.type : 'base') as CollectionType
        const c = newCollection(type, typeof item.name === 'string' ? item.name : '')
        const generatedId = typeof item.id !== 'string' || item.id === ''
        try {
          applyCollectionInput(c, item, !generatedId)
        } catch (err) {
          throw importFailureOf(c, err)
        }
        prepared.push({ c, generatedId })
      }
    }
    if (deleteMissing) {
      const keep = new Set(prepared.map((p) => p.c.id))
      const missing = tx.collections().filter((c) => !c.system && !keep.has(c.id))
      missing.sort((a, b) => Number(b.type === 'view') - Number(a.type === 'view'))
      for (const c of missing) {
        try {
          await deleteCollection(tx, c)
        } catch (err) {
          throw importFailureOf(c, err)
        }
      }
    }
    const ordered = [
      ...prepared.filter((p) => p.c.type !== 'view'),
      ...prepared.filter((p) => p.c.type === 'view'),
    ]
    for (const { c, generatedId } of ordered) {
      try {
        await saveCollection(tx, c, { generatedId })
      } catch (err) {
        throw importFailureOf(c, err)
      }
    }
  })
}

function importFailureOf(c: Collection | undefined, err: unknown): ValidationErrors {
  if (err instanceof ValidationErrors && 'collections' in err.errors) return err
  return importFailure(c ?? newCollection('base', ''), err)
}
