/**
 * ApiError is the one error that reaches clients, in PocketBase's wire shape
 * `{"data":{...},"message":"...","status":N}` (`tools/router/error.go`). `data` only ever holds
 * validation errors; the `cause` is logged, never sent.
 */
export class ApiError extends Error {
  readonly status: number
  readonly data: Record<string, unknown>

  constructor(
    status: number,
    message: string,
    data?: Record<string, unknown>,
    options?: ErrorOptions,
  ) {
    super(sentenize(message), options)
    this.name = 'ApiError'
    this.status = status
    this.data = data ?? {}
  }

  /** The JSON body PocketBase sends for this error. */
  toJSON(): { data: Record<string, unknown>; message: string; status: number } {
    return { data: this.data, message: this.message, status: this.status }
  }
}

/** Capitalises the first letter and appends a `.` unless the text ends in `.`, `?` or `!`. */
export function sentenize(text: string): string {
  const s = text.trim()
  if (s === '') return s
  const first = s[0]!.toUpperCase() + s.slice(1)
  return /[.?!]$/.test(first) ? first : `${first}.`
}

type Data = Record<string, unknown> | undefined

/** 400 with PocketBase's default message when `message` is empty. */
export const badRequestError = (message = '', data?: Data, options?: ErrorOptions) =>
  new ApiError(400, message || 'Something went wrong while processing your request.', data, options)

/** 401 `Missing or invalid authentication.` by default. */
export const unauthorizedError = (message = '', data?: Data) =>
  new ApiError(401, message || 'Missing or invalid authentication.', data)

/** 403 `You are not allowed to perform this request.` by default. */
export const forbiddenError = (message = '', data?: Data) =>
  new ApiError(403, message || 'You are not allowed to perform this request.', data)

/** 404 `The requested resource wasn't found.` by default. */
export const notFoundError = (message = '', data?: Data, options?: ErrorOptions) =>
  new ApiError(404, message || "The requested resource wasn't found.", data, options)

/** 413 `Request entity too large.` */
export const tooLargeError = (message = '') =>
  new ApiError(413, message || 'Request entity too large.')

/** 429 `Too Many Requests.` */
export const tooManyRequestsError = (message = '') =>
  new ApiError(429, message || 'Too Many Requests.')

/** 500 with PocketBase's generic message. */
export const internalServerError = (message = '', options?: ErrorOptions) =>
  new ApiError(
    500,
    message || 'Something went wrong while processing your request.',
    undefined,
    options,
  )
