import type { Dialect } from './db.ts'

function quoteIdent(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``
}

/** Builds a JSON path like `$.a.b[0].c`; keys are restricted to word characters. */
function jsonPath(root: string, path: readonly (string | number)[]): string {
  let out = root
  for (const seg of path) {
    if (typeof seg === 'number') {
      if (!Number.isSafeInteger(seg) || seg < 0) throw new Error(`Invalid JSON array index ${seg}.`)
      out += `[${seg}]`
    } else {
      if (!/^\w+$/.test(seg)) throw new Error(`Invalid JSON path key "${seg}".`)
      out += `.${seg}`
    }
  }
  return out
}

function isJsonArray(expr: string): string {
  return `iif(json_valid(${expr}), json_type(${expr})='array', FALSE)`
}

/** SQLite's SQL flavour: backtick-quoted identifiers like PocketBase's generated SQL. */
export const sqliteDialect: Dialect = Object.freeze({
  name: 'sqlite' as const,
  quoteIdent,
  isSame(a: string, b: string, negate: boolean): string {
    return `${a} ${negate ? 'IS NOT' : 'IS'} ${b}`
  },
  like(a: string, pattern: string, negate: boolean): string {
    return `${a} ${negate ? 'NOT LIKE' : 'LIKE'} ${pattern} ESCAPE '\\'`
  },
  jsonExtract(expr: string, path: readonly (string | number)[]): string {
    return (
      `(CASE WHEN json_valid(${expr}) THEN JSON_EXTRACT(${expr}, '${jsonPath('$', path)}') ` +
      `ELSE JSON_EXTRACT(json_object('pb', ${expr}), '${jsonPath('$.pb', path)}') END)`
    )
  },
  jsonArray(expr: string, emptyAsNone: boolean): string {
    const wrapped = emptyAsNone
      ? `(CASE WHEN ${expr} = '' OR ${expr} IS NULL THEN json_array() ELSE json_array(${expr}) END)`
      : `json_array(${expr})`
    return `CASE WHEN ${isJsonArray(expr)} THEN ${expr} ELSE ${wrapped} END`
  },
  jsonEach(arrayExpr: string): string {
    return `json_each(${arrayExpr})`
  },
  jsonArrayLength(arrayExpr: string): string {
    return `json_array_length(${arrayExpr})`
  },
  random(): string {
    return 'RANDOM()'
  },
  rowid(tableAlias: string): string {
    return `${quoteIdent(tableAlias)}.${quoteIdent('_rowid_')}`
  },
  strftime(format: string, time: string, modifiers: readonly string[]): string {
    return `strftime(${[format, time, ...modifiers].join(', ')})`
  },
  geoDistance(lonA: string, latA: string, lonB: string, latB: string): string {
    // NOTE: the clamp keeps acos() defined when rounding pushes the cosine just past ±1.
    return (
      `(6371 * acos(min(1, max(-1, cos(radians(${latA})) * cos(radians(${latB})) * ` +
      `cos(radians(${lonB}) - radians(${lonA})) + sin(radians(${latA})) * sin(radians(${latB}))))))`
    )
  },
})
