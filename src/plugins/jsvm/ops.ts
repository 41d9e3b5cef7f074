import type { App } from '../../core/app.ts'
import { createBackup } from '../../core/backup-create.ts'
import type { TokenType } from '../../core/collection-auth-options.ts'
import { importCollections } from '../../core/collection-import.ts'
import { applyCollectionInput } from '../../core/collection-input.ts'
import type { Collection, CollectionType } from '../../core/collection-model.ts'
import { deleteCollection, saveCollection, truncateCollection } from '../../core/collection-save.ts'
import { newCollection } from '../../core/collection-scaffolds.ts'
import { newMailClient } from '../../core/mail-client.ts'
import { deleteRecord } from '../../core/record-delete.ts'
import { Record } from '../../core/record-model.ts'
import {
  findAuthRecordByEmail,
  findFirstRecordByData,
  findRecordById,
  findRecordsByFilter,
  findRecordsByIds,
} from '../../core/record-query.ts'
import { saveRecord, validateRecord } from '../../core/record-save.ts'
import {
  findAuthRecordByToken,
  newRecordToken,
  newStaticAuthToken,
} from '../../core/record-tokens.ts'
import type { RequestInfo } from '../../core/request-info.ts'
import { mergeSettings, type Settings } from '../../core/settings-model.ts'
import {
  sendRecordAuthAlert,
  sendRecordChangeEmail,
  sendRecordOTP,
  sendRecordPasswordReset,
  sendRecordVerification,
} from '../../mails/record-mails.ts'
import { cronExpressionError } from '../../tools/cron/cron.ts'
import { NoRowsError } from '../../tools/db/db.ts'
import type { MailMessage } from '../../tools/mailer/mailer.ts'
import type { EventChanges, RecordState } from './codec.ts'
import { bindSql, compileDbx, type DbxExpr } from './dbx.ts'
import { applyChanges } from './events.ts'
import type { Codec, JsvmPool } from './pool.ts'
import type { HandlerRef } from './worker/globals.ts'

type Json = { [key: string]: unknown }

/** What `$app.recordQuery(…)` built (see `worker/js-app.ts`). */
interface RecordQueryState {
  readonly where: readonly { readonly op: 'and' | 'or'; readonly e: unknown }[]
  readonly order: readonly string[]
  readonly limit: number
  readonly offset: number
}
type Op = (ctx: OpContext, ...args: never[]) => Promise<unknown> | unknown

/** What an operation runs with: the pool and the codec of the worker that called. */
interface OpContext {
  readonly pool: JsvmPool
  readonly codec: Codec
}

const appOf = (ctx: OpContext, h: number): App => ctx.pool.appOf(h)
const states = (ctx: OpContext, records: Record[]) => records.map((r) => ctx.codec.record(r))

/** A transaction a worker opened with `runInTransaction`, by its app handle. */
interface OpenTx {
  finish(ok: boolean): Promise<void>
}
const openTxs = new WeakMap<JsvmPool, Map<number, OpenTx>>()

class TxAbort extends Error {}

/** PocketBase's token type names (`auth`, `file`, …) as the app's token kinds. */
const TOKEN_TYPES: { [type: string]: TokenType } = {
  auth: 'authToken',
  file: 'fileToken',
  verification: 'verificationToken',
  passwordReset: 'passwordResetToken',
  emailChange: 'emailChangeToken',
}

/** Where a collection save lands: an update of the stored one, or a create. */
async function saveCollectionJson(app: App, json: Json, validate: boolean): Promise<Collection> {
  const id = typeof json.id === 'string' ? json.id : ''
  const stored = id === '' ? undefined : app.findCollection(id)
  if (stored !== undefined && typeof json.created === 'string' && json.created !== '') {
    const c = stored.clone()
    applyCollectionInput(c, json, false)
    await saveCollection(app, c, { validate })
    return app.findCollection(c.id) ?? c
  }
  const type = (
    typeof json.type === 'string' && json.type !== '' ? json.type : 'base'
  ) as CollectionType
  const c = newCollection(type, typeof json.name === 'string' ? json.name : '')
  const { created: _c, updated: _u, ...rest } = json
  applyCollectionInput(c, { ...rest, type }, id !== '')
  await saveCollection(app, c, { generatedId: id === '', validate })
  return app.findCollection(c.id) ?? c
}

/**
 * The operations JS calls synchronously, run on the app thread with the app's real functions
 * (the same write path, hooks and rules-free queries as TypeScript hooks use). Names are the
 * worker's (`worker/js-app.ts`, `globals.ts`, `js-event.ts`).
 */
const OPS: { [name: string]: Op } = {
  'db.hasTable': (ctx, h: number, name: string) => {
    const app = appOf(ctx, h)
    return app.db.dialect.hasTable(app.db, name)
  },
  'db.columns': (ctx, h: number, name: string) => {
    const app = appOf(ctx, h)
    return app.db.dialect.tableColumns(app.db, name)
  },
  'settings.reload': (ctx, h: number) => appOf(ctx, h).reloadSettings(),
  'rec.byToken': async (ctx, h: number, token: string, types: string[]) => {
    const found = await findAuthRecordByToken(
      appOf(ctx, h),
      token,
      (types.length > 0 ? types : ['auth']).map((t) => TOKEN_TYPES[t] ?? 'authToken'),
    )
    if (found === undefined) throw new NoRowsError('sql: no rows in result set')
    return ctx.codec.record(found.record)
  },
  'app.info': (ctx, h: number) => {
    const app = appOf(ctx, h)
    return { dev: app.config.dev, dataDir: app.dataDir.root }
  },
  settings: (ctx, h: number) => JSON.parse(JSON.stringify(appOf(ctx, h).settings())),
  'settings.save': async (ctx, h: number, patch: Json) => {
    const app = appOf(ctx, h)
    await app.saveSettings(mergeSettings<Settings>(structuredClone(app.settings()), patch))
  },
  'col.find': (ctx, h: number, idOrName: string) =>
    ctx.codec.version(appOf(ctx, h).findCollectionByNameOrId(idOrName)),
  'col.all': (ctx, h: number, types: string[]) =>
    appOf(ctx, h)
      .collections()
      .filter((c) => types.length === 0 || types.includes(c.type))
      .map((c) => ctx.codec.version(c)),
  'col.save': async (ctx, h: number, json: Json, validate: boolean) =>
    ctx.codec.version(await saveCollectionJson(appOf(ctx, h), json, validate)),
  'col.delete': async (ctx, h: number, idOrName: string) => {
    const app = appOf(ctx, h)
    await deleteCollection(app, app.findCollectionByNameOrId(idOrName))
  },
  'col.truncate': async (ctx, h: number, idOrName: string) => {
    const app = appOf(ctx, h)
    await truncateCollection(app, app.findCollectionByNameOrId(idOrName))
  },
  'col.import': (ctx, h: number, list: unknown[], deleteMissing: boolean) =>
    importCollections(appOf(ctx, h), list, deleteMissing),
  'rec.byId': async (ctx, h: number, col: string, id: string) =>
    ctx.codec.record(await findRecordById(appOf(ctx, h), col, id)),
  'rec.byIds': async (ctx, h: number, col: string, ids: string[]) => {
    const app = appOf(ctx, h)
    return states(ctx, await findRecordsByIds(app, app.findCollectionByNameOrId(col), ids))
  },
  'rec.byFilter': async (
    ctx,
    h: number,
    col: string,
    filter: string,
    sort: string,
    limit: number,
    offset: number,
    params: Json,
  ) =>
    states(
      ctx,
      await findRecordsByFilter(appOf(ctx, h), col, filter, { params, sort, limit, offset }),
    ),
  'rec.firstByFilter': async (ctx, h: number, col: string, filter: string, params: Json) => {
    const [first] = await findRecordsByFilter(appOf(ctx, h), col, filter, { params, limit: 1 })
    if (first === undefined) throw new NoRowsError('sql: no rows in result set')
    return ctx.codec.record(first)
  },
  'rec.firstByData': async (ctx, h: number, col: string, key: string, value: unknown) =>
    ctx.codec.record(await findFirstRecordByData(appOf(ctx, h), col, key, value)),
  'rec.authByEmail': async (ctx, h: number, col: string, email: string) => {
    const app = appOf(ctx, h)
    const r = await findAuthRecordByEmail(app, app.findCollectionByNameOrId(col), email)
    if (r === undefined) throw new NoRowsError('sql: no rows in result set')
    return ctx.codec.record(r)
  },
  'rec.all': async (ctx, h: number, col: string, exprs: unknown[]) => {
    const app = appOf(ctx, h)
    const c = app.findCollectionByNameOrId(col)
    const where = compileDbx(exprs, app.db.dialect)
    const sql = `SELECT * FROM ${app.db.dialect.quoteIdent(c.name)}${where.sql ? ` WHERE ${where.sql}` : ''}`
    const rows = await app.db.all<Json>(sql, where.params)
    return states(
      ctx,
      rows.map((row) => Record.fromRow(c, row)),
    )
  },
  'rec.query': async (ctx, h: number, col: string, q: RecordQueryState) => {
    const app = appOf(ctx, h)
    const c = app.findCollectionByNameOrId(col)
    const d = app.db.dialect
    let cond: DbxExpr | undefined
    for (const w of q.where) {
      const e = w.e as DbxExpr
      cond = cond === undefined ? e : { __dbx: w.op, exprs: [cond, e] }
    }
    const where = compileDbx(cond === undefined ? [] : [cond], d)
    // NOTE: dbx quotes a plain column name of an ORDER BY term; anything else stays as written
    const order = q.order
      .flatMap((o) => o.split(','))
      .map((o) => o.trim())
      .filter((o) => o !== '')
      .map((o) =>
        o.replace(
          /^(\w+)(\s+(?:asc|desc))?$/i,
          (_, name: string, dir = '') => d.quoteIdent(name) + dir.toUpperCase(),
        ),
      )
    let sql = `SELECT ${d.quoteIdent(c.name)}.* FROM ${d.quoteIdent(c.name)}`
    if (where.sql) sql += ` WHERE ${where.sql}`
    if (order.length > 0) sql += ` ORDER BY ${order.join(', ')}`
    if (q.limit > 0 || q.offset > 0)
      sql += ` LIMIT ${q.limit > 0 ? q.limit : Number.MAX_SAFE_INTEGER}`
    if (q.offset > 0) sql += ` OFFSET ${q.offset}`
    const rows = await app.db.all<Json>(sql, where.params)
    return states(
      ctx,
      rows.map((row) => Record.fromRow(c, row)),
    )
  },
  store: (ctx, h: number, method: string, ...args: unknown[]) => {
    const store = appOf(ctx, h).store()
    const key = String(args[0])
    switch (method) {
      case 'get':
        return store.get(key) ?? null
      case 'has':
        return store.has(key)
      case 'set':
        return store.set(key, args[1])
      case 'remove':
        return store.remove(key)
      case 'removeAll':
        return store.removeAll()
      case 'reset':
        return store.reset((args[0] ?? {}) as Json)
      case 'length':
        return store.length()
      case 'getAll':
        return store.getAll()
      case 'values':
        return store.values()
      case 'setIfLessThanLimit':
        return store.setIfLessThanLimit(key, args[1], Number(args[2]))
      default:
        throw new Error(`Unknown store method ${method}.`)
    }
  },
  cron: (ctx, h: number, method: string, ...args: unknown[]) => {
    const cron = appOf(ctx, h).cron()
    switch (method) {
      case 'add': {
        const [id, expr, ref] = args as [string, string, HandlerRef]
        const problem = cronExpressionError(expr)
        if (problem !== undefined) throw new Error(problem)
        return void cron.add(id, expr, () =>
          ctx.pool.run((codec) => ({ kind: 'handler', h: codec.handler(ref) })),
        )
      }
      case 'remove':
        return cron.remove(String(args[0]))
      case 'removeAll':
        for (const j of cron.jobs()) cron.remove(j.id)
        return
      case 'total':
        return cron.jobs().length
      case 'hasStarted':
        return cron.hasStarted
      case 'jobs':
        return cron.jobs().map((j) => ({ id: j.id, expression: j.expression }))
      default:
        throw new Error(`Unknown cron method ${method}.`)
    }
  },
  'backup.create': async (ctx, h: number, name: string) => {
    await createBackup(appOf(ctx, h), name)
  },
  'rec.count': async (ctx, h: number, col: string, exprs: unknown[]) => {
    const app = appOf(ctx, h)
    const c = app.findCollectionByNameOrId(col)
    const where = compileDbx(exprs, app.db.dialect)
    const sql = `SELECT COUNT(*) AS n FROM ${app.db.dialect.quoteIdent(c.name)}${where.sql ? ` WHERE ${where.sql}` : ''}`
    const row = await app.db.get<{ n: number }>(sql, where.params)
    return Number(row?.n ?? 0)
  },
  'rec.save': async (ctx, h: number, s: RecordState, validate: boolean) => {
    const r = ctx.pool.recordOf(s)
    await saveRecord(appOf(ctx, h), r, { validate })
    return ctx.codec.record(r)
  },
  'rec.delete': (ctx, h: number, s: RecordState) =>
    deleteRecord(appOf(ctx, h), ctx.pool.recordOf(s)),
  'rec.validate': (ctx, h: number, s: RecordState) =>
    validateRecord(appOf(ctx, h), ctx.pool.recordOf(s)),
  'db.exec': async (ctx, h: number, sql: string, params: Json) => {
    const b = bindSql(sql, params)
    const r = await appOf(ctx, h).db.run(b.sql, b.params)
    return { changes: r.changes, id: Number(r.lastInsertRowid) }
  },
  'db.all': async (ctx, h: number, sql: string, params: Json, limit: number) => {
    const b = bindSql(sql, params)
    const rows = await appOf(ctx, h).db.all<Json>(b.sql, b.params)
    return limit > 0 ? rows.slice(0, limit) : rows
  },
  'tx.begin': async (ctx, h: number) => {
    const app = appOf(ctx, h)
    let finish: (ok: boolean) => void = () => {}
    const gate = new Promise<boolean>((resolve) => {
      finish = resolve
    })
    let started: (tx: App) => void = () => {}
    const tx = new Promise<App>((resolve) => {
      started = resolve
    })
    const done = app.runInTransaction(async (txApp) => {
      started(txApp)
      if (!(await gate)) throw new TxAbort()
    })
    const txApp = await Promise.race([tx, done.then(() => undefined)])
    if (txApp === undefined) throw new Error('The transaction ended before it started.')
    const { handle, release } = ctx.pool.handleOf(txApp)
    let txs = openTxs.get(ctx.pool)
    if (txs === undefined) {
      txs = new Map()
      openTxs.set(ctx.pool, txs)
    }
    txs.set(handle, {
      finish: async (ok) => {
        finish(ok)
        release()
        await done.catch((err) => {
          if (!(err instanceof TxAbort)) throw err
        })
      },
    })
    return handle
  },
  'tx.end': async (ctx, handle: number, ok: boolean) => {
    const open = openTxs.get(ctx.pool)?.get(handle)
    if (open === undefined) return
    openTxs.get(ctx.pool)?.delete(handle)
    await open.finish(ok)
  },
  'ev.next': async (ctx, ev: number, changes: EventChanges) => {
    const e = ctx.pool.eventOf(ev) as Json & { next(): Promise<void> }
    applyChanges(ctx.pool, e, changes)
    await e.next()
    return e.record instanceof Record ? { record: ctx.codec.record(e.record) } : {}
  },
  'ev.info': async (ctx, ev: number) => {
    const e = ctx.pool.eventOf(ev) as { requestInfo: RequestInfo | (() => Promise<RequestInfo>) }
    const info = typeof e.requestInfo === 'function' ? await e.requestInfo() : e.requestInfo
    const { auth, ...rest } = info
    return {
      ...(JSON.parse(JSON.stringify(rest)) as Json),
      auth: auth === null ? null : ctx.codec.record(auth),
    }
  },
  http: async (
    _ctx,
    cfg: { url: string; method: string; body?: string; headers: Json; timeout: number },
  ) => {
    const res = await fetch(cfg.url, {
      method: cfg.method,
      body: cfg.body === undefined || cfg.method === 'GET' ? undefined : cfg.body,
      headers: Object.fromEntries(Object.entries(cfg.headers).map(([k, v]) => [k, String(v)])),
      signal: AbortSignal.timeout(Math.max(1, cfg.timeout) * 1000),
    })
    const headers: { [k: string]: string[] } = {}
    for (const [k, v] of res.headers) {
      headers[k] ??= []
      headers[k].push(v)
    }
    headers['set-cookie'] = res.headers.getSetCookie()
    return { statusCode: res.status, headers, body: new Uint8Array(await res.arrayBuffer()) }
  },
  mail: async (ctx, h: number, message: MailMessage) =>
    newMailClient(appOf(ctx, h)).send({ ...message, to: message.to ?? [] }),
  token: async (_ctx, _h: number, kind: string, s: RecordState, duration?: number) => {
    const r = _ctx.pool.recordOf(s)
    switch (kind) {
      case 'recordAuthToken':
        return duration
          ? newStaticAuthToken(r, duration)
          : newRecordToken(r, 'authToken', { refreshable: true })
      case 'recordVerifyToken':
        return newRecordToken(r, 'verificationToken', { email: r.getString('email') })
      case 'recordResetPasswordToken':
        return newRecordToken(r, 'passwordResetToken', { email: r.getString('email') })
      case 'recordChangeEmailToken':
        return newRecordToken(r, 'emailChangeToken', {
          email: r.getString('email'),
          newEmail: String(duration ?? ''),
        })
      case 'recordFileToken':
        return newRecordToken(r, 'fileToken')
      default:
        throw new Error(`Unknown token kind ${kind}.`)
    }
  },
  mails: async (ctx, h: number, kind: string, s: RecordState, arg?: string) => {
    const app = appOf(ctx, h)
    const r = ctx.pool.recordOf(s)
    if (kind === 'sendRecordPasswordReset') return sendRecordPasswordReset(app, r)
    if (kind === 'sendRecordVerification') return sendRecordVerification(app, r)
    if (kind === 'sendRecordChangeEmail') return sendRecordChangeEmail(app, r, String(arg))
    if (kind === 'sendRecordOTP') return sendRecordOTP(app, r, String(arg), '')
    if (kind === 'sendRecordAuthAlert') return sendRecordAuthAlert(app, r, String(arg ?? ''))
    throw new Error(`Unknown mail ${kind}.`)
  },
}

/** Runs the operation `op` a worker called; throws what the operation throws. */
export async function runOp(
  pool: JsvmPool,
  codec: Codec,
  op: string,
  args: readonly unknown[],
): Promise<unknown> {
  const fn = OPS[op] ?? pool.binds?.op(op)
  if (fn === undefined) throw new Error(`Unknown JSVM operation ${op}.`)
  return (fn as (ctx: OpContext, ...a: unknown[]) => unknown)({ pool, codec }, ...args)
}

export type { Op, OpContext }
