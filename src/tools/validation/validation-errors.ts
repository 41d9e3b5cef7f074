import { sentenize } from '../router/api-error.ts'

/** One validation failure: a stable `validation_*` code, a sentence, optional params. */
export interface ValidationError {
  readonly code: string
  readonly message: string
  readonly params?: Readonly<Record<string, unknown>>
}

/** A field → error map; nested maps for nested structures (collection fields, batch requests). */
export type ValidationErrorMap = { [key: string]: ValidationError | ValidationErrorMap }

/**
 * ValidationErrors is thrown by domain validation; the HTTP edge turns it into a 400 whose `data`
 * is the field map (PocketBase's `validation.Errors`).
 */
export class ValidationErrors extends Error {
  readonly errors: ValidationErrorMap

  constructor(errors: ValidationErrorMap, message = 'Validation failed.') {
    super(message)
    this.name = 'ValidationErrors'
    this.errors = errors
  }

  /** The wire form of the map: `{field: {code, message[, params]}}`. */
  toJSON(): Record<string, unknown> {
    return serialize(this.errors)
  }
}

/** Builds one error leaf, sentenizing the message. */
export function validationError(
  code: string,
  message: string,
  params?: Record<string, unknown>,
): ValidationError {
  const m = sentenize(message)
  return params && Object.keys(params).length > 0
    ? { code, message: m, params }
    : { code, message: m }
}

/** True when the value is an error leaf rather than a nested map. */
export function isValidationError(v: ValidationError | ValidationErrorMap): v is ValidationError {
  return (
    typeof (v as ValidationError).code === 'string' &&
    typeof (v as ValidationError).message === 'string'
  )
}

function serialize(map: ValidationErrorMap): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(map)) {
    out[k] = isValidationError(v) ? { ...v } : serialize(v)
  }
  return out
}

/** Common errors with PocketBase's codes. */
export const required = () => validationError('validation_required', 'Cannot be blank.')
export const notUnique = () => validationError('validation_not_unique', 'Value must be unique.')
