import { join } from 'node:path'
import type { Row } from '../tools/db/db.ts'
import { openSqlite } from '../tools/db/sqlite.ts'

/** One table or view of a SQLite file, described by what SQLite reports (not by its SQL text). */
export interface SchemaObject {
  readonly type: string
  readonly name: string
  /** `name type notnull default pk` per column, in column order. */
  readonly columns: string[]
  /** `[unique ]name(col, …)[ partial]` per index, sorted. */
  readonly indexes: string[]
}

/**
 * Describes the schema of a SQLite file semantically (columns via `table_xinfo`, indexes via
 * `index_list`/`index_info`), ignoring SQLite's own `sqlite_*` tables and the whitespace or quoting
 * of the stored CREATE statements, so two servers' data dirs can be compared.
 */
export async function describeSchema(file: string): Promise<SchemaObject[]> {
  const db = openSqlite(file, { readonly: true })
  try {
    const objects = await db.all<{ type: string; name: string }>(
      "SELECT type, name FROM sqlite_master WHERE type IN ('table','view') AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    const out: SchemaObject[] = []
    for (const o of objects) {
      const cols = await db.all<Row>(`SELECT * FROM pragma_table_xinfo('${o.name}')`)
      const idx = await db.all<{ name: string; unique: number; partial: number }>(
        `SELECT name, "unique", partial FROM pragma_index_list('${o.name}')`,
      )
      const indexes: string[] = []
      for (const i of idx) {
        const parts = await db.all<{ name: string }>(
          `SELECT name FROM pragma_index_info('${i.name}') ORDER BY seqno`,
        )
        indexes.push(
          `${i.unique ? 'unique ' : ''}${i.name}(${parts.map((p) => p.name).join(', ')})${i.partial ? ' partial' : ''}`,
        )
      }
      out.push({
        type: o.type,
        name: o.name,
        columns: cols.map((c) =>
          [c.name, c.type, c.notnull, normaliseDefault(c.dflt_value), c.pk].join(' '),
        ),
        indexes: indexes.sort(),
      })
    }
    return out
  } finally {
    await db.close()
  }
}

function normaliseDefault(v: unknown): string {
  return v === null || v === undefined ? 'null' : String(v).replace(/\s+/g, ' ')
}

/** Runs one read query on `<dataDir>/data.db` (read-only connection). */
export async function queryDataDb<T = Row>(dataDir: string, sql: string): Promise<T[]> {
  const db = openSqlite(join(dataDir, 'data.db'), { readonly: true })
  try {
    return await db.all<T>(sql)
  } finally {
    await db.close()
  }
}
