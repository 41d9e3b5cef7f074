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

  constructor() {
    window.addEventListener('popstate', () => {
      this.route = parse()
    })
  }

  /** Goes to `path` (relative to /_/, e.g. `collections/posts?page=2`); `replace` keeps history. */
  go(path: string, replace = false): void {
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
