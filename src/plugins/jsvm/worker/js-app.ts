import type { RecordState } from '../codec.ts'
import { DynamicModel, fillModel, isArrayOf } from './dynamic-model.ts'
import { handlerRef } from './globals.ts'
import { JsCollection } from './js-collection.ts'
import { JsRecord } from './js-record.ts'
import { call, runtime } from './runtime.ts'

type Json = { [key: string]: unknown }

/** A collection argument as the app thread takes it: its id when saved, else its name. */
function colArg(c: unknown): string {
  if (c instanceof JsCollection) return String(c.id || c.name)
  return String(c)
}

const records = (states: unknown) => (states as RecordState[]).map((s) => JsRecord.fromState(s))

/** Binds `{:name}` placeholders: `sql` plus the params to bind (PocketBase dbx `Bind`). */
class JsQuery {
  readonly #app: number
  readonly #sql: string
  #params: Json = {}

  constructor(app: number, sql: string) {
    this.#app = app
    this.#sql = sql
  }

  bind(params: Json): JsQuery {
    this.#params = { ...this.#params, ...params }
    return this
  }

  /** Runs a write; the result has `rowsAffected()` and `lastInsertId()`. */
  execute(): { rowsAffected(): number; lastInsertId(): number } {
    const r = call('db.exec', this.#app, this.#sql, this.#params) as { changes: number; id: number }
    return { rowsAffected: () => r.changes, lastInsertId: () => r.id }
  }

  /** Reads the first row into `model` (a DynamicModel, a plain object or a record). */
  one(model: unknown): void {
    const rows = call('db.all', this.#app, this.#sql, this.#params, 1) as Json[]
    if (rows.length === 0) throw new Error('sql: no rows in result set')
    fillModel(model, rows[0]!)
  }

  /** Reads every row into `list` (`arrayOf(new DynamicModel({...}))` or a plain array). */
  all(list: unknown): void {
    const rows = call('db.all', this.#app, this.#sql, this.#params, 0) as Json[]
    if (!Array.isArray(list)) throw new TypeError('all() needs an array (use arrayOf(model)).')
    const template = isArrayOf(list) ? list.template : undefined
    list.length = 0
    for (const row of rows) {
      if (template === undefined) {
        list.push(row)
        continue
      }
      const m = template instanceof DynamicModel ? new DynamicModel(template) : { ...template }
      fillModel(m, row)
      list.push(m)
    }
  }

  /** The first column of every row. */
  column(list: unknown[]): void {
    const rows = call('db.all', this.#app, this.#sql, this.#params, 0) as Json[]
    list.length = 0
    for (const row of rows) list.push(Object.values(row)[0])
  }
}

/**
 * `$app.recordQuery(collection)` (PocketBase `app.RecordQuery`, a dbx select of the collection's
 * table): conditions from `$dbx` expressions, order, limit and offset, run by `all(records)`
 * (`arrayOf(new Record)` or a plain array) or `one(record)`.
 */
class JsRecordQuery {
  readonly #app: number
  readonly #collection: string
  readonly #where: { readonly op: 'and' | 'or'; readonly e: unknown }[] = []
  readonly #order: string[] = []
  #limit = 0
  #offset = 0

  constructor(app: number, collection: string) {
    this.#app = app
    this.#collection = collection
  }

  where(e: unknown): JsRecordQuery {
    this.#where.length = 0
    return this.andWhere(e)
  }

  andWhere(e: unknown): JsRecordQuery {
    if (e !== undefined && e !== null) this.#where.push({ op: 'and', e })
    return this
  }

  orWhere(e: unknown): JsRecordQuery {
    if (e !== undefined && e !== null) this.#where.push({ op: 'or', e })
    return this
  }

  orderBy(...cols: string[]): JsRecordQuery {
    this.#order.length = 0
    return this.andOrderBy(...cols)
  }

  andOrderBy(...cols: string[]): JsRecordQuery {
    this.#order.push(...cols.map(String))
    return this
  }

  limit(n: number): JsRecordQuery {
    this.#limit = Math.max(0, Math.trunc(Number(n)))
    return this
  }

  offset(n: number): JsRecordQuery {
    this.#offset = Math.max(0, Math.trunc(Number(n)))
    return this
  }

  #run(limit: number): JsRecord[] {
    const q = { where: this.#where, order: this.#order, limit, offset: this.#offset }
    return records(call('rec.query', this.#app, this.#collection, plain(q)))
  }

  /** Reads every matching record into `list`. */
  all(list: unknown): void {
    if (!Array.isArray(list)) throw new TypeError('all() needs an array (use arrayOf(new Record)).')
    list.length = 0
    list.push(...this.#run(this.#limit))
  }

  /** Reads the first matching record into `record`; throws when there is none. */
  one(record: unknown): void {
    const [first] = this.#run(1)
    if (first === undefined) throw new Error('sql: no rows in result set')
    if (!(record instanceof JsRecord)) throw new TypeError('one() needs a record (new Record()).')
    record.core = first.core
  }
}

/** A cron job as `$app.cron().jobs()` lists it (PocketBase `cron.Job`). */
interface JsCronJob {
  id(): string
  expression(): string
}

/**
 * `$app` and `e.app` (PocketBase `core.App`) for JS hooks: every method is synchronous and runs
 * the app's real operation on the app thread (`handle` names which app: the root one, a
 * transaction, an event's).
 */
export class JsApp {
  readonly #h: number

  constructor(handle: number) {
    this.#h = handle
  }

  /** @internal */
  get handle(): number {
    return this.#h
  }

  isDev(): boolean {
    return (call('app.info', this.#h) as { dev: boolean }).dev
  }

  dataDir(): string {
    return (call('app.info', this.#h) as { dataDir: string }).dataDir
  }

  isBootstrapped(): boolean {
    return true
  }

  settings(): Json {
    const s = call('settings', this.#h) as Json
    Object.defineProperty(s, '__settings', { value: true })
    return s
  }

  logger(): { [level: string]: (msg: string, ...attrs: unknown[]) => void } {
    const log =
      (level: string) =>
      (msg: string, ...attrs: unknown[]) =>
        runtime.channel.post({ t: 'log', level, a: [String(msg), ...attrs.map(plain)] })
    return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') }
  }

  db(): { newQuery(sql: string): JsQuery } {
    return { newQuery: (sql: string) => new JsQuery(this.#h, sql) }
  }

  nonconcurrentDB(): { newQuery(sql: string): JsQuery } {
    return this.db()
  }

  recordQuery(collection: unknown): JsRecordQuery {
    return new JsRecordQuery(this.#h, colArg(collection))
  }

  /**
   * The app's key/value store (PocketBase `app.Store()`), shared by every worker and the
   * TypeScript hooks: values cross as copies (plain data), a missing key reads as null.
   */
  store(): { [method: string]: (...args: never[]) => unknown } {
    const op = (name: string, ...args: unknown[]) => call('store', this.#h, name, ...args)
    return {
      get: (key: string) => op('get', String(key)),
      has: (key: string) => op('has', String(key)) as boolean,
      set: (key: string, value: unknown) => void op('set', String(key), value),
      remove: (key: string) => void op('remove', String(key)),
      removeAll: () => void op('removeAll'),
      reset: (data: Json = {}) => void op('reset', data),
      length: () => op('length') as number,
      getAll: () => op('getAll') as Json,
      values: () => op('values') as unknown[],
      setIfLessThanLimit: (key: string, value: unknown, limit: number) =>
        op('setIfLessThanLimit', String(key), value, Number(limit)) as boolean,
    }
  }

  /**
   * The app's scheduler (PocketBase `app.Cron()`): `add(id, expr, fn)` (as `cronAdd`),
   * `remove(id)`, `removeAll()`, `total()`, `jobs()`, `hasStarted()`.
   */
  cron(): { [method: string]: (...args: never[]) => unknown } {
    const op = (name: string, ...args: unknown[]) => call('cron', this.#h, name, ...args)
    return {
      add: (id: string, expr: string, fn: unknown) =>
        void op('add', String(id), String(expr), handlerRef(fn)),
      mustAdd: (id: string, expr: string, fn: unknown) =>
        void op('add', String(id), String(expr), handlerRef(fn)),
      remove: (id: string) => void op('remove', String(id)),
      removeAll: () => void op('removeAll'),
      total: () => op('total') as number,
      hasStarted: () => op('hasStarted') as boolean,
      jobs: () =>
        (op('jobs') as { id: string; expression: string }[]).map(
          (j): JsCronJob => ({ id: () => j.id, expression: () => j.expression }),
        ),
    }
  }

  /**
   * Creates a backup of pb_data named `name` (PocketBase `app.CreateBackup(ctx, name)`, e.g.
   * with `e.request.context()`; the context is not used; an empty name is generated).
   */
  createBackup(ctx: unknown, name = ''): void {
    if (typeof ctx !== 'object' || ctx === null) {
      throw new TypeError(`could not convert ${String(ctx)} to context.Context`)
    }
    call('backup.create', this.#h, String(name))
  }

  findCollectionByNameOrId(idOrName: string): JsCollection {
    return JsCollection.fromVersion(call('col.find', this.#h, String(idOrName)) as number)
  }

  findCachedCollectionByNameOrId(idOrName: string): JsCollection {
    return this.findCollectionByNameOrId(idOrName)
  }

  findAllCollections(...types: string[]): JsCollection[] {
    return (call('col.all', this.#h, types) as number[]).map((v) => JsCollection.fromVersion(v))
  }

  findRecordById(collection: unknown, id: string): JsRecord {
    return JsRecord.fromState(
      call('rec.byId', this.#h, colArg(collection), String(id)) as RecordState,
    )
  }

  findRecordsByIds(collection: unknown, ids: string[]): JsRecord[] {
    return records(call('rec.byIds', this.#h, colArg(collection), [...ids].map(String)))
  }

  findRecordsByFilter(
    collection: unknown,
    filter: string,
    sort = '',
    limit = 0,
    offset = 0,
    ...params: Json[]
  ): JsRecord[] {
    return records(
      call('rec.byFilter', this.#h, colArg(collection), filter, sort, limit, offset, merge(params)),
    )
  }

  findFirstRecordByFilter(collection: unknown, filter: string, ...params: Json[]): JsRecord {
    return JsRecord.fromState(
      call('rec.firstByFilter', this.#h, colArg(collection), filter, merge(params)) as RecordState,
    )
  }

  findFirstRecordByData(collection: unknown, key: string, value: unknown): JsRecord {
    return JsRecord.fromState(
      call('rec.firstByData', this.#h, colArg(collection), key, plain(value)) as RecordState,
    )
  }

  findAuthRecordByEmail(collection: unknown, email: string): JsRecord {
    return JsRecord.fromState(
      call('rec.authByEmail', this.#h, colArg(collection), email) as RecordState,
    )
  }

  findAuthRecordByToken(token: string, ...types: string[]): JsRecord {
    return JsRecord.fromState(call('rec.byToken', this.#h, String(token), types) as RecordState)
  }

  hasTable(name: string): boolean {
    return call('db.hasTable', this.#h, String(name)) as boolean
  }

  tableColumns(name: string): string[] {
    return call('db.columns', this.#h, String(name)) as string[]
  }

  reloadSettings(): void {
    call('settings.reload', this.#h)
  }

  findAllRecords(collection: unknown, ...exprs: unknown[]): JsRecord[] {
    return records(call('rec.all', this.#h, colArg(collection), exprs))
  }

  countRecords(collection: unknown, ...exprs: unknown[]): number {
    return call('rec.count', this.#h, colArg(collection), exprs) as number
  }

  /** Saves a record, a collection or the settings (PocketBase `app.Save`). */
  save(model: unknown): void {
    this.#save(model, true)
  }

  saveNoValidate(model: unknown): void {
    this.#save(model, false)
  }

  #save(model: unknown, validate: boolean): void {
    if (model instanceof JsRecord) {
      const s = call('rec.save', this.#h, model.state(), validate) as RecordState
      model.core = JsRecord.fromState(s).core
      return
    }
    if (model instanceof JsCollection) {
      const v = call('col.save', this.#h, model.toJSON(), validate) as number
      const saved = JsCollection.fromVersion(v)
      model.assign(saved.toJSON(), v)
      return
    }
    if (typeof model === 'object' && model !== null && (model as Json).__settings === true) {
      call('settings.save', this.#h, plain(model))
      return
    }
    throw new TypeError('save() takes a record, a collection or the settings.')
  }

  /** Deletes a record or a collection (PocketBase `app.Delete`). */
  delete(model: unknown): void {
    if (model instanceof JsRecord) call('rec.delete', this.#h, model.state())
    else if (model instanceof JsCollection) call('col.delete', this.#h, colArg(model))
    else throw new TypeError('delete() takes a record or a collection.')
  }

  /** Validates a record without saving it (PocketBase `app.Validate`). */
  validate(model: unknown): void {
    if (model instanceof JsRecord) call('rec.validate', this.#h, model.state())
    else throw new TypeError('validate() takes a record.')
  }

  truncateCollection(collection: unknown): void {
    call('col.truncate', this.#h, colArg(collection))
  }

  importCollections(list: unknown[], deleteMissing = false): void {
    call('col.import', this.#h, plain(list), deleteMissing)
  }

  importCollectionsByMarshaledJSON(json: string, deleteMissing = false): void {
    call('col.import', this.#h, JSON.parse(json), deleteMissing)
  }

  /** Runs `fn(txApp)` in one transaction: committed when it returns, rolled back when it throws. */
  runInTransaction(fn: (txApp: JsApp) => void): void {
    const tx = call('tx.begin', this.#h) as number
    let ok = false
    try {
      fn(new JsApp(tx))
      ok = true
    } finally {
      call('tx.end', tx, ok)
    }
  }

  /** A mail client whose `send(message)` sends through the app's SMTP settings. */
  newMailClient(): { send(message: unknown): void } {
    return { send: (message: unknown) => void call('mail', this.#h, plain(message)) }
  }
}

function merge(params: Json[]): Json {
  return Object.assign({}, ...params.map((p) => plain(p)))
}

/** A plain copy of a value for the crossing (records become their public JSON). */
export function plain(value: unknown): never {
  if (value === undefined) return undefined as never
  return JSON.parse(JSON.stringify(value)) as never
}
