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

/** Where an entry sits in the tab's history: our own state on every entry we make. */
function indexOf(state: unknown): number | null {
  const i = (state as { satchel?: unknown } | null)?.satchel
  return typeof i === 'number' ? i : null
}

/**
 * The router: history-API navigation below /_/ (the server answers index.html for any path).
 * Each history entry carries its position, so a Back/Forward that a leave guard holds can be
 * undone (the URL goes back to the page with the changes) and, on "leave", done again.
 */
class Router {
  route = $state<Route>(parse())
  /**
   * A navigation held back by a leave guard, waiting for the user to confirm or stay: a `go`
   * (its path) or a Back/Forward (`delta` entries away).
   */
  held = $state<{ path: string; replace: boolean; delta?: number } | null>(null)
  #guards = new Set<() => boolean>()
  /** The position of the current entry in the tab's history. */
  #index = 0
  /** The Back/Forward the router itself started to undo a held one (its popstate is ignored). */
  #undoing = false

  constructor() {
    const index = indexOf(window.history.state)
    if (index === null) window.history.replaceState({ satchel: 0 }, '')
    else this.#index = index
    window.addEventListener('popstate', (e) => this.#popped(e.state))
  }

  #popped(state: unknown): void {
    const index = indexOf(state)
    if (this.#undoing) {
      this.#undoing = false
      this.#index = index ?? this.#index
      return
    }
    // an entry we did not make (a #hash link): nothing to undo it by
    if (index !== null && index !== this.#index && this.#unsaved()) {
      const delta = index - this.#index
      this.held = { path: '', replace: false, delta }
      this.#undoing = true
      window.history.go(-delta)
      return
    }
    this.#index = index ?? this.#index
    this.route = parse()
  }

  #unsaved(): boolean {
    return [...this.#guards].some((g) => g())
  }

  /**
   * Registers `hasUnsaved` (true while a page holds unsaved changes): `go`, Back and Forward
   * are then held in `held` until `leave()` or `stay()`, and closing the tab asks the
   * browser's question. Returns the unregister function (an `$effect` cleanup).
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
    if (!held) return
    if (held.delta !== undefined) window.history.go(held.delta)
    else this.go(held.path, held.replace)
  }

  /** Cancels the held navigation. */
  stay(): void {
    this.held = null
  }

  /** Goes to `path` (relative to /_/, e.g. `collections/posts?page=2`); `replace` keeps history. */
  go(path: string, replace = false): void {
    if (this.#unsaved()) {
      this.held = { path, replace }
      return
    }
    const url = BASE + path.replace(/^\/+/, '')
    if (replace) window.history.replaceState({ satchel: this.#index }, '', url)
    else window.history.pushState({ satchel: ++this.#index }, '', url)
    this.route = parse()
  }

  /** The href of a dashboard path, for real links (middle-click, copy link). */
  href(path: string): string {
    return BASE + path.replace(/^\/+/, '')
  }
}

/** The dashboard's router. */
export const router = new Router()
