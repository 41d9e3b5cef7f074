import type { Db } from '../tools/db/db.ts'
import type { App } from './app.ts'

/**
 * Short-lived auth guards shared by every process serving the same data dir (`serve --workers`):
 * the 2-minute resend guards of verification/password-reset emails and the OTP attempt limiter.
 * They live in `auxiliary.db` table `_satchelAuthGuards` (key, `until` unix ms, `remaining`),
 * created on first use; PocketBase keeps the same state in process memory and ignores the table.
 * Each check is one atomic statement on the write connection, so two workers cannot both pass.
 */
const TABLE = '_satchelAuthGuards'
const ready = new WeakSet<Db>()

async function ensureTable(db: Db): Promise<void> {
  if (ready.has(db)) return
  const q = db.dialect.quoteIdent
  await db.exec(
    db.dialect.createTable(
      TABLE,
      [
        `${q('key')} TEXT PRIMARY KEY NOT NULL`,
        `${q('until')} INTEGER NOT NULL`,
        `${q('remaining')} INTEGER NOT NULL DEFAULT 0`,
      ],
      { ifNotExists: true },
    ),
  )
  ready.add(db)
}

/**
 * Takes the guard `key` for `seconds` when it is free (missing or expired) and reports whether
 * it was taken; false while another caller holds it. Expired guards are purged on the way.
 */
export async function acquireGuard(app: App, key: string, seconds: number): Promise<boolean> {
  const db = app.auxDb
  await ensureTable(db)
  const now = Date.now()
  const q = db.dialect.quoteIdent
  return db.transaction(async (tx) => {
    await tx.run(`DELETE FROM ${q(TABLE)} WHERE ${q('until')} <= ?`, [now])
    const res = await tx.run(
      `INSERT INTO ${q(TABLE)} (${q('key')}, ${q('until')}, ${q('remaining')}) VALUES (?, ?, 0) ${db.dialect.onConflict(['key'])}`,
      [key, now + seconds * 1000],
    )
    return res.changes > 0
  })
}

/** Reports whether the guard `key` is held (not expired). */
export async function hasGuard(app: App, key: string): Promise<boolean> {
  await ensureTable(app.auxDb)
  const q = app.auxDb.dialect.quoteIdent
  const row = await app.auxDb.get(
    `SELECT 1 AS x FROM ${q(TABLE)} WHERE ${q('key')} = ? AND ${q('until')} > ?`,
    [key, Date.now()],
  )
  return row !== undefined
}

/** Releases the guard `key` (no-op when free). */
export async function releaseGuard(app: App, key: string): Promise<void> {
  await ensureTable(app.auxDb)
  const q = app.auxDb.dialect.quoteIdent
  await app.auxDb.run(`DELETE FROM ${q(TABLE)} WHERE ${q('key')} = ?`, [key])
}

/**
 * Consumes one attempt of a fixed-window limiter (PocketBase's rate limiter): the first attempt
 * opens a window of `windowSeconds` with `max` attempts; each call uses one; returns false once
 * none is left, until the window ends.
 */
export async function consumeAttempt(
  app: App,
  key: string,
  max: number,
  windowSeconds: number,
): Promise<boolean> {
  const db = app.auxDb
  await ensureTable(db)
  const now = Date.now()
  const until = now + windowSeconds * 1000
  const d = db.dialect
  const q = d.quoteIdent
  const [k, u, r] = [q('key'), q('until'), q('remaining')]
  // the stored row's values, qualified (PostgreSQL calls bare names in the SET ambiguous)
  const [su, sr] = [`${q(TABLE)}.${u}`, `${q(TABLE)}.${r}`]
  return db.transaction(async (tx) => {
    const row = await tx.get<{ remaining: number }>(
      `INSERT INTO ${q(TABLE)} (${k}, ${u}, ${r}) VALUES (:key, :until, :first) ` +
        d.onConflict(
          ['key'],
          `${r} = CASE WHEN ${su} <= :now THEN :first ELSE ${sr} - 1 END, ` +
            `${u} = CASE WHEN ${su} <= :now THEN :until ELSE ${su} END`,
        ) +
        ` RETURNING ${r}`,
      { key, until, first: max - 1, now },
    )
    return (row?.remaining ?? -1) >= 0
  })
}
