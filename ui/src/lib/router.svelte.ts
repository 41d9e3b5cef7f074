/** Base path the dashboard is served under (Vite's `base`). */
const BASE = '/_/'

/** A parsed dashboard location: the path below /_/ split into segments, and its query. */
export interface Route {
  /** Segments below the base, e.g. `['collections', 'posts']`; `[]` for the home page. */
  readonly parts: readonly string[]
  readonly query: URLSearchParams
}

function parse(): Route {
  const path = window.location.pathname.startsWith(BASE)
    ? window.location.pathname.slice(BASE.length)
    : ''
  return {
    parts: path.split('/').filter(Boolean).map(decodeURIComponent),
    query: new URLSearchParams(window.location.search),
  }
}

/** The router: history-API navigation below /_/ (the server answers index.html for any path). */
class Router {
  route = $state<Route>(parse())
  /** A navigation held back by a leave guard, waiting for the user to confirm or stay. */
  held = $state<{ path: string; replace: boolean } | null>(null)
  #guards = new Set<() => boolean>()

  constructor() {
    window.addEventListener('popstate', () => {
      this.route = parse()
    })
  }

  /**
   * Registers `hasUnsaved` (true while a page holds unsaved changes): `go` then holds the
   * navigation in `held` until `leave()` or `stay()`, and closing the tab asks the browser's
   * question. Returns the unregister function (an `$effect` cleanup).
   */
  guard(hasUnsaved: () => boolean): () => void {
    this.#guards.add(hasUnsaved)
    const beforeUnload = (e: BeforeUnloadEvent) => {
      if (hasUnsaved()) e.preventDefault()
    }
    window.addEventListener('beforeunload', beforeUnload)
    return () => {
      this.#guards.delete(hasUnsaved)
      window.removeEventListener('beforeunload', beforeUnload)
    }
  }

  /** Goes on with the held navigation, dropping the unsaved changes. */
  leave(): void {
    const held = this.held
    this.held = null
    this.#guards.clear()
    if (held) this.go(held.path, held.replace)
  }

  /** Cancels the held navigation. */
  stay(): void {
    this.held = null
  }

  /** Goes to `path` (relative to /_/, e.g. `collections/posts?page=2`); `replace` keeps history. */
  go(path: string, replace = false): void {
    if ([...this.#guards].some((g) => g())) {
      this.held = { path, replace }
      return
    }
    const url = BASE + path.replace(/^\/+/, '')
    if (replace) window.history.replaceState(null, '', url)
    else window.history.pushState(null, '', url)
    this.route = parse()
  }

  /** The href of a dashboard path, for real links (middle-click, copy link). */
  href(path: string): string {
    return BASE + path.replace(/^\/+/, '')
  }
}

/** The dashboard's router. */
export const router = new Router()
