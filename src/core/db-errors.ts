import {
  notUnique,
  type ValidationErrorMap,
  ValidationErrors,
} from '../tools/validation/validation-errors.ts'

/**
 * Maps a SQLite constraint failure to validation errors (PocketBase converts UNIQUE violations
 * into `validation_not_unique` on the field): `UNIQUE constraint failed: t.a, t.b` → `{a, b}`;
 * PostgreSQL's (code 23505) from its detail `Key (a, b)=(…) already exists.`.
 * Returns undefined for any other error.
 */
export function constraintToValidationErrors(err: unknown): ValidationErrors | undefined {
  if (!(err instanceof Error)) return undefined
  const code = (err as { code?: string }).code ?? ''
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    const m = /constraint failed: (.+)$/.exec(err.message)
    const errors: ValidationErrorMap = {}
    for (const col of (m?.[1] ?? '').split(',')) {
      const name = col.trim().split('.').pop()
      if (name) errors[name] = notUnique()
    }
    if (Object.keys(errors).length > 0) return new ValidationErrors(errors)
  }
  // PostgreSQL's unique_violation: detail `Key (a, lower(b::text))=(…) already exists.`
  if (code === '23505') {
    const detail = String((err as { detail?: unknown }).detail ?? '')
    const m = /^Key \((.+?)\)=\(/.exec(detail)
    const errors: ValidationErrorMap = {}
    for (const part of (m?.[1] ?? '').split(',')) {
      const name = /"?([A-Za-z_]\w*)"?(?:::\w+)?\)*\s*$/.exec(part.trim())?.[1]
      if (name) errors[name] = notUnique()
    }
    if (Object.keys(errors).length > 0) return new ValidationErrors(errors)
  }
  return undefined
}
