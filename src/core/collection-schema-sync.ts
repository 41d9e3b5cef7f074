import type { Dialect } from '../tools/db/db.ts'
import { ValidationErrors, validationError } from '../tools/validation/validation-errors.ts'
import type { App } from './app.ts'
import { indexForTable, parseIndex } from './collection-index.ts'
import type { Collection } from './collection-model.ts'
import { saveView, sqliteErrorText } from './collection-view.ts'
import { createTableSql } from './db-table.ts'
import type { Field } from './field.ts'
import { FileField } from './field-file.ts'
import { scheduleFieldFilesDelete } from './record-files.ts'

// NOTE: the ALTER TABLE forms used here (RENAME TO, RENAME/ADD/DROP COLUMN) are common to
// SQLite and PostgreSQL; catalog reads, column types and JSON conversions go through the dialect.

/** Creates the table (or SQL view) of a new collection and its indexes. */
export async function createCollectionSchema(app: App, c: Collection): Promise<void> {
  if (c.type === 'view') {
    await saveView(app, c.name, c.viewQuery)
    return
  }
  await app.db.exec(createTableSql(app.db, c))
  await createIndexes(app, c)
}

/** Drops the table or SQL view of a deleted collection. */
export async function dropCollectionSchema(app: App, c: Collection): Promise<void> {
  const q = app.db.dialect.quoteIdent
  if (c.type === 'view') await app.db.exec(`DROP VIEW IF EXISTS ${q(c.name)}`)
  else await app.db.exec(`DROP TABLE IF EXISTS ${q(c.name)}`)
}

/**
 * Brings the table of an updated collection in line with its new definition, keeping the data
 * (PocketBase `SyncRecordTableSchema`, §7.6): indexes dropped; table renamed; columns renamed
 * (fields matched by id; via temporary names so swaps work), dropped and added; single ↔
 * multiple select/relation/file columns rewritten (single → `[value]`, multiple → last value)
 * with every SQL view dropped and re-created around it; indexes re-created for the (new) table
 * name. Must run inside the save transaction. Index failures become ValidationErrors on
 * `indexes.<i>`; other failures are thrown as is.
 */
export async function updateCollectionSchema(
  app: App,
  old: Collection,
  c: Collection,
): Promise<void> {
  const q = app.db.dialect.quoteIdent
  if (c.type === 'view') {
    if (old.name !== c.name) await app.db.exec(`DROP VIEW IF EXISTS ${q(old.name)}`)
    await saveView(app, c.name, c.viewQuery)
    return
  }
  for (const idx of old.indexes) {
    const name = parseIndex(idx).indexName
    if (name !== '') await app.db.exec(`DROP INDEX IF EXISTS ${q(name)}`)
  }
  if (old.name !== c.name) {
    await app.db.exec(`ALTER TABLE ${q(old.name)} RENAME TO ${q(c.name)}`)
  }
  const table = q(c.name)
  const column = (f: Field) => app.db.dialect.columnType(f.columnKind())

  // Files of dropped file fields are deleted once the change commits.
  await scheduleFieldFilesDelete(
    app,
    old,
    old.fields.filter(
      (f): f is FileField => f instanceof FileField && c.getFieldById(f.id) === undefined,
    ),
  )
  // Drops first (with the views in place, so a view using the column reports the error).
  for (const of of old.fields) {
    if (c.getFieldById(of.id) !== undefined) continue
    try {
      await app.db.exec(`ALTER TABLE ${table} DROP COLUMN ${q(of.name)}`)
    } catch (err) {
      throw new Error(`failed to drop column ${of.name} - ${sqliteErrorText(err)}`, { cause: err })
    }
  }

  // Renames through temporary names (a ↔ b swaps); SQLite rewrites the views that use them.
  const renamed = c.fields.filter((f) => {
    const of = old.getFieldById(f.id)
    return of !== undefined && of.name !== f.name
  })
  for (const [i, f] of renamed.entries()) {
    const of = old.getFieldById(f.id) as Field
    await app.db.exec(
      `ALTER TABLE ${table} RENAME COLUMN ${q(of.name)} TO ${q(`_tmp_${i}_${f.id}`)}`,
    )
  }
  for (const [i, f] of renamed.entries()) {
    await app.db.exec(
      `ALTER TABLE ${table} RENAME COLUMN ${q(`_tmp_${i}_${f.id}`)} TO ${q(f.name)}`,
    )
  }

  // Column type changes (single ↔ multiple): add, copy with conversion, drop, rename.
  const converted = c.fields.filter((f) => {
    const of = old.getFieldById(f.id)
    return of !== undefined && of.columnKind() !== f.columnKind()
  })
  if (converted.length > 0) {
    const views = await app.db.dialect.views(app.db)
    for (const v of views) await app.db.exec(`DROP VIEW IF EXISTS ${q(v.name)}`)
    for (const f of converted) {
      const of = old.getFieldById(f.id) as Field
      const tmp = q(`_conv_${f.id}`)
      const col = q(f.name)
      await app.db.exec(`ALTER TABLE ${table} ADD COLUMN ${tmp} ${column(f)}`)
      await app.db.exec(`UPDATE ${table} SET ${tmp} = ${convertExpr(app.db.dialect, col, of, f)}`)
      await app.db.exec(`ALTER TABLE ${table} DROP COLUMN ${col}`)
      await app.db.exec(`ALTER TABLE ${table} RENAME COLUMN ${tmp} TO ${col}`)
    }
    for (const v of views) await app.db.exec(v.sql)
  }

  for (const f of c.fields) {
    if (old.getFieldById(f.id) !== undefined) continue
    await app.db.exec(`ALTER TABLE ${table} ADD COLUMN ${q(f.name)} ${column(f)}`)
  }
  await createIndexes(app, c)
}

const isMultiColumn = (f: Field) => f.columnKind() === 'jsonArray'

/** SQL converting a column value from the old field's storage to the new one's. */
function convertExpr(d: Dialect, col: string, from: Field, to: Field): string {
  // single → multiple: `[]` for empty, a JSON array as is, anything else wrapped.
  if (!isMultiColumn(from) && isMultiColumn(to)) return d.jsonArray(col, true)
  // multiple → single: the last item ("" when none), a non-array value as is.
  if (isMultiColumn(from) && !isMultiColumn(to)) return d.orEmpty(d.jsonArrayLast(col))
  return col
}

/** Executes every index of `c` re-targeted at its table; failures → `indexes.<i>` errors. */
async function createIndexes(app: App, c: Collection): Promise<void> {
  for (const [i, raw] of c.indexes.entries()) {
    const sql = indexForTable(raw, c.name, app.db.dialect)
    try {
      await app.db.exec(sql)
    } catch (err) {
      const name = parseIndex(raw).indexName
      throw new ValidationErrors({
        indexes: {
          [String(i)]: validationError(
            'validation_invalid_index_expression',
            `Failed to create index ${name} - ${sqliteErrorText(err)}.`,
          ),
        },
      })
    }
  }
}

/**
 * The query of a SQL view as SQLite stores it now (after renames SQLite rewrote), extracted from
 * `CREATE VIEW name AS SELECT * FROM (<query>)`; undefined when the view is missing or was not
 * created by Satchel/PocketBase.
 */
export async function currentViewQuery(app: App, name: string): Promise<string | undefined> {
  const sql = await app.db.dialect.viewSql(app.db, name)
  if (sql === undefined) return undefined
  const m = /^CREATE VIEW\s+\S+\s+AS\s+SELECT \* FROM \(([\s\S]*)\)$/i.exec(sql.trim())
  return m?.[1]
}
