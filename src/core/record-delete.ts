import { badRequestError } from '../tools/router/api-error.ts'
import type { App } from './app.ts'
import type { Collection } from './collection-model.ts'
import { RelationField } from './field-relation.ts'
import { toStringArray } from './field-values.ts'
import { afterRecordWrite, afterRecordWriteError, triggerRecordStep } from './model-hooks.ts'
import { scheduleRecordFilesDelete } from './record-files.ts'
import { Record } from './record-model.ts'
import { saveRecord } from './record-save.ts'

/** How many referencing rows the cascade loads at a time (PocketBase: 4000). */
const CASCADE_BATCH = 4000

/** System tables whose rows belong to an auth record (deleted with it). */
const AUTH_OWNED_TABLES = ['_externalAuths', '_mfas', '_otps', '_authOrigins']

/**
 * Thrown when a cascade would leave a required relation empty; the records API answers 400
 * `Failed to delete record. Make sure that the record is not part of a required relation
 * reference.`
 */
export class RequiredReferenceError extends Error {
  constructor(record: Record) {
    super(
      `The record cannot be deleted because it is part of a required reference in record ${record.id} (${record.collection.name} collection).`,
    )
    this.name = 'RequiredReferenceError'
  }
}

/**
 * Deletes a record in one transaction (PocketBase `app.Delete`, §4.3), firing `onRecordDelete`
 * → `onModelDelete` around the last-superuser check and `onRecordDeleteExecute` →
 * `onModelDeleteExecute` around the relation cascade (every relation field of a non-view
 * collection that points to this collection: the id is removed from the referencing record,
 * which is deleted when the field has `cascadeDelete` and became empty, or refused with
 * RequiredReferenceError when the field is `required`), the removal of an auth record's
 * `_externalAuths`/`_mfas`/`_otps`/`_authOrigins` rows, and the DELETE. The after-success hooks
 * (`onRecordAfterDeleteSuccess` → `onModelAfterDeleteSuccess`, those of cascaded records
 * first) fire after commit, or the after-error ones. The last superuser cannot be deleted (400).
 */
export async function deleteRecord(app: App, record: Record): Promise<void> {
  try {
    await app.runInTransaction((txApp) => deleteInTransaction(txApp, record))
  } catch (err) {
    await afterRecordWriteError(app, 'delete', record, err)
    throw err
  }
}

async function deleteInTransaction(app: App, record: Record): Promise<void> {
  await triggerRecordStep(app, 'delete', 'main', record, async (app, record) => {
    const q = app.db.dialect.quoteIdent
    const c = record.collection
    const table = q(c.name)
    if (c.name === '_superusers') {
      const n = await app.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`)
      if ((n?.n ?? 0) <= 1) throw badRequestError("You can't delete the only existing superuser.")
    }
    await triggerRecordStep(app, 'delete', 'execute', record, async (app, record) => {
      await cascadeDelete(app, record)
      if (c.isAuth) {
        for (const t of AUTH_OWNED_TABLES) {
          if (app.findCollection(t) === undefined) continue
          await app.db.run(
            `DELETE FROM ${q(t)} WHERE ${q('collectionRef')} = ? AND ${q('recordRef')} = ?`,
            [c.id, record.id],
          )
        }
      }
      await app.db.run(`DELETE FROM ${table} WHERE ${q('id')} = ?`, [record.id])
      await scheduleRecordFilesDelete(app, record)
    })
  })
  await afterRecordWrite(app, 'delete', record)
}

/** The relation fields of non-view collections that point to `collection`, by collection name. */
function references(app: App, collection: Collection): [Collection, RelationField[]][] {
  const out: [Collection, RelationField[]][] = []
  for (const c of app.collections()) {
    if (c.isView) continue
    const fields = c.fields.filter(
      (f): f is RelationField => f instanceof RelationField && f.collectionId === collection.id,
    )
    if (fields.length > 0) out.push([c, fields])
  }
  return out.sort(([a], [b]) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

async function cascadeDelete(app: App, main: Record): Promise<void> {
  const d = app.db.dialect
  const q = d.quoteIdent
  for (const [c, fields] of references(app, main.collection)) {
    const t = q(c.name)
    for (const field of fields) {
      const col = `${t}.${q(field.name)}`
      let where =
        field.maxSelect > 1
          ? `EXISTS (SELECT 1 FROM ${d.jsonEach(d.jsonArray(col, true))} __je__ WHERE __je__.value = :id)`
          : `${col} = :id`
      if (c.id === main.collection.id) where += ` AND ${t}.${q('id')} != :id`
      const sql = `SELECT ${t}.* FROM ${t} WHERE ${where} LIMIT ${CASCADE_BATCH}`
      for (;;) {
        const rows = await app.db.all<{ [key: string]: unknown }>(sql, { id: main.id })
        for (const row of rows) {
          await unlinkReference(app, main, Record.fromRow(c, row), field)
        }
        if (rows.length < CASCADE_BATCH) break
      }
    }
  }
}

async function unlinkReference(
  app: App,
  main: Record,
  ref: Record,
  field: RelationField,
): Promise<void> {
  const ids = toStringArray(ref.get(field.name)).filter((id) => id !== main.id)
  if (field.cascadeDelete && ids.length === 0) {
    await deleteInTransaction(app, ref)
    return
  }
  if (ids.length === 0 && field.required) throw new RequiredReferenceError(ref)
  ref.set(field.name, ids)
  // NOTE: saved without validation, like PocketBase: another relation of the record may still
  // point to an already deleted record.
  await saveRecord(app, ref, { validate: false })
}
