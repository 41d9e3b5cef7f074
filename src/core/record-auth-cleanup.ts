import type { App } from './app.ts'
import { toPasswordValue } from './field-password.ts'
import type { Record } from './record-model.ts'

/**
 * Runs inside the save transaction after an existing auth record was written (PocketBase's
 * auth-origin/MFA/OTP record hooks): a new password hash removes the record's `_authOrigins`
 * and `_mfas` rows (every known device must alert again; pending MFA sessions end), and a new
 * `tokenKey` removes its `_otps` rows (a password reset or email change voids sent codes).
 * Plain DELETEs: these rows carry no hooks of their own in Satchel yet.
 */
export async function cleanupAuthRefsAfterUpdate(app: App, record: Record): Promise<void> {
  const c = record.collection
  if (!c.isAuth || record.isNew) return
  const oldHash = toPasswordValue(record.original('password')).hash
  const newHash = toPasswordValue(record.get('password')).hash
  const tables: string[] = []
  if (oldHash !== newHash) tables.push('_authOrigins', '_mfas')
  if (record.original('tokenKey') !== record.get('tokenKey')) tables.push('_otps')
  for (const t of tables) {
    if (app.findCollection(t) === undefined) continue
    const q = app.db.dialect.quoteIdent
    await app.db.run(
      `DELETE FROM ${q(t)} WHERE ${q('collectionRef')} = ? AND ${q('recordRef')} = ?`,
      [c.id, record.id],
    )
  }
}
