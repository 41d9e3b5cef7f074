import { badRequestError } from '../tools/router/api-error.ts'
import type { App } from './app.ts'
import type { Collection } from './collection-model.ts'
import { RecordErrorEvent, RecordEvent } from './events.ts'
import { RelationField } from './field-relation.ts'
import { toStringArray } from './field-values.ts'
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

/** What a delete touched besides the record itself (for after-commit hooks). */
interface Cascade {
  deleted: Record[]
  updated: Record[]
}

/**
 * Deletes a record in one transaction (PocketBase `app.Delete`, §4.3), firing `onRecordDelete`
 * around: the relation cascade (every relation field of a non-view collection that points to
 * this collection: the id is removed from the referencing record, which is deleted when the
 * field has `cascadeDelete` and became empty, or refused with RequiredReferenceError when the
 * field is `required`), the removal of an auth record's `_externalAuths`/`_mfas`/`_otps`/
 * `_authOrigins` rows, and the DELETE. `onRecordAfterDeleteSuccess` (and the after-update/delete
 * hooks of cascaded records) fire after commit, or `onRecordAfterDeleteError`. The last
 * superuser cannot be deleted (400).
 */
export async function deleteRecord(app: App, record: Record): Promise<void> {
  const cascade: Cascade = { deleted: [], updated: [] }
  try {
    await app.runInTransaction((txApp) => deleteInTransaction(txApp, record, cascade))
  } catch (err) {
    if (!app.inTransaction)
      await app.onRecordAfterDeleteError.trigger(new RecordErrorEvent(app, record, err))
    throw err
  }
  if (app.inTransaction) return
  for (const r of cascade.updated)
    await app.onRecordAfterUpdateSuccess.trigger(new RecordEvent(app, r))
  for (const r of cascade.deleted)
    await app.onRecordAfterDeleteSuccess.trigger(new RecordEvent(app, r))
  await app.onRecordAfterDeleteSuccess.trigger(new RecordEvent(app, record))
}

async function deleteInTransaction(app: App, record: Record, cascade: Cascade): Promise<void> {
  await app.onRecordDelete.trigger(new RecordEvent(app, record), async (e) => {
    const q = e.app.db.dialect.quoteIdent
    const c = e.record.collection
    const table = q(c.name)
    if (c.name === '_superusers') {
      const n = await e.app.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`)
      if ((n?.n ?? 0) <= 1) throw badRequestError("You can't delete the only existing superuser.")
    }
    await cascadeDelete(e.app, e.record, cascade)
    if (c.isAuth) {
      for (const t of AUTH_OWNED_TABLES) {
        if (e.app.findCollection(t) === undefined) continue
        await e.app.db.run(
          `DELETE FROM ${q(t)} WHERE ${q('collectionRef')} = ? AND ${q('recordRef')} = ?`,
          [c.id, e.record.id],
        )
      }
    }
    await e.app.db.run(`DELETE FROM ${table} WHERE ${q('id')} = ?`, [e.record.id])
    await scheduleRecordFilesDelete(e.app, e.record)
  })
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

async function cascadeDelete(app: App, main: Record, cascade: Cascade): Promise<void> {
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
          await unlinkReference(app, main, Record.fromRow(c, row), field, cascade)
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
  cascade: Cascade,
): Promise<void> {
  const ids = toStringArray(ref.get(field.name)).filter((id) => id !== main.id)
  if (field.cascadeDelete && ids.length === 0) {
    await deleteInTransaction(app, ref, cascade)
    cascade.deleted.push(ref)
    return
  }
  if (ids.length === 0 && field.required) throw new RequiredReferenceError(ref)
  ref.set(field.name, ids)
  // NOTE: saved without validation, like PocketBase: another relation of the record may still
  // point to an already deleted record.
  await saveRecord(app, ref, { validate: false })
  cascade.updated.push(ref)
}
