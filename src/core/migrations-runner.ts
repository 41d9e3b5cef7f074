import type { App } from './app.ts'

/**
 * A system migration, recorded in `_migrations` under `file`. Satchel records PocketBase's own
 * system migration names so that either server sees the other's data dir as up to date (§14.3).
 */
export interface Migration {
  readonly file: string
  up(app: App): Promise<void>
}

const systemMigrations: Migration[] = []

/** Adds a system migration (called by `src/migrations/*` at import). */
export function registerSystemMigration(migration: Migration): void {
  if (!systemMigrations.some((m) => m.file === migration.file)) systemMigrations.push(migration)
}

/** The file names of every registered system migration, sorted. */
export function systemMigrationFiles(): string[] {
  return systemMigrations.map((m) => m.file).sort()
}

/**
 * Applies pending system migrations in file-name order, each in its own transaction, recording
 * `applied` in Unix microseconds like PocketBase. Throws when none are registered (the launcher
 * must import `src/migrations/index.ts`).
 */
export async function runSystemMigrations(app: App): Promise<void> {
  if (systemMigrations.length === 0) {
    throw new Error('No system migrations registered: import src/migrations/index.ts first.')
  }
  const table = app.db.dialect.quoteIdent('_migrations')
  await app.db.exec(
    app.db.dialect.createTable(
      '_migrations',
      ['file VARCHAR(255) PRIMARY KEY NOT NULL', 'applied INTEGER NOT NULL'],
      { ifNotExists: true },
    ),
  )
  const applied = new Set(
    (await app.db.all<{ file: string }>(`SELECT file FROM ${table}`)).map((r) => r.file),
  )
  const pending = [...systemMigrations]
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
    .filter((m) => !applied.has(m.file))
  for (const m of pending) {
    await app.runInTransaction(async (txApp) => {
      await m.up(txApp)
      const micros = BigInt(Date.now()) * 1000n
      await txApp.db.run(`INSERT INTO ${table} (file, applied) VALUES (?, ?)`, [m.file, micros])
    })
  }
}
