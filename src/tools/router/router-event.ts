import { HookEvent } from '../hook/hook.ts'

/**
 * RouterEvent is what a route handler or middleware receives (PocketBase `router.Event`): the
 * web-standard `request`, the path parameters and response writers. A writer (`json`, `string`,
 * `html`, `redirect`, `noContent`, `blob`) sets `response`; the last one called wins, and a
 * handler that writes nothing answers `200` with an empty body, as PocketBase does.
 *
 * @example
 * e.router.get('/api/hello/{name}', (e) => {
 *   e.json(200, { message: `Hello ${e.pathValue('name')}` })
 * })
 */
export class RouterEvent extends HookEvent {
  /** The incoming request; read its body once (or use `requestInfo()` on a `RequestEvent`). */
  request: Request
  /** The response once a writer was called (a middleware may replace it after `e.next()`). */
  response: Response | undefined = undefined
  /** Headers added to the response a writer builds (set them before calling the writer). */
  readonly responseHeaders: Headers = new Headers()
  #params: { readonly [name: string]: string }

  constructor(request: Request, params: { readonly [name: string]: string } = {}) {
    super()
    this.request = request
    this.#params = params
  }

  /** The value of the path parameter `name` (`{name}` in the route path), or "" (Go's `PathValue`). */
  pathValue(name: string): string {
    return this.#params[name] ?? ''
  }

  /** @internal Sets the path parameters once the route is known. */
  setPathParams(params: { readonly [name: string]: string }): void {
    this.#params = params
  }

  /** Answers `status` with `data` as JSON (PocketBase `e.JSON`). */
  json(status: number, data: unknown): void {
    this.#write(status, JSON.stringify(data), 'application/json')
  }

  /** Answers `status` with plain text (PocketBase `e.String`). */
  string(status: number, text: string): void {
    this.#write(status, text, 'text/plain; charset=utf-8')
  }

  /** Answers `status` with an HTML document (PocketBase `e.HTML`). */
  html(status: number, html: string): void {
    this.#write(status, html, 'text/html; charset=utf-8')
  }

  /** Answers `status` with a body of the given content type (PocketBase `e.Blob`). */
  blob(status: number, contentType: string, body: ConstructorParameters<typeof Response>[0]): void {
    this.#write(status, body, contentType)
  }

  /** Redirects to `url` with a 3xx `status` (PocketBase `e.Redirect`; usually 302 or 307). */
  redirect(status: number, url: string): void {
    const headers = new Headers(this.responseHeaders)
    headers.set('Location', url)
    this.response = new Response(null, { status, headers })
  }

  /** Answers `status` (usually 204) without a body (PocketBase `e.NoContent`). */
  noContent(status = 204): void {
    this.response = new Response(null, { status, headers: new Headers(this.responseHeaders) })
  }

  #write(
    status: number,
    body: ConstructorParameters<typeof Response>[0],
    contentType: string,
  ): void {
    const headers = new Headers(this.responseHeaders)
    if (!headers.has('Content-Type')) headers.set('Content-Type', contentType)
    this.response = new Response(body, { status, headers })
  }
}
