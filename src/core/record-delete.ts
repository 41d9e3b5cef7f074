import { badRequestError } from '../tools/router/api-error.ts'
import type { App } from './app.ts'
import { RecordErrorEvent, RecordEvent } from './events.ts'
import type { Record } from './record-model.ts'

/**
 * Deletes a record in one transaction, firing `onRecordDelete` around the DELETE and
 * `onRecordAfterDeleteSuccess`/`Error` afterwards (PocketBase `app.Delete`). The last superuser
 * cannot be deleted. Relation cascades are handled by the records layer's delete helpers.
 */
export async function deleteRecord(app: App, record: Record): Promise<void> {
  try {
    await app.runInTransaction(async (txApp) => {
      await txApp.onRecordDelete.trigger(new RecordEvent(txApp, record), async (e) => {
        const q = e.app.db.dialect.quoteIdent
        const table = q(e.record.collection.name)
        if (e.record.collection.name === '_superusers') {
          const n = await e.app.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`)
          if ((n?.n ?? 0) <= 1)
            throw badRequestError("You can't delete the only existing superuser.")
        }
        await e.app.db.run(`DELETE FROM ${table} WHERE ${q('id')} = ?`, [e.record.id])
      })
    })
  } catch (err) {
    if (!app.inTransaction)
      await app.onRecordAfterDeleteError.trigger(new RecordErrorEvent(app, record, err))
    throw err
  }
  if (!app.inTransaction) await app.onRecordAfterDeleteSuccess.trigger(new RecordEvent(app, record))
}
