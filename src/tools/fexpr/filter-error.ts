/**
 * FilterError reports a filter or sort expression that cannot be parsed or compiled: a syntax
 * error, an unknown field, a forbidden operand or an exceeded limit. The HTTP edge turns it into
 * PocketBase's 400 (or 403 when `forbidden` is set, e.g. `@request.*` in a guest's `?filter=`).
 */
export class FilterError extends Error {
  /** Why the expression was rejected, without the position. */
  readonly reason: string
  /** Offset of the offending character in the expression (UTF-16 index), when known. */
  readonly position: number | undefined
  /** True when the expression is valid but not allowed for the requester (PocketBase: 403). */
  readonly forbidden: boolean

  constructor(
    reason: string,
    position?: number,
    options?: { cause?: unknown; forbidden?: boolean },
  ) {
    super(
      position === undefined ? reason : `${reason} (at position ${position})`,
      options?.cause === undefined ? undefined : { cause: options.cause },
    )
    this.name = 'FilterError'
    this.reason = reason
    this.position = position
    this.forbidden = options?.forbidden ?? false
  }
}
