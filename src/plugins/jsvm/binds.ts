import {
  bodyLimit,
  requireAuth,
  requireGuestOnly,
  requireSuperuserAuth,
} from '../../apis/custom-routes.ts'
import type { RequestEvent } from '../../core/request-event.ts'
import { cronExpressionError } from '../../tools/cron/cron.ts'
import type { HookEvent, HookHandler } from '../../tools/hook/hook.ts'
import { forbiddenError, unauthorizedError } from '../../tools/router/api-error.ts'
import type { Middleware } from '../../tools/router/router.ts'
import type { EventChanges } from './codec.ts'
import { applyChanges, eventState } from './events.ts'
import type { Op } from './ops.ts'
import type { JsvmPool } from './pool.ts'
import type { HandlerRef, MiddlewareRef } from './worker/globals.ts'

type AnyHook = { bind(fn: HookHandler<HookEvent>, options?: object): string }

/** A bind the app does not have (yet): reported like a load failure, the file goes on. */
export interface UnsupportedBind {
  readonly file: string
  readonly line: number
  readonly message: string
}

/**
 * JsBinds is what a JS file's registration globals do on the app (PocketBase jsvm `binds.go`):
 * `on…(handler, ...tags)` binds the App hook of that name, `routerAdd`/`routerUse` add routes and
 * middlewares to the router when the app serves, `cronAdd`/`cronRemove` change the app's cron.
 * Every handler runs on the pool (see `JsvmPool.run`).
 */
export class JsBinds {
  readonly #pool: JsvmPool
  readonly #routes: { method: string; path: string; ref: HandlerRef; mws: MiddlewareRef[] }[] = []
  readonly #global: MiddlewareRef[] = []
  /** Hooks files bound handlers to hooks the App lacks. */
  readonly unsupported: UnsupportedBind[] = []

  constructor(pool: JsvmPool) {
    this.#pool = pool
    pool.app.onServe.bind(async (e) => {
      if (this.#global.length > 0) e.router.bind(...this.#global.map((m) => this.middleware(m)))
      for (const r of this.#routes) {
        const names = [...r.path.matchAll(/\{(\w+)(?:\.\.\.)?\}/g)].map((m) => m[1]!)
        e.router
          .route(r.method, r.path, this.handler(r.ref, names))
          .bind(...r.mws.map((m) => this.middleware(m)))
      }
      await e.next()
    })
  }

  /**
   * A hook handler that runs JS `ref` with the event: the event's data crosses, the handler's
   * changes (record values, response writes) come back when it calls `e.next()` and returns.
   */
  handler<E extends HookEvent>(
    ref: HandlerRef,
    paramNames: readonly string[] = [],
  ): HookHandler<E> {
    const pool = this.#pool
    return async (e) => {
      const anyE = e as unknown as { [key: string]: unknown; app?: unknown }
      const app = pool.handleOf((anyE.app as JsvmPool['app'] | undefined) ?? pool.app)
      const ev = pool.eventHandle(e)
      try {
        const urgent = (anyE.app as { inTransaction?: boolean } | undefined)?.inTransaction
        const changes = (await pool.run(
          (codec) => ({
            kind: 'handler',
            h: codec.handler(ref),
            ev: eventState(codec, ev.id, app.handle, anyE, paramNames),
          }),
          urgent === true,
        )) as EventChanges
        applyChanges(pool, anyE, changes)
      } finally {
        ev.release()
        app.release()
      }
    }
  }

  /** The app-thread middleware of a crossed one (a JS function, or one of `$apis`). */
  middleware(m: MiddlewareRef): Middleware<RequestEvent> {
    if ('fn' in m) return { func: this.handler(m.fn), id: m.id, priority: m.priority }
    const args = m.args as unknown[]
    switch (m.api) {
      case 'requireAuth':
        return requireAuth(...args.map(String))
      case 'requireSuperuserAuth':
        return requireSuperuserAuth()
      case 'requireGuestOnly':
        return requireGuestOnly()
      case 'bodyLimit':
        return bodyLimit(Number(args[0]))
      case 'requireSuperuserOrOwnerAuth':
        return requireSuperuserOrOwner(String(args[0] ?? 'id'))
      default:
        // gzip, skipSuccessActivityLog, requireSuperuserAuthOnlyIfAny: no effect on the answer
        return { id: `pb${m.api}`, func: (e) => e.next() }
    }
  }

  /** Runs `fn` now when the app is bootstrapped (its cron exists), else right after it is. */
  #whenBootstrapped(fn: () => void): void {
    if (this.#pool.app.isBootstrapped) {
      fn()
      return
    }
    this.#afterBootstrap.push(fn)
    if (this.#afterBootstrap.length > 1) return
    this.#pool.app.onBootstrap.bind(async (e) => {
      await e.next()
      for (const f of this.#afterBootstrap.splice(0)) f()
    })
  }

  readonly #afterBootstrap: (() => void)[] = []

  /** The registration operation `name`, if it is one. */
  op(name: string): Op | undefined {
    switch (name) {
      case 'reg.hook':
        return (_ctx, hook: string, tags: string[], ref: HandlerRef) => {
          const target = (this.#pool.app as unknown as { [k: string]: unknown })[hook]
          if (typeof target === 'function' && 'bind' in target) {
            const view = (target as (...t: string[]) => AnyHook)(...tags)
            view.bind(this.handler(ref))
          } else if (typeof (target as AnyHook | undefined)?.bind === 'function') {
            ;(target as AnyHook).bind(this.handler(ref))
          } else {
            this.unsupported.push({
              file: ref.file,
              line: ref.line,
              message: `${hook} is not supported yet; its handler is not bound.`,
            })
          }
        }
      case 'reg.route':
        return (_ctx, method: string, path: string, ref: HandlerRef, mws: MiddlewareRef[]) => {
          this.#routes.push({ method, path, ref, mws })
        }
      case 'reg.use':
        return (_ctx, mws: MiddlewareRef[]) => {
          this.#global.push(...mws)
        }
      case 'reg.cron':
        return (_ctx, id: string, expr: string, ref: HandlerRef) => {
          const problem = cronExpressionError(expr)
          if (problem !== undefined) throw new Error(problem)
          this.#whenBootstrapped(() =>
            this.#pool.app
              .cron()
              .add(id, expr, () =>
                this.#pool.run((codec) => ({ kind: 'handler', h: codec.handler(ref) })),
              ),
          )
        }
      case 'reg.cronRemove':
        return (_ctx, id: string) => this.#whenBootstrapped(() => this.#pool.app.cron().remove(id))
      default:
        return undefined
    }
  }
}

/** A superuser, or the auth record whose id is the path parameter `param` (PocketBase's). */
function requireSuperuserOrOwner(param: string): Middleware<RequestEvent> {
  return {
    id: 'pbRequireSuperuserOrOwnerAuth',
    func: (e) => {
      if (e.auth === null) {
        throw unauthorizedError('The request requires valid record authorization token.')
      }
      if (!e.hasSuperuserAuth() && e.auth.id !== e.pathValue(param)) {
        throw forbiddenError('The authorized record is not allowed to perform this action.')
      }
      return e.next()
    },
  }
}
