import type { Context } from 'hono'
import { NoRowsError } from '../tools/db/db.ts'
import {
  ApiError,
  badRequestError,
  internalServerError,
  notFoundError,
} from '../tools/router/api-error.ts'
import { ValidationErrors } from '../tools/validation/validation-errors.ts'
import { noteRequestError } from './activity-logger.ts'

/**
 * Converts any thrown value into the ApiError sent to the client (PocketBase `ToApiError`):
 * ApiError as is; ValidationErrors → 400 with the field map; NoRowsError → 404; programming
 * errors (TypeError, ReferenceError, RangeError) → 500; anything else → generic 400. The cause is
 * kept for logging and never sent.
 */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err
  const invalid = validationFailure(err)
  if (invalid !== undefined) return invalid
  if (err instanceof NoRowsError) return notFoundError('', undefined, { cause: err })
  if (err instanceof TypeError || err instanceof ReferenceError || err instanceof RangeError) {
    return internalServerError('', { cause: err })
  }
  if (isFilterError(err)) return badRequestError('', undefined, { cause: err })
  return badRequestError('', undefined, { cause: err })
}

/**
 * The one conversion of a thrown `ValidationErrors` (a record, collection or settings save) into
 * PocketBase's 400: `message` and the `field → {code, message}` map as `data`, the error kept as
 * the cause; undefined for any other value.
 */
export function validationFailure(err: unknown, message = ''): ApiError | undefined {
  if (!(err instanceof ValidationErrors)) return undefined
  return badRequestError(message, err.toJSON(), { cause: err })
}

/**
 * PocketBase's `NewBadRequestError(message, err)` for a failed save: {@link validationFailure}
 * when `err` is a `ValidationErrors`, else a 400 with `message` and no data (`err` as the cause).
 */
export function badRequestFrom(message: string, err: unknown): ApiError {
  return validationFailure(err, message) ?? badRequestError(message, undefined, { cause: err })
}

function isFilterError(err: unknown): boolean {
  return err instanceof Error && err.name === 'FilterError'
}

/** Writes an error as PocketBase's JSON error response. */
export function errorResponse(c: Context, err: unknown): Response {
  const apiErr = toApiError(err)
  noteRequestError(c, apiErr)
  if (apiErr.status >= 500) {
    // NOTE: server-side only; the client sees the generic message.
    process.stderr.write(
      `[satchel] ${c.req.method} ${c.req.path}: ${String(apiErr.cause ?? apiErr)}\n${(apiErr.cause as Error | undefined)?.stack ?? ''}\n`,
    )
  }
  return c.json(apiErr.toJSON(), apiErr.status as 400)
}
