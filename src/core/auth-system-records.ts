import { formatDate, parseDate } from '../tools/types/datetime.ts'
import type { App } from './app.ts'
import { deleteRecord } from './record-delete.ts'
import { Record } from './record-model.ts'
import { saveRecord } from './record-save.ts'

/**
 * Helpers for the system collections that hang off an auth record (`_otps`, `_mfas`,
 * `_authOrigins`; PocketBase's OTP/MFA/AuthOrigin record proxies). Rows are saved and deleted
 * through the normal record save/delete, so record hooks fire like PocketBase's.
 */
export type AuthRefCollection = '_otps' | '_mfas' | '_authOrigins'

/** A new unsaved row of `name` for `owner` (collectionRef/recordRef set). */
export function newAuthRef(app: App, name: AuthRefCollection, owner: Record): Record {
  const r = new Record(app.findCollectionByNameOrId(name))
  r.set('collectionRef', owner.collection.id)
  r.set('recordRef', owner.id)
  return r
}

/** Saves a row built with {@link newAuthRef}. */
export function saveAuthRef(app: App, row: Record): Promise<void> {
  return saveRecord(app, row)
}

/** Finds one row of `name` by id; undefined when missing. */
export async function findAuthRefById(
  app: App,
  name: AuthRefCollection,
  id: string,
): Promise<Record | undefined> {
  if (id === '') return undefined
  const c = app.findCollectionByNameOrId(name)
  const q = app.db.dialect.quoteIdent
  const row = await app.db.get(`SELECT * FROM ${q(name)} WHERE ${q('id')} = ? LIMIT 1`, [id])
  return row === undefined ? undefined : Record.fromRow(c, row)
}

/** Every row of `name` of `owner`, newest first (`created DESC`). */
export async function findAuthRefsByRecord(
  app: App,
  name: AuthRefCollection,
  owner: Record,
): Promise<Record[]> {
  const c = app.findCollectionByNameOrId(name)
  const d = app.db.dialect
  const q = d.quoteIdent
  const rows = await app.db.all(
    `SELECT * FROM ${q(name)} WHERE ${q('collectionRef')} = ? AND ${q('recordRef')} = ? ORDER BY ${q('created')} DESC, ${d.rowid(name)} DESC`,
    [owner.collection.id, owner.id],
  )
  return rows.map((row) => Record.fromRow(c, row))
}

/**
 * Claims a single-use row (an OTP or MFA session) by deleting it with one plain DELETE (no
 * hooks): true for the one caller that removed it, false when it was already gone, so of two
 * concurrent requests with the same row only one succeeds.
 */
export async function claimAuthRef(
  app: App,
  name: AuthRefCollection,
  id: string,
): Promise<boolean> {
  const q = app.db.dialect.quoteIdent
  const res = await app.db.run(`DELETE FROM ${q(name)} WHERE ${q('id')} = ?`, [id])
  return res.changes > 0
}

/** Deletes one row (record delete, hooks included). */
export function deleteAuthRef(app: App, row: Record): Promise<void> {
  return deleteRecord(app, row)
}

/** Deletes every row of `name` that belongs to `owner`. */
export async function deleteAuthRefsByRecord(
  app: App,
  name: AuthRefCollection,
  owner: Record,
): Promise<void> {
  for (const row of await findAuthRefsByRecord(app, name, owner)) await deleteRecord(app, row)
}

/** True when more than `seconds` passed since the row's `created` (PocketBase `HasExpired`). */
export function authRefExpired(row: Record, seconds: number): boolean {
  const created = parseDate(row.get('created'))
  if (created === undefined) return true
  return Date.now() - created.getTime() > seconds * 1000
}

/**
 * Purges expired `_otps`/`_mfas` rows of one auth collection (PocketBase's hourly
 * `DeleteExpiredOTPs`/`DeleteExpiredMFAs`; Satchel purges lazily when new rows are created).
 * A plain DELETE without hooks: the rows are already unusable.
 */
export async function purgeExpiredAuthRefs(
  app: App,
  name: '_otps' | '_mfas',
  collectionId: string,
  seconds: number,
): Promise<void> {
  const cutoff = formatDate(new Date(Date.now() - seconds * 1000))
  const q = app.db.dialect.quoteIdent
  await app.db.run(
    `DELETE FROM ${q(name)} WHERE ${q('collectionRef')} = ? AND ${q('created')} < ?`,
    [collectionId, cutoff],
  )
}
