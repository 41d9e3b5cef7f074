import type { Db } from '../tools/db/db.ts'

/**
 * Once-only scheduled runs across processes (`serve --workers`): before a scheduled run, each
 * process inserts the pair (job id, scheduled tick time) into `auxiliary.db` table
 * `_satchelCronRuns` with an insert-if-absent; only the process whose insert added the row runs
 * the job. The table is Satchel's own (PocketBase runs one process and ignores it); it works the
 * same on any database that can do an insert-if-absent, so PostgreSQL scale-out keeps it.
 */
const TABLE = '_satchelCronRuns'

/** Claims older than this are deleted (a day, in ms: far beyond any clock skew). */
const KEEP_MS = 24 * 60 * 60_000

const ready = new WeakSet<Db>()

async function ensureTable(db: Db): Promise<void> {
  if (ready.has(db)) return
  const q = db.dialect.quoteIdent
  // NOTE: through createTable, whose INTEGER is 64-bit on PostgreSQL too (times in ms)
  await db.exec(
    db.dialect.createTable(
      TABLE,
      [
        `${q('job')} TEXT NOT NULL`,
        `${q('scheduled')} INTEGER NOT NULL`,
        `PRIMARY KEY (${q('job')}, ${q('scheduled')})`,
      ],
      { ifNotExists: true },
    ),
  )
  ready.add(db)
}

/**
 * Claims the tick scheduled at `scheduledAt` (unix ms) of job `id` for this process; true when
 * no process claimed it before. On the first tick of each hour, claims older than a day are
 * removed.
 */
export async function claimCronRun(db: Db, id: string, scheduledAt: number): Promise<boolean> {
  await ensureTable(db)
  // NOTE: one autocommit statement, no transaction held across awaits: the insert is atomic.
  const res = await db.run(db.dialect.insertOrIgnore(TABLE, ['job', 'scheduled']), [
    id,
    scheduledAt,
  ])
  if (res.changes > 0 && scheduledAt % 3_600_000 === 0) {
    const q = db.dialect.quoteIdent
    await db.run(`DELETE FROM ${q(TABLE)} WHERE ${q('scheduled')} < ?`, [scheduledAt - KEEP_MS])
  }
  return res.changes > 0
}
