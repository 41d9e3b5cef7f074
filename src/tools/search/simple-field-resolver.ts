import type { Dialect } from '../db/db.ts'
import { sqliteDialect } from '../db/dialect-sqlite.ts'
import { FilterError } from '../fexpr/filter-error.ts'
import type { FieldResolver, ResolverResult } from './field-resolver.ts'
import type { SelectQuery } from './select-query.ts'

/** Options of {@link SimpleFieldResolver}. */
export interface SimpleFieldResolverOptions {
  /** Unquoted table name of the main query. */
  readonly table: string
  /** Unquoted alias of the main table (default: `table`). */
  readonly alias?: string
  /** The allowed column names. */
  readonly columns: readonly string[]
  /** Columns holding JSON, whose nested values may be addressed as `col.a.b.0`. */
  readonly jsonColumns?: readonly string[]
  /** Columns holding JSON arrays (or single values), usable with `:each` and `:length`. */
  readonly arrayColumns?: readonly string[]
  /** Unique key column that correlates `:each` sub-queries with the outer row (default `id`). */
  readonly keyColumn?: string
  readonly dialect?: Dialect
}

const FIELD_RE = /^(\w+)((?:\.\w+)*)(?::(\w+))?$/

/** A numeric path segment is an array index (PocketBase: `data.a.0` → `$.a[0]`). */
function jsonPathSegment(segment: string): string | number {
  if (!/^\d+$/.test(segment)) return segment
  const index = Number(segment)
  if (!Number.isSafeInteger(index)) throw new FilterError(`invalid JSON array index "${segment}"`)
  return index
}

/**
 * SimpleFieldResolver resolves a whitelist of plain columns of one table (PocketBase's
 * `search.SimpleFieldResolver`, used for logs and tests): `col`, `jsonCol.a.0.b` (JSON path,
 * no null fallback), and the modifiers `:lower` (any column), `:length` and `:each` (array
 * columns; `:each` joins `json_each` and makes the operand multi-valued). Anything else throws
 * {@link FilterError}.
 */
export class SimpleFieldResolver implements FieldResolver {
  readonly dialect: Dialect
  readonly #options: SimpleFieldResolverOptions
  readonly #alias: string
  readonly #joins = new Map<string, string>()

  constructor(options: SimpleFieldResolverOptions) {
    this.#options = options
    this.#alias = options.alias ?? options.table
    this.dialect = options.dialect ?? sqliteDialect
  }

  resolve(field: string): ResolverResult {
    const m = FIELD_RE.exec(field)
    const col = m?.[1]
    if (m === null || col === undefined || !this.#options.columns.includes(col)) {
      throw new FilterError(`unknown field "${field}"`)
    }
    const d = this.dialect
    const q = d.quoteIdent
    const path = m[2] ? m[2].slice(1).split('.') : []
    const modifier = m[3]
    const column = `${q(this.#alias)}.${q(col)}`
    const isJson = this.#options.jsonColumns?.includes(col) ?? false
    const isArray = this.#options.arrayColumns?.includes(col) ?? false

    if (path.length > 0 && !isJson) throw new FilterError(`field "${col}" has no nested values`)

    let result: ResolverResult = isJson
      ? {
          identifier: d.jsonExtract(column, path.map(jsonPathSegment)),
          noCoalesce: true,
        }
      : { identifier: column }

    switch (modifier) {
      case undefined:
        break
      case 'lower':
        result = { ...result, identifier: `LOWER(${result.identifier})` }
        break
      case 'length':
      case 'each': {
        if (!isArray || path.length > 0) {
          throw new FilterError(`modifier ":${modifier}" is not supported by "${field}"`)
        }
        if (modifier === 'length') {
          result = { identifier: d.jsonArrayLength(d.jsonArray(column, true)) }
          break
        }
        const je = `__je_${col}`
        this.#joins.set(je, d.jsonEach(d.jsonArray(column, false)))
        const key = q(this.#options.keyColumn ?? 'id')
        const mmTable = q(`__mm_${this.#alias}`)
        const mmJe = q(`__mm_je_${col}`)
        result = {
          identifier: `${q(je)}.${q('value')}`,
          multiMatch: {
            valueIdentifier: `${mmJe}.${q('value')}`,
            from:
              `FROM ${q(this.#options.table)} ${mmTable} ` +
              `LEFT JOIN ${d.jsonEach(d.jsonArray(`${mmTable}.${q(col)}`, false))} ${mmJe}${d.joinWithoutCondition()} ` +
              `WHERE ${mmTable}.${key} = ${q(this.#alias)}.${key}`,
          },
        }
        break
      }
      default:
        throw new FilterError(`unknown modifier ":${modifier}"`)
    }
    return result
  }

  updateQuery(query: SelectQuery): void {
    for (const [alias, source] of this.#joins) query.join('LEFT JOIN', source, alias)
  }

  rowid(): string {
    return this.dialect.rowid(this.#alias)
  }
}
