type Data = { [key: string]: unknown } | undefined

/**
 * PocketBase's API error classes for JS hooks (`new BadRequestError("…")`, `new ApiError(418,
 * "…")`): a thrown one answers the request with its status and PocketBase's error shape; an
 * empty message takes the status's default, as on the app thread.
 */
export class ApiError extends Error {
  status: number
  data: Data
  constructor(status = 400, message = '', data?: Data) {
    super(String(message ?? ''))
    this.name = 'ApiError'
    this.status = Number(status)
    this.data = data ?? {}
  }
}

const statusError = (name: string, status: number) =>
  ({
    [name]: class extends ApiError {
      constructor(message = '', data?: Data) {
        super(status, message, data)
        this.name = name
      }
    },
  })[name]!

/** The error classes by global name. */
export const errorClasses = {
  ApiError,
  BadRequestError: statusError('BadRequestError', 400),
  UnauthorizedError: statusError('UnauthorizedError', 401),
  ForbiddenError: statusError('ForbiddenError', 403),
  NotFoundError: statusError('NotFoundError', 404),
  TooManyRequestsError: statusError('TooManyRequestsError', 429),
  InternalServerError: statusError('InternalServerError', 500),
}
