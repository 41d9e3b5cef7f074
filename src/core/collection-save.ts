import { formatDate } from '../tools/types/datetime.ts'
import { goErrorsJSON } from '../tools/validation/go-text.ts'
import {
  type ValidationErrorMap,
  ValidationErrors,
  validationError,
} from '../tools/validation/validation-errors.ts'
import type { App } from './app.ts'
import { normalizeStoredIndex } from './collection-index.ts'
import { initDefaultFields } from './collection-input.ts'
import type { Collection } from './collection-model.ts'
import {
  createCollectionSchema,
  currentViewQuery,
  dropCollectionSchema,
  updateCollectionSchema,
} from './collection-schema-sync.ts'
import { validateCollection } from './collection-validate.ts'
import { inferViewFields, saveView, ViewQueryError } from './collection-view.ts'
import { RelationField } from './field-relation.ts'
import {
  afterCollectionWrite,
  afterCollectionWriteError,
  triggerCollectionStep,
  triggerCollectionValidate,
} from './model-hooks.ts'
import { deleteRecord } from './record-delete.ts'
import { scheduleCollectionFilesDelete } from './record-files.ts'
import { Record } from './record-model.ts'

/** Options of {@link saveCollection}. */
export interface SaveCollectionOptions {
  /**
   * The id was generated from type + name (not given by the client): when it is taken, numeric
   * suffixes 2..999 are appended like PocketBase.
   */
  readonly generatedId?: boolean
  /**
   * False skips the validation (PocketBase `SaveNoValidate`, used by the import, which validates
   * every collection after saving them all); a view whose query fails then throws the
   * ViewQueryError. Defaults to true.
   */
  readonly validate?: boolean
}

/** Thrown when a collection cannot be deleted because relation fields of others point to it. */
export class CollectionReferencedError extends Error {
  /** Names of the referencing collections. */
  readonly referencedBy: string[]
  constructor(names: string[]) {
    super(`The collection is referenced by ${names.join(', ')}.`)
    this.name = 'CollectionReferencedError'
    this.referencedBy = names
  }
}

/**
 * Creates or updates a collection in one transaction (PocketBase `app.Save(collection)`): fires
 * `onCollectionCreate`/`onCollectionUpdate` around defaults (system fields, auth indexes, view
 * fields inferred from the query), validation, the `_collections` write and the table sync,
 * then re-saves the views that read the collection and updates the app's cache. A collection is
 * new when its id is not in the cache. Throws ValidationErrors (invalid definition), or the SQL
 * error of the table sync.
 */
export async function saveCollection(
  app: App,
  collection: Collection,
  options: SaveCollectionOptions = {},
): Promise<void> {
  // NOTE: a collection is new until it was stored once (stored ones always have `created`).
  const original =
    collection.created === '' ? undefined : app.state.collectionsById.get(collection.id)
  const action = original === undefined ? 'create' : 'update'
  try {
    await app.runInTransaction(async (tx) => {
      await triggerCollectionStep(tx, action, 'main', collection, (app, c) =>
        persist(app, c, original, options),
      )
    })
  } catch (err) {
    await afterCollectionWriteError(app, action, collection, err)
    throw err
  }
  await afterCollectionWrite(app, action, collection)
}

async function persist(
  app: App,
  c: Collection,
  original: Collection | undefined,
  options: SaveCollectionOptions,
): Promise<void> {
  if (original === undefined && options.generatedId) {
    const base = c.id
    for (let i = 2; i < 1000 && app.state.collectionsById.has(c.id); i++) c.id = `${base}${i}`
  }
  enforceSuperusersOptions(c)
  const validate = options.validate ?? true
  const extra = systemFieldErrors(c, original)
  initDefaultFields(c)
  if (c.type === 'view') {
    if (c.viewQuery.trim() !== '') {
      try {
        c.setFields(await inferViewFields(app, c.viewQuery, original?.fields ?? c.fields))
      } catch (err) {
        if (!(err instanceof ViewQueryError) || !validate) throw err
        c.setFields(err.fields ?? [])
        extra.viewQuery = validationError(
          'validation_invalid_view_query',
          `Invalid query - ${err.message}`,
        )
      }
    } else {
      c.setFields([])
    }
  } else {
    c.indexes = c.indexes.map((i) => normalizeStoredIndex(i, c.name))
  }
  if (validate) {
    await triggerCollectionValidate(app, c, (app, c) =>
      validateCollection(app, c, { original, extra }),
    )
  }
  await triggerCollectionStep(
    app,
    original === undefined ? 'create' : 'update',
    'execute',
    c,
    (app, c) => write(app, c, original),
  )
}

/** The `_collections` write, the table sync and the views that read the collection. */
async function write(app: App, c: Collection, original: Collection | undefined): Promise<void> {
  const now = formatDate(new Date())
  const row = c.toRow()
  row.created = original === undefined ? now : original.created
  row.updated = now
  const cols = Object.keys(row)
  const q = app.db.dialect.quoteIdent
  if (original === undefined) {
    await app.db.run(
      `INSERT INTO ${q('_collections')} (${cols.map(q).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
      Object.values(row),
    )
    await createCollectionSchema(app, c)
  } else {
    await app.db.run(
      `UPDATE ${q('_collections')} SET ${cols.map((k) => `${q(k)} = ?`).join(', ')} WHERE ${q('id')} = ?`,
      [...Object.values(row), original.id],
    )
    await updateCollectionSchema(app, original, c)
  }
  c.created = row.created
  c.updated = now
  app.cacheCollection(c, original?.name)
  if (c.type !== 'view') {
    await resyncDependentViews(app, [c.name, original?.name ?? c.name], c.id)
  }
}

/**
 * Validates a collection that was saved without validation (the import's last step) against
 * `original`, its state before (itself when it is new). Throws ValidationErrors.
 */
export async function validateSavedCollection(
  app: App,
  c: Collection,
  original: Collection,
): Promise<void> {
  await validateCollection(app, c, { original, extra: systemFieldErrors(c, original) })
}

function systemFieldErrors(c: Collection, original: Collection | undefined): ValidationErrorMap {
  if (!renamesSystemField(c, original)) return {}
  return {
    fields: validationError(
      'validation_system_field_change',
      'System fields cannot be deleted or renamed.',
    ),
  }
}

/** True when a stored system field is kept (same id) under another name. */
function renamesSystemField(c: Collection, original: Collection | undefined): boolean {
  if (original === undefined) return false
  return original.fields.some((of) => {
    const nf = of.system ? c.getFieldById(of.id) : undefined
    return nf !== undefined && nf.name !== of.name
  })
}

/**
 * Re-saves the view collections whose query mentions one of `tableNames`: their stored query is
 * refreshed from SQLite (which rewrites views on column/table renames) and their fields are
 * inferred again. Throws when a view no longer works (e.g. its source table was dropped).
 */
async function resyncDependentViews(app: App, tableNames: string[], skipId: string): Promise<void> {
  const names = tableNames.map((n) => n.toLowerCase())
  for (const v of app.collections()) {
    if (v.type !== 'view' || v.id === skipId) continue
    const query = v.viewQuery.toLowerCase()
    if (!names.some((n) => query.includes(n))) continue
    const next = v.clone()
    const current = await currentViewQuery(app, v.name)
    if (current !== undefined) next.viewQuery = current
    try {
      next.setFields(await inferViewFields(app, next.viewQuery, v.fields))
      await saveView(app, next.name, next.viewQuery)
    } catch (err) {
      throw new Error(`failed to sync dependent view ${v.name}: ${(err as Error).message}`, {
        cause: err,
      })
    }
    const before = JSON.stringify(v.toRow())
    const row = next.toRow()
    if (JSON.stringify(row) === before) continue
    const q = app.db.dialect.quoteIdent
    await app.db.run(
      `UPDATE ${q('_collections')} SET ${q('fields')} = ?, ${q('options')} = ? WHERE ${q('id')} = ?`,
      [row.fields as string, row.options as string, v.id],
    )
    app.cacheCollection(next)
  }
}

/** Options of {@link deleteCollection}. */
export interface DeleteCollectionOptions {
  /**
   * False skips the check for relation fields of other collections pointing here (PocketBase
   * `IntegrityChecks(false)`; the import deletes before it saves the new relation fields).
   * Defaults to true.
   */
  readonly integrityChecks?: boolean
}

/**
 * Deletes a collection and its table/view in one transaction (PocketBase `app.Delete`), firing
 * `onCollectionDelete` around it. System collections cannot be deleted (throws Error);
 * collections referenced by another collection's relation field throw
 * CollectionReferencedError (unless `integrityChecks` is false); a view that reads the
 * collection makes the delete fail.
 */
export async function deleteCollection(
  app: App,
  collection: Collection,
  options: DeleteCollectionOptions = {},
): Promise<void> {
  if (collection.system) throw new Error('System collections cannot be deleted.')
  const refs = options.integrityChecks === false ? [] : referencingCollections(app, collection)
  if (refs.length > 0) throw new CollectionReferencedError(refs.map((c) => c.name))
  try {
    await app.runInTransaction(async (tx) => {
      await triggerCollectionStep(tx, 'delete', 'main', collection, (app, collection) =>
        triggerCollectionStep(app, 'delete', 'execute', collection, async (app, collection) => {
          const q = app.db.dialect.quoteIdent
          await app.db.run(`DELETE FROM ${q('_collections')} WHERE ${q('id')} = ?`, [collection.id])
          await dropCollectionSchema(app, collection)
          await scheduleCollectionFilesDelete(app, collection)
          app.uncacheCollection(collection)
          if (collection.type !== 'view') {
            await resyncDependentViews(app, [collection.name], collection.id)
          }
        }),
      )
    })
  } catch (err) {
    await afterCollectionWriteError(app, 'delete', collection, err)
    throw err
  }
  await afterCollectionWrite(app, 'delete', collection)
}

/** The other collections with a relation field targeting `collection`. */
export function referencingCollections(app: App, collection: Collection): Collection[] {
  return app
    .collections()
    .filter(
      (c) =>
        c.id !== collection.id &&
        c.fields.some((f) => f instanceof RelationField && f.collectionId === collection.id),
    )
}

/** Thrown by {@link truncateCollection} for view collections. */
export class TruncateViewError extends Error {
  constructor() {
    super("View collections cannot be truncated since they don't store their own records.")
    this.name = 'TruncateViewError'
  }
}

/**
 * Deletes every record of a collection one by one through `deleteRecord` in one transaction, so
 * record hooks and relation cascades apply (PocketBase `TruncateCollection`). Throws
 * TruncateViewError for views.
 */
export async function truncateCollection(app: App, collection: Collection): Promise<void> {
  if (collection.type === 'view') throw new TruncateViewError()
  await app.runInTransaction(async (tx) => {
    const q = tx.db.dialect.quoteIdent
    for (;;) {
      const c = tx.findCollection(collection.id) ?? collection
      const rows = await tx.db.all(`SELECT * FROM ${q(c.name)} LIMIT 100`)
      if (rows.length === 0) break
      for (const row of rows) await deleteRecord(tx, Record.fromRow(c, row))
    }
  })
}

/**
 * Wraps a failure of one imported collection into the import endpoint's error: its validation
 * errors as Go prints them (`Data validations failed for collection "name" (id): {…}`), or any
 * other error as `Failed to import the collections configuration. Raw error: …`.
 */
export function importFailure(c: Collection | undefined, err: unknown): ValidationErrors {
  if (err instanceof ValidationErrors && 'collections' in err.errors) return err
  let message: string
  if (err instanceof ValidationErrors && c !== undefined) {
    message = `Data validations failed for collection "${c.name}" (${c.id}):\n${JSON.stringify(goErrorsJSON(err.errors), null, 2)}`
  } else {
    const raw = (err as Error)?.message ?? String(err)
    // NOTE: PocketBase's API turns the message into a sentence (ending with a dot).
    message = `Failed to import the collections configuration. Raw error:\n${raw}${/[.!?]$/.test(raw) ? '' : '.'}`
  }
  return new ValidationErrors({
    collections: validationError('validation_collections_import_failure', message),
  })
}

/**
 * `_superusers` always sign in with a password, never with OAuth2, and enabling OTP for them
 * turns MFA on (PocketBase §6.12), whatever the submitted options say.
 */
function enforceSuperusersOptions(c: Collection): void {
  if (c.name !== '_superusers' || c.auth === undefined) return
  c.auth.passwordAuth.enabled = true
  c.auth.oauth2.enabled = false
  if (c.auth.otp.enabled) c.auth.mfa.enabled = true
}
