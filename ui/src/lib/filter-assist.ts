import type { CollectionModel } from 'pocketbase'

/** What autocomplete needs of a field (a saved field, a draft or a view's inferred column). */
export interface SchemaField {
  readonly name: string
  readonly type: string
  /** A relation's target collection id. */
  readonly collectionId?: string
  readonly maxSelect?: number
}

/**
 * What the filter language editor knows about the schema: the collection the rule or filter
 * belongs to (its draft fields while it is being edited) and every collection, for relation
 * paths, `@collection.<name>.*` and `@request.auth.*`.
 */
export interface FilterContext {
  /** The fields of the collection the expression runs against. */
  readonly fields: readonly SchemaField[]
  readonly collections: readonly CollectionModel[]
  /** The saved collection itself, if it exists yet (for back-relations into it). */
  readonly self?: CollectionModel
  /** Rules see `@request.body.*` and the `:isset`/`:changed` modifiers; a records filter does not. */
  readonly rule: boolean
}

/** One suggestion: the text inserted, what kind of thing it is, and a short note. */
export interface Suggestion {
  readonly label: string
  readonly type: 'property' | 'variable' | 'keyword' | 'operator' | 'constant' | 'class'
  readonly detail?: string
}

/** The date macros of the filter language (PocketBase's `@now`, `@todayStart`…), with notes. */
export const MACROS: readonly (readonly [string, string])[] = [
  ['@now', 'current date-time (UTC)'],
  ['@second', 'current second'],
  ['@minute', 'current minute'],
  ['@hour', 'current hour'],
  ['@weekday', 'day of the week (0–6)'],
  ['@day', 'day of the month'],
  ['@month', 'month (1–12)'],
  ['@year', 'year'],
  ['@yesterday', 'this time yesterday'],
  ['@tomorrow', 'this time tomorrow'],
  ['@todayStart', '00:00:00 today'],
  ['@todayEnd', '23:59:59 today'],
  ['@monthStart', 'first day of this month'],
  ['@monthEnd', 'last day of this month'],
  ['@yearStart', 'first day of this year'],
  ['@yearEnd', 'last day of this year'],
]

/** The comparison operators; the `?` forms match when any item of a multi-value side does. */
export const OPERATORS: readonly (readonly [string, string])[] = [
  ['=', 'equal'],
  ['!=', 'not equal'],
  ['>', 'greater than'],
  ['>=', 'greater than or equal'],
  ['<', 'less than'],
  ['<=', 'less than or equal'],
  ['~', 'contains (LIKE %…%)'],
  ['!~', 'does not contain'],
  ['?=', 'any item equals'],
  ['?!=', 'any item not equal'],
  ['?>', 'any item greater than'],
  ['?<', 'any item less than'],
  ['?~', 'any item contains'],
  ['?!~', 'any item does not contain'],
]

const SYSTEM_AUTH_FIELDS = ['collectionId', 'collectionName']

/** The field types whose values are lists (`:length` and `:each` apply). */
function isMulti(f: SchemaField): boolean {
  if (f.type === 'select' || f.type === 'relation' || f.type === 'file')
    return (f.maxSelect ?? 1) > 1
  return f.type === 'json'
}

function findCollection(
  ctx: FilterContext,
  nameOrId: string | undefined,
): CollectionModel | undefined {
  if (!nameOrId) return undefined
  return ctx.collections.find((c) => c.id === nameOrId || c.name === nameOrId)
}

/** The fields of every auth collection, merged by name (whoever is signed in has one of them). */
function authFields(ctx: FilterContext): SchemaField[] {
  const byName = new Map<string, SchemaField>()
  for (const c of ctx.collections)
    if (c.type === 'auth')
      for (const f of c.fields)
        if (f.type !== 'password' && !byName.has(f.name)) byName.set(f.name, f)
  return [...byName.values()]
}

/**
 * The fields reachable after `path` (segments already typed, without the last partial one)
 * starting from `fields`: a relation field leads into its target collection's fields, and
 * `<collection>_via_<field>` into the collections that point back. Undefined when the path
 * leads nowhere known.
 */
function walk(
  ctx: FilterContext,
  fields: readonly SchemaField[],
  owner: CollectionModel | undefined,
  path: readonly string[],
): { fields: readonly SchemaField[]; owner: CollectionModel | undefined } | undefined {
  let cur = fields
  let coll = owner
  for (const seg of path) {
    const f = cur.find((x) => x.name === seg)
    if (f?.type === 'relation') {
      coll = findCollection(ctx, String(f.collectionId ?? ''))
      if (!coll) return undefined
      cur = coll.fields
      continue
    }
    const via = /^(\w+)_via_(\w+)$/.exec(seg)
    const back = via ? findCollection(ctx, via[1]) : undefined
    if (back) {
      coll = back
      cur = back.fields
      continue
    }
    return undefined
  }
  return { fields: cur, owner: coll }
}

/** The back-relations into `owner`: `<collection>_via_<field>` for each relation pointing at it. */
function backRelations(ctx: FilterContext, owner: CollectionModel | undefined): Suggestion[] {
  if (!owner) return []
  const out: Suggestion[] = []
  for (const c of ctx.collections)
    for (const f of c.fields)
      if (f.type === 'relation' && f.collectionId === owner.id)
        out.push({ label: `${c.name}_via_${f.name}`, type: 'class', detail: `back-relation` })
  return out
}

function fieldSuggestions(fields: readonly SchemaField[]): Suggestion[] {
  return fields
    .filter((f) => f.type !== 'password')
    .map((f) => ({ label: f.name, type: 'property', detail: f.type }))
}

/**
 * The suggestions for the word being typed at the end of `before` (the text left of the
 * cursor), and where that word starts. Covers fields and relation paths (`author.name`),
 * `@request.auth.*`, `@request.body.*`, `@request.query.*`, `@request.headers.*`,
 * `@collection.<name>.*`, the date macros, the modifiers after `:` and, after an operand, the
 * operators (and `&&`/`||` after a value). Null inside a string or where nothing fits.
 */
export function suggest(
  ctx: FilterContext,
  before: string,
): { from: number; options: Suggestion[] } | null {
  if (insideString(before)) return null
  const word = /[@\w.:]*$/.exec(before)?.[0] ?? ''
  const from = before.length - word.length

  // after a space: what may follow the previous token
  if (word === '') {
    const prev = /(\S+)\s+$/.exec(before)?.[1]
    if (prev === undefined) return null
    if (/^(&&|\|\||\(|[!?]?[=<>~]=?|\?!=|\?!~)$/.test(prev)) return null
    const isValue = /^(["'].*["']|-?\d[\d.]*|true|false|null|@(?!request|collection)\w+|\))$/.test(
      prev,
    )
    if (isValue)
      return {
        from,
        options: [
          { label: '&&', type: 'operator', detail: 'and' },
          { label: '||', type: 'operator', detail: 'or' },
        ],
      }
    return {
      from,
      options: OPERATORS.map(([label, detail]) => ({ label, type: 'operator', detail })),
    }
  }

  const colon = word.lastIndexOf(':')
  if (colon >= 0) {
    const target = word.slice(0, colon)
    return { from: from + colon + 1, options: modifiers(ctx, target) }
  }

  const dot = word.lastIndexOf('.')
  const head = dot >= 0 ? word.slice(0, dot).split('.') : []
  const partFrom = dot >= 0 ? from + dot + 1 : from
  const at = (options: Suggestion[]) => ({ from: partFrom, options })

  if (word.startsWith('@')) {
    if (dot < 0) {
      const roots: Suggestion[] = [
        { label: '@request', type: 'variable', detail: 'the current request' },
        { label: '@collection', type: 'variable', detail: 'any collection' },
      ]
      return at([
        ...roots,
        ...MACROS.map(([label, detail]) => ({ label, type: 'constant' as const, detail })),
      ])
    }
    const [root, ...rest] = head
    if (root === '@request') {
      if (rest.length === 0) {
        const parts: Suggestion[] = [
          { label: 'auth', type: 'variable', detail: 'the signed-in record' },
          { label: 'query', type: 'variable', detail: 'URL query parameters' },
          { label: 'headers', type: 'variable', detail: 'request headers (lower_snake)' },
          { label: 'method', type: 'property', detail: 'GET, POST…' },
          { label: 'context', type: 'property', detail: 'default, oauth2, otp, password…' },
        ]
        if (ctx.rule)
          parts.splice(1, 0, { label: 'body', type: 'variable', detail: 'submitted data' })
        return at(parts)
      }
      const [kind, ...path] = rest
      if (kind === 'auth') {
        const found = walk(ctx, authFields(ctx), undefined, path)
        if (!found) return null
        const extra =
          path.length === 0
            ? SYSTEM_AUTH_FIELDS.map((label) => ({
                label,
                type: 'property' as const,
                detail: 'text',
              }))
            : []
        return at([...fieldSuggestions(found.fields), ...extra])
      }
      if (kind === 'body' && ctx.rule) {
        const found = walk(ctx, ctx.fields, ctx.self, path)
        return found ? at(fieldSuggestions(found.fields)) : null
      }
      return null
    }
    if (root === '@collection') {
      if (rest.length === 0)
        return at(ctx.collections.map((c) => ({ label: c.name, type: 'class', detail: c.type })))
      const [name, ...path] = rest
      const coll = findCollection(ctx, name)
      if (!coll) return null
      const found = walk(ctx, coll.fields, coll, path)
      return found
        ? at([...fieldSuggestions(found.fields), ...backRelations(ctx, found.owner)])
        : null
    }
    return null
  }

  if (/^\d/.test(word)) return null
  const found = walk(ctx, ctx.fields, ctx.self, head)
  if (!found) return null
  const options = [...fieldSuggestions(found.fields), ...backRelations(ctx, found.owner)]
  if (dot < 0)
    options.push(
      ...(['true', 'false', 'null'] as const).map((label) => ({ label, type: 'keyword' as const })),
      ...MACROS.map(([label, detail]) => ({ label, type: 'constant' as const, detail })),
      { label: '@request', type: 'variable', detail: 'the current request' },
      { label: '@collection', type: 'variable', detail: 'any collection' },
    )
  return at(options)
}

/** The modifiers that apply to the operand `target` (`title`, `@request.body.tags`…). */
function modifiers(ctx: FilterContext, target: string): Suggestion[] {
  const out: Suggestion[] = []
  const body = target.startsWith('@request.body.')
  if (body && ctx.rule) {
    out.push({ label: 'isset', type: 'keyword', detail: 'the field was submitted' })
    out.push({ label: 'changed', type: 'keyword', detail: 'submitted with a new value' })
  }
  const name = target.split('.').pop() ?? ''
  const path = body ? target.slice('@request.body.'.length) : target
  const field = path.startsWith('@') ? undefined : walkField(ctx, path.split('.'))
  const listy = field ? isMulti(field) : true
  if (listy) {
    out.push({ label: 'length', type: 'keyword', detail: 'number of items' })
    out.push({ label: 'each', type: 'keyword', detail: 'every item must match' })
  }
  out.push({ label: 'lower', type: 'keyword', detail: 'compare lower-cased' })
  return name ? out : []
}

function walkField(ctx: FilterContext, path: readonly string[]): SchemaField | undefined {
  const found = walk(ctx, ctx.fields, ctx.self, path.slice(0, -1))
  return found?.fields.find((f) => f.name === path[path.length - 1])
}

/** Whether `before` ends inside an unterminated quoted string. */
function insideString(before: string): boolean {
  let quote = ''
  for (let i = 0; i < before.length; i++) {
    const ch = before[i]!
    if (quote) {
      if (ch === '\\') i++
      else if (ch === quote) quote = ''
    } else if (ch === '"' || ch === "'") quote = ch
  }
  return quote !== ''
}

/** A problem found in an expression: where (character offsets) and what, in a sentence. */
export interface FilterProblem {
  readonly from: number
  readonly to: number
  readonly message: string
}

/**
 * A quick check as the user types (the server's check on save is the authority): unbalanced
 * quotes and parentheses, and a leading field name the collection does not have.
 */
export function lint(ctx: FilterContext, text: string): FilterProblem[] {
  const problems: FilterProblem[] = []
  const opens: number[] = []
  const token = /"(?:\\.|[^"\\])*("?)|'(?:\\.|[^'\\])*('?)|\/\/[^\n]*|[@\w.:]+|[()]/g
  for (let m = token.exec(text); m !== null; m = token.exec(text)) {
    const t = m[0]
    const at = m.index
    if (t.startsWith('//')) continue
    if (t.startsWith('"') || t.startsWith("'")) {
      if (!(m[1] || m[2]))
        problems.push({
          from: at,
          to: at + t.length,
          message: 'This text is missing its closing quote.',
        })
      continue
    }
    if (t === '(') opens.push(at)
    else if (t === ')') {
      if (opens.pop() === undefined)
        problems.push({ from: at, to: at + 1, message: 'This ) has no matching (.' })
    } else if (ctx.fields.length > 0 && /^[A-Za-z_]/.test(t) && !/^(true|false|null)$/i.test(t)) {
      const root = t.split(/[.:]/)[0]!
      const known = ctx.fields.some((f) => f.name === root) || /_via_/.test(root)
      if (!known)
        problems.push({
          from: at,
          to: at + root.length,
          message: `There is no field named “${root}”.`,
        })
    }
  }
  for (const at of opens)
    problems.push({ from: at, to: at + 1, message: 'This ( is never closed.' })
  return problems.sort((a, b) => a.from - b.from)
}
