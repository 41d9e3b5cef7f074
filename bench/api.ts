/** A minimal JSON client for the setup calls (seeding is not measured, so fetch is fine). */

/** An HTTP error response from the server under test. */
export class ApiError extends Error {
  readonly status: number
  readonly data: unknown
  constructor(method: string, path: string, status: number, data: unknown) {
    super(`${method} ${path} → ${status} ${JSON.stringify(data).slice(0, 500)}`)
    this.status = status
    this.data = data
  }
}

/** A base URL plus an optional Authorization token. */
export interface Api {
  baseUrl: string
  token?: string
}

/** Sends a JSON request and returns the parsed JSON response; throws ApiError on non-2xx. */
export async function call<T = unknown>(
  api: Api,
  method: string,
  path: string,
  body?: unknown,
  token: string | undefined = api.token,
): Promise<T> {
  const headers: Record<string, string> = {}
  if (token) headers.Authorization = token
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  const res = await fetch(api.baseUrl + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(120_000),
  })
  const text = await res.text()
  const data: unknown = text ? JSON.parse(text) : null
  if (!res.ok) throw new ApiError(method, path, res.status, data)
  return data as T
}

/** Runs `task` over `items` with at most `concurrency` in flight; results keep input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let nextIndex = 0
  const lane = async (): Promise<void> => {
    while (nextIndex < items.length) {
      const i = nextIndex++
      out[i] = await task(items[i]!, i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane))
  return out
}
