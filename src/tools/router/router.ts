import type { BindOptions, HookEvent, HookHandler } from '../hook/hook.ts'

/**
 * A middleware of a route, a group or the whole router (PocketBase `hook.Handler`): `func` runs
 * before the handler and continues with `await e.next()`; not calling it stops the request (the
 * middleware then writes the response or throws). Lower `priority` runs first; a middleware
 * with an `id` replaces one with the same id at the same level and can be excluded with
 * `unbind(id)` below.
 */
export interface Middleware<E extends HookEvent> extends BindOptions {
  readonly func: HookHandler<E>
}

/** A route handler: writes the response on the event (`e.json(…)`) or throws an `ApiError`. */
export type RouteAction<E extends HookEvent> = HookHandler<E>

/** One registered route, as `Router.routes()` lists it. */
export interface RouteEntry<E extends HookEvent> {
  /** Upper-case method, or `*` for any. */
  readonly method: string
  /** The full path pattern (PocketBase syntax: `/api/posts/{id}`, `/files/{path...}`). */
  readonly path: string
  readonly action: RouteAction<E>
  /** The group and route middlewares, outermost group first (before priority sorting). */
  readonly middlewares: readonly Middleware<E>[]
}

/** Middleware bookkeeping shared by routes and groups. */
class Bindable<E extends HookEvent> {
  /** @internal */
  readonly middlewares: Middleware<E>[] = []
  /** @internal */
  readonly excluded = new Set<string>()

  /** Adds middlewares (PocketBase `Bind`). */
  bind(...middlewares: Middleware<E>[]): this {
    for (const m of middlewares) {
      if (m.id !== undefined) {
        this.excluded.delete(m.id)
        const i = this.middlewares.findIndex((x) => x.id === m.id)
        if (i >= 0) this.middlewares.splice(i, 1)
      }
      this.middlewares.push(m)
    }
    return this
  }

  /** Adds middleware functions with the default priority (PocketBase `BindFunc`). */
  bindFunc(...funcs: HookHandler<E>[]): this {
    return this.bind(...funcs.map((func) => ({ func })))
  }

  /**
   * Removes middlewares by id from this level and excludes them when inherited from a parent
   * group (PocketBase `Unbind`).
   */
  unbind(...ids: string[]): this {
    for (const id of ids) {
      const i = this.middlewares.findIndex((x) => x.id === id)
      if (i >= 0) this.middlewares.splice(i, 1)
      this.excluded.add(id)
    }
    return this
  }
}

/** A route registered on a group; `bind` adds middlewares that run for it only. */
export class Route<E extends HookEvent> extends Bindable<E> {
  readonly method: string
  readonly path: string
  readonly action: RouteAction<E>

  constructor(method: string, path: string, action: RouteAction<E>) {
    super()
    this.method = method
    this.path = path
    this.action = action
  }
}

/**
 * RouterGroup holds routes and nested groups under a path prefix, with middlewares shared by
 * all of them (PocketBase `router.RouterGroup`). Paths use PocketBase's (Go 1.22 `ServeMux`)
 * syntax: `{name}` matches one segment, a trailing `{name...}` the rest of the path.
 *
 * @example
 * const g = e.router.group('/api/shop').bind(requireAuth('users'))
 * g.get('/orders', listOrders)
 * g.post('/orders', createOrder).bind(bodyLimit(1 << 20))
 */
export class RouterGroup<E extends HookEvent> extends Bindable<E> {
  readonly prefix: string
  /** @internal */
  readonly children: (Route<E> | RouterGroup<E>)[] = []

  constructor(prefix = '') {
    super()
    this.prefix = prefix
  }

  /** Creates a nested group under `prefix`. */
  group(prefix: string): RouterGroup<E> {
    const g = new RouterGroup<E>(prefix)
    this.children.push(g)
    return g
  }

  /** Registers a route for `method` (`*` for any method). */
  route(method: string, path: string, action: RouteAction<E>): Route<E> {
    const r = new Route<E>(method.toUpperCase(), path, action)
    this.children.push(r)
    return r
  }

  /** Registers a `GET` route (HEAD requests are answered by it too). */
  get(path: string, action: RouteAction<E>): Route<E> {
    return this.route('GET', path, action)
  }

  /** Registers a `POST` route. */
  post(path: string, action: RouteAction<E>): Route<E> {
    return this.route('POST', path, action)
  }

  /** Registers a `PATCH` route. */
  patch(path: string, action: RouteAction<E>): Route<E> {
    return this.route('PATCH', path, action)
  }

  /** Registers a `PUT` route. */
  put(path: string, action: RouteAction<E>): Route<E> {
    return this.route('PUT', path, action)
  }

  /** Registers a `DELETE` route. */
  delete(path: string, action: RouteAction<E>): Route<E> {
    return this.route('DELETE', path, action)
  }

  /** Registers a route for any method. */
  any(path: string, action: RouteAction<E>): Route<E> {
    return this.route('*', path, action)
  }
}

/**
 * Router is the root group handed to `onServe` handlers (`e.router`). Its own middlewares
 * (`e.router.bind(…)`) wrap every request, the built-in API's included; the middlewares of
 * groups and routes wrap only those routes.
 */
export class Router<E extends HookEvent> extends RouterGroup<E> {
  /** Every route with its full path and the group/route middlewares that apply to it. */
  routes(): RouteEntry<E>[] {
    const out: RouteEntry<E>[] = []
    const walk = (
      g: RouterGroup<E>,
      prefix: string,
      inherited: Middleware<E>[],
      isRoot: boolean,
    ) => {
      // NOTE: the root's own middlewares are applied to the whole server, not per route.
      const own = isRoot ? inherited : [...inherited, ...g.middlewares]
      for (const child of g.children) {
        if (child instanceof RouterGroup) {
          const kept = own.filter((m) => m.id === undefined || !child.excluded.has(m.id))
          walk(child, prefix + child.prefix, kept, false)
          continue
        }
        const kept = own.filter((m) => m.id === undefined || !child.excluded.has(m.id))
        out.push({
          method: child.method,
          path: prefix + child.path,
          action: child.action,
          middlewares: innermostById([...kept, ...child.middlewares]),
        })
      }
    }
    walk(this, this.prefix, [], true)
    return out
  }
}

/** Keeps, for each middleware id, only its innermost (last) occurrence: a route overrides its group. */
function innermostById<E extends HookEvent>(list: Middleware<E>[]): Middleware<E>[] {
  return list.filter(
    (m, i) => m.id === undefined || !list.slice(i + 1).some((later) => later.id === m.id),
  )
}
