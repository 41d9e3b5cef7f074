import type { RouteState } from '../codec.ts'
import { handlerRef, type MiddlewareRef, middlewareRef } from './globals.ts'

/** `route.bind(…)` / `group.bind(…)`: middlewares kept until the routes cross. */
class JsBindable {
  readonly mws: MiddlewareRef[] = []

  bind(...mws: unknown[]): this {
    this.mws.push(...mws.map(middlewareRef))
    return this
  }

  bindFunc(...fns: unknown[]): this {
    return this.bind(...fns)
  }
}

/** A route added in a JS `onServe` (PocketBase `router.Route`). */
class JsRoute extends JsBindable {
  readonly method: string
  readonly path: string
  readonly ref: ReturnType<typeof handlerRef>

  constructor(method: string, path: string, action: unknown) {
    super()
    this.method = method
    this.path = path
    this.ref = handlerRef(action)
  }
}

/**
 * `e.router` of a JS `onServe` handler (PocketBase `router.RouterGroup`): `get`/`post`/`put`/
 * `patch`/`delete`/`head`/`options`/`any`/`route(method, path, fn)` add routes, `group(prefix)`
 * nests, `bind(…)` adds middlewares (`$apis.requireAuth()`, functions, `new Middleware(…)`) to
 * a route, a group or the whole router. The routes cross to the app thread's router with the
 * event's changes (at `e.next()` and when the handler returns), each run as a JS handler.
 */
export class JsRouterGroup extends JsBindable {
  readonly #prefix: string
  readonly #children: (JsRoute | JsRouterGroup)[] = []

  constructor(prefix = '') {
    super()
    this.#prefix = prefix
  }

  group(prefix: string): JsRouterGroup {
    const g = new JsRouterGroup(String(prefix))
    this.#children.push(g)
    return g
  }

  route(method: string, path: string, action: unknown): JsRoute {
    const r = new JsRoute(String(method).toUpperCase(), String(path), action)
    this.#children.push(r)
    return r
  }

  get(path: string, action: unknown): JsRoute {
    return this.route('GET', path, action)
  }

  post(path: string, action: unknown): JsRoute {
    return this.route('POST', path, action)
  }

  put(path: string, action: unknown): JsRoute {
    return this.route('PUT', path, action)
  }

  patch(path: string, action: unknown): JsRoute {
    return this.route('PATCH', path, action)
  }

  delete(path: string, action: unknown): JsRoute {
    return this.route('DELETE', path, action)
  }

  head(path: string, action: unknown): JsRoute {
    return this.route('HEAD', path, action)
  }

  options(path: string, action: unknown): JsRoute {
    return this.route('OPTIONS', path, action)
  }

  any(path: string, action: unknown): JsRoute {
    return this.route('*', path, action)
  }

  /**
   * @internal The routes added since the last call, flattened: full path, the middlewares of
   * every enclosing group (outermost first) then the route's own.
   */
  take(prefix = '', outer: readonly MiddlewareRef[] = []): RouteState[] {
    const base = prefix + this.#prefix
    const mws = [...outer, ...this.mws]
    const out: RouteState[] = []
    for (const c of this.#children) {
      if (c instanceof JsRouterGroup) out.push(...c.take(base, mws))
      else out.push({ method: c.method, path: base + c.path, ref: c.ref, mws: [...mws, ...c.mws] })
    }
    this.#children.length = 0
    return out
  }
}
