import {
  ApiError,
  badRequestError,
  forbiddenError,
  internalServerError,
  notFoundError,
  tooManyRequestsError,
  unauthorizedError,
} from '../../tools/router/api-error.ts'
import type { ErrorState } from './codec.ts'

/** An error a JS handler threw, as the app thread rethrows it. */
export class JsvmError extends Error {
  /** `file:line` of the JS frame that threw, when known. */
  readonly location: string | undefined
  constructor(state: ErrorState) {
    super(state.message)
    this.name = state.name
    this.location = state.location
    // NOTE: the JS frame is where it happened (error reports such as the migrations' read it)
    if (state.location !== undefined)
      this.stack = `${this.name}: ${this.message}\n    at ${state.location}`
  }
}

const BY_STATUS: { [status: number]: (m: string, d?: { [k: string]: unknown }) => ApiError } = {
  400: badRequestError,
  401: unauthorizedError,
  403: forbiddenError,
  404: notFoundError,
  429: (m) => tooManyRequestsError(m),
  500: (m) => internalServerError(m),
}

/**
 * The app-thread error for an error thrown in JS: an API error (`new BadRequestError(…)`,
 * `new ApiError(418, …)`) becomes the `ApiError` of that status, with PocketBase's default
 * message when empty; anything else a JsvmError, which the HTTP layer answers like any
 * unexpected error.
 */
export function apiErrorOf(s: ErrorState): Error {
  if (s.status === undefined) return new JsvmError(s)
  const make = BY_STATUS[s.status]
  const data = s.data as { [k: string]: unknown } | undefined
  const err = make !== undefined ? make(s.message, data) : new ApiError(s.status, s.message, data)
  if (s.location !== undefined) apiErrorLocations.set(err, s.location)
  return err
}

/** `file:line` of the JS frame that threw `err` (a JsvmError, or an API error from JS). */
export function locationOf(err: unknown): string | undefined {
  if (err instanceof JsvmError) return err.location
  return typeof err === 'object' && err !== null ? apiErrorLocations.get(err) : undefined
}

// NOTE: keyed by the error objects themselves (no per-app state): an ApiError has no place for it
const apiErrorLocations = new WeakMap<object, string>()
