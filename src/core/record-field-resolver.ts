import type { Dialect, SqlValue } from '../tools/db/db.ts'
import { FilterError } from '../tools/fexpr/filter-error.ts'
import type { FieldResolver, MultiMatch, ResolverResult } from '../tools/search/field-resolver.ts'
import { buildFilterExpr, MAX_FILTER_LENGTH } from '../tools/search/filter.ts'
import { mergeParams, SelectQuery, type Sql, sql } from '../tools/search/select-query.ts'
import { buildSortExpr } from '../tools/search/sort.ts'
import { formatDate } from '../tools/types/datetime.ts'
import type { App } from './app.ts'
import { hasUniqueIndex } from './collection-input.ts'
import type { Collection } from './collection-model.ts'
import type { Field } from './field.ts'
import type { RequestInfo } from './request-info.ts'

/** What the resolver needs from the app: the dialect and the cached collections. */
export type ResolverApp = Pick<App, 'db' | 'findCollection'>

/** Options of {@link RecordFieldResolver}. */
export interface RecordFieldResolverOptions {
  /**
   * Apply PocketBase's client `?filter=`/`?sort=` restrictions for non-superusers (§5.10):
   * hidden fields are unknown, `@request.*`/`@collection.*` throw a `forbidden` FilterError,
   * every joined collection must have a non-null list rule (added to the query as a
   * constraint) and auth `email` comparisons also require `emailVisibility = TRUE`. API rules
   * are resolved without restrictions (the default).
   */
  readonly clientFilter?: boolean
  /** Alias of the collection's table in the query (default: the collection name). */
  readonly alias?: string
  /**
   * Prefix of the parameter names this resolver binds (default `__rf`); give each resolver of
   * one statement its own.
   */
  readonly paramPrefix?: string
}

/** The `@request.auth.*` keys bound from the auth record without a join (PocketBase). */
const STATIC_AUTH_KEYS = new Set([
  'id',
  'collectionId',
  'collectionName',
  'email',
  'emailVisibility',
  'verified',
])

/** Most relations one field path may traverse (PocketBase: 6). */
export const MAX_NESTED_RELATIONS = 6

const PATH_RE = /^\w+[\w.:]*$/
const MODIFIERS = new Set(['isset', 'changed', 'length', 'each', 'lower'])
const BACK_RELATION_RE = /^(\w+)_via_(\w+)$/

/** Where a field path starts: the main table, the auth record, a whole collection, … */
interface Root {
  readonly collection: Collection
  /** Alias of the root table in the main query (already joined). */
  readonly alias: string
  /** Alias of the root table in "every value" sub-queries. */
  readonly mmAlias: string
  /** `FROM <table> <mmAlias>` (+ joins) of the sub-query root. */
  readonly mmFrom: string
  /** Correlation of the sub-query root with the outer row ("" for none). */
  readonly mmWhere: string
  /** True when the root itself has several rows per outer row (`@collection.*`). */
  readonly multi: boolean
  /** Apply client-filter restrictions (hidden fields, list rules, email visibility). */
  readonly restricted: boolean
  /** The main-query join of the root itself (added before the path's joins). */
  readonly join?: PendingJoin
}

interface PendingJoin {
  readonly alias: string
  readonly source: string
  readonly on: Sql | undefined
}

/** State shared by a resolver and the nested resolvers it creates for list-rule constraints. */
interface Shared {
  readonly prefix: string
  nextParam: number
  nextPrefix: number
}

/**
 * RecordFieldResolver resolves filter operands against a collection for one request
 * (PocketBase `core.RecordFieldResolver`): fields, relation paths (`author.name`, up to 6
 * relations; single relations join `ON alias.id = table.rel`, multiple ones through
 * `json_each`), back-relations (`comments_via_post.title`), JSON and geoPoint paths
 * (`data.a.0`), the modifiers `:lower`, `:length`, `:each`, `:isset`, `:changed`, `@request.*`
 * (`context`, `method`, `query.*`, `headers.*`, `body.*`, `auth.*`) and
 * `@collection.<name>[:alias].<path>`. Multi-valued paths carry a multi-match sub-query ("every
 * value must match" for plain operators). With `clientFilter`, the §5.10 restrictions apply.
 * `resolve` throws {@link FilterError} for unknown fields (with `forbidden` set for `@request`/
 * `@collection` in client filters); `updateQuery` adds the collected joins and the list-rule
 * constraints of joined collections.
 *
 * @example
 * const resolver = new RecordFieldResolver(app, posts, info, { clientFilter: !isSuperuser(info) })
 * const query = new SelectQuery(app.db.dialect, posts.name)
 *   .where(buildFilterExpr(posts.listRule ?? '', resolver, {}, { paramPrefix: 'r' }))
 *   .where(buildFilterExpr(filter, resolver, {}, { paramPrefix: 'f', maxLength: MAX_FILTER_LENGTH }))
 * resolver.updateQuery(query)
 */
export class RecordFieldResolver implements FieldResolver {
  readonly dialect: Dialect
  readonly #app: ResolverApp
  readonly #collection: Collection
  readonly #info: RequestInfo | null
  readonly #alias: string
  readonly #restricted: boolean
  readonly #shared: Shared
  readonly #joins = new Map<string, PendingJoin>()
  /** List-rule constraints of joined collections, by join alias. */
  readonly #constraints = new Map<string, Sql>()
  /** Nested resolvers of those constraints (their joins are added too). */
  readonly #nested: RecordFieldResolver[] = []

  constructor(
    app: ResolverApp,
    collection: Collection,
    info: RequestInfo | null,
    options: RecordFieldResolverOptions = {},
    shared?: Shared,
  ) {
    this.#app = app
    this.dialect = app.db.dialect
    this.#collection = collection
    this.#info = info
    this.#alias = options.alias ?? collection.name
    this.#restricted = options.clientFilter ?? false
    this.#shared = shared ?? { prefix: options.paramPrefix ?? '__rf', nextParam: 0, nextPrefix: 0 }
    if (!/^\w+$/.test(this.#shared.prefix)) throw new Error('Invalid parameter prefix.')
  }

  /** SQL of the main row id for `@rowid` sorting (views have no rowid: their `id`). */
  rowid(): string {
    if (this.#collection.isView) return `${this.#q(this.#alias)}.${this.#q('id')}`
    return this.dialect.rowid(this.#alias)
  }

  updateQuery(query: SelectQuery): void {
    for (const j of this.#joins.values()) query.join('LEFT JOIN', j.source, j.alias, j.on)
    for (const n of this.#nested) n.updateQuery(query)
    for (const c of this.#constraints.values()) query.where(c)
    if (this.#joins.size > 0) query.distinct()
  }

  resolve(field: string): ResolverResult {
    if (field.startsWith('@request.')) {
      if (this.#restricted) {
        throw new FilterError('Only superusers can filter by @request.', undefined, {
          forbidden: true,
        })
      }
      return this.#resolveRequest(field)
    }
    if (field.startsWith('@collection.')) {
      if (this.#restricted) {
        throw new FilterError('Only superusers can filter by @collection.', undefined, {
          forbidden: true,
        })
      }
      return this.#resolveCollection(field)
    }
    if (!PATH_RE.test(field)) throw new FilterError(`failed to resolve field "${field}"`)
    const { segments, modifier } = splitModifier(field)
    const c = this.#collection
    const root: Root = {
      collection: c,
      alias: this.#alias,
      mmAlias: `__mm_${this.#alias}`,
      mmFrom: `FROM ${this.#q(c.name)} ${this.#q(`__mm_${this.#alias}`)}`,
      mmWhere: `${this.#col(`__mm_${this.#alias}`, 'id')} = ${this.#col(this.#alias, 'id')}`,
      multi: false,
      restricted: this.#restricted,
    }
    return this.#walk(root, segments, modifier, field)
  }

  // ---- paths ----------------------------------------------------------------------------------

  /**
   * Resolves `segments` (+ modifier) from `root`: relations and back-relations are joined in the
   * main query and, in parallel, in the multi-match sub-query; the last segment becomes the
   * identifier. Joins are committed only when the whole path resolves.
   */
  #walk(root: Root, segments: string[], modifier: string | undefined, raw: string): ResolverResult {
    const joins: PendingJoin[] = []
    const constraints: [string, Collection][] = []
    const mmJoins: string[] = []
    let collection = root.collection
    let alias = root.alias
    let mmAlias = root.mmAlias
    let multi = root.multi
    let relations = 0

    for (let i = 0; i < segments.length; i++) {
      const seg = segments[i]!
      const rest = segments.slice(i + 1)
      const field = collection.getField(seg)

      if (
        field !== undefined &&
        (rest.length === 0 || field.type === 'json' || field.type === 'geoPoint')
      ) {
        if (root.restricted && field.hidden) throw new FilterError(`unknown field "${raw}"`)
        const leaf = this.#leaf(field, alias, mmAlias, rest, modifier, joins, mmJoins)
        multi ||= leaf.multi
        return this.#finish(root, {
          identifier: leaf.identifier,
          mmIdentifier: leaf.mmIdentifier,
          noCoalesce: leaf.noCoalesce,
          multi,
          joins,
          mmJoins,
          constraints,
          afterBuild:
            root.restricted && collection.isAuth && field.name === 'email' && rest.length === 0
              ? this.#emailVisibility(alias)
              : undefined,
        })
      }

      // NOTE: PocketBase's texts: the segment that failed, not the whole path
      if (rest.length === 0) throw new FilterError(`unknown field "${seg}"`)
      if (field !== undefined && field.type !== 'relation') {
        throw new FilterError(`field "${seg}" is not a valid relation`)
      }
      if (++relations > MAX_NESTED_RELATIONS) {
        throw new FilterError(`max nested relations reached (${MAX_NESTED_RELATIONS})`)
      }

      if (field?.type === 'relation') {
        if (root.restricted && field.hidden) throw new FilterError(`unknown field "${raw}"`)
        const target = this.#app.findCollection(
          String((field as { collectionId?: unknown }).collectionId),
        )
        if (target === undefined) throw new FilterError(`unknown field "${raw}"`)
        const multiple = isMultipleField(field)
        // `rel.id` on a single relation is the column itself.
        if (!multiple && rest.length === 1 && rest[0] === 'id' && modifier !== 'each') {
          const id = this.#col(alias, seg)
          const mmId = this.#col(mmAlias, seg)
          return this.#finish(root, {
            ...applyModifier(modifier, id, mmId),
            noCoalesce: false,
            multi,
            joins,
            mmJoins,
            constraints,
          })
        }
        const next = `${alias}_${seg}`
        const mmNext = `${mmAlias}_${seg}`
        const q = this.#q
        if (multiple) {
          const je = `__je_${alias}_${seg}`
          const mmJe = `${mmAlias}_${seg}_je`
          joins.push({
            alias: je,
            source: this.dialect.jsonEach(this.dialect.jsonArray(this.#col(alias, seg), false)),
            on: undefined,
          })
          joins.push({
            alias: next,
            source: q(target.name),
            on: sql(`${this.#col(next, 'id')} = ${this.#col(je, 'value')}`),
          })
          mmJoins.push(
            `LEFT JOIN ${this.dialect.jsonEach(this.dialect.jsonArray(this.#col(mmAlias, seg), false))} ${q(mmJe)}${this.dialect.joinWithoutCondition()}`,
            `LEFT JOIN ${q(target.name)} ${q(mmNext)} ON ${this.#col(mmNext, 'id')} = ${this.#col(mmJe, 'value')}`,
          )
          multi = true
        } else {
          joins.push({
            alias: next,
            source: q(target.name),
            on: sql(`${this.#col(next, 'id')} = ${this.#col(alias, seg)}`),
          })
          mmJoins.push(
            `LEFT JOIN ${q(target.name)} ${q(mmNext)} ON ${this.#col(mmNext, 'id')} = ${this.#col(mmAlias, seg)}`,
          )
        }
        if (root.restricted) constraints.push([next, target])
        collection = target
        alias = next
        mmAlias = mmNext
        continue
      }

      const back = field === undefined ? BACK_RELATION_RE.exec(seg) : null
      if (back !== null) {
        const source = this.#app.findCollection(back[1]!)
        const ref = source?.getField(back[2]!)
        if (source === undefined) {
          throw new FilterError(`failed to load back relation field "${seg}" collection`)
        }
        if (ref === undefined) {
          throw new FilterError(`missing back relation field "${back[2]}"`)
        }
        if (
          source === undefined ||
          ref === undefined ||
          ref.type !== 'relation' ||
          (ref as { collectionId?: unknown }).collectionId !== collection.id
        ) {
          throw new FilterError(`invalid back relation field "${back[2]}"`)
        }
        if (root.restricted && ref.hidden) throw new FilterError(`unknown field "${raw}"`)
        const next = `${alias}_${seg}`
        const mmNext = `${mmAlias}_${seg}`
        const q = this.#q
        if (isMultipleField(ref)) {
          const on = (a: string, owner: string, je: string) =>
            `${this.#col(owner, 'id')} IN (SELECT ${this.#col(je, 'value')} FROM ${this.dialect.jsonEach(this.dialect.jsonArray(this.#col(a, ref.name), false))} ${q(je)})`
          joins.push({
            alias: next,
            source: q(source.name),
            on: sql(on(next, alias, `__je_${next}`)),
          })
          mmJoins.push(
            `LEFT JOIN ${q(source.name)} ${q(mmNext)} ON ${on(mmNext, mmAlias, `__je_${mmNext}`)}`,
          )
          multi = true
        } else {
          joins.push({
            alias: next,
            source: q(source.name),
            on: sql(`${this.#col(next, ref.name)} = ${this.#col(alias, 'id')}`),
          })
          mmJoins.push(
            `LEFT JOIN ${q(source.name)} ${q(mmNext)} ON ${this.#col(mmNext, ref.name)} = ${this.#col(mmAlias, 'id')}`,
          )
          // NOTE: a single back-relation is one-to-one only when its field is UNIQUE-indexed.
          if (!hasUniqueIndex(source.indexes, ref.name)) multi = true
        }
        if (root.restricted) constraints.push([next, source])
        collection = source
        alias = next
        mmAlias = mmNext
        continue
      }

      throw new FilterError(`failed to resolve field "${seg}"`)
    }
    throw new FilterError(`unknown field "${raw}"`)
  }

  /** The identifier of the last field of a path (with its JSON path and modifier). */
  #leaf(
    field: Field,
    alias: string,
    mmAlias: string,
    path: string[],
    modifier: string | undefined,
    joins: PendingJoin[],
    mmJoins: string[],
  ): { identifier: string; mmIdentifier: string; noCoalesce: boolean; multi: boolean } {
    const d = this.dialect
    const column = this.#col(alias, field.name)
    const mmColumn = this.#col(mmAlias, field.name)
    if (path.length > 0 || field.type === 'json') {
      if (field.type !== 'json' && field.type !== 'geoPoint') {
        throw new FilterError(`field "${field.name}" has no nested values`)
      }
      const segs = path.map(jsonSegment)
      const r = applyModifier(
        modifier === 'lower' ? 'lower' : undefined,
        d.jsonExtract(column, segs),
        d.jsonExtract(mmColumn, segs),
      )
      return { ...r, noCoalesce: true, multi: false }
    }
    const isList = field.type === 'select' || field.type === 'relation' || field.type === 'file'
    if (modifier === 'length' && isList) {
      return {
        identifier: d.jsonArrayLength(d.jsonArray(column, true)),
        mmIdentifier: d.jsonArrayLength(d.jsonArray(mmColumn, true)),
        noCoalesce: false,
        multi: false,
      }
    }
    if (modifier === 'each' && isList) {
      const je = `__je_${alias}_${field.name}`
      const mmJe = `__je_${mmAlias}_${field.name}`
      joins.push({ alias: je, source: d.jsonEach(d.jsonArray(column, false)), on: undefined })
      mmJoins.push(
        `LEFT JOIN ${d.jsonEach(d.jsonArray(mmColumn, false))} ${this.#q(mmJe)}${d.joinWithoutCondition()}`,
      )
      return {
        identifier: this.#col(je, 'value'),
        mmIdentifier: this.#col(mmJe, 'value'),
        noCoalesce: false,
        multi: isMultipleField(field),
      }
    }
    // NOTE: like PocketBase, :length/:each on other types and :isset/:changed on plain fields
    // are ignored.
    const r = applyModifier(modifier === 'lower' ? 'lower' : undefined, column, mmColumn)
    return { ...r, noCoalesce: false, multi: false }
  }

  #finish(
    root: Root,
    r: {
      identifier: string
      mmIdentifier: string
      noCoalesce: boolean
      multi: boolean
      joins: PendingJoin[]
      mmJoins: string[]
      constraints: [string, Collection][]
      afterBuild?: (cond: string) => string
      params?: { [name: string]: SqlValue }
    },
  ): ResolverResult {
    // Check the joined collections' list rules before committing anything.
    const constraints: [string, Sql, RecordFieldResolver][] = []
    for (const [alias, c] of r.constraints) {
      if (this.#constraints.has(alias)) continue
      if (c.listRule === null) {
        throw new FilterError(`the collection "${c.name}" is only accessible by superusers`)
      }
      if (c.listRule === '') continue
      constraints.push([alias, ...this.#listRuleConstraint(c, alias)])
    }
    for (const j of root.join === undefined ? r.joins : [root.join, ...r.joins]) {
      if (!this.#joins.has(j.alias)) this.#joins.set(j.alias, j)
    }
    for (const [alias, cond, nested] of constraints) {
      this.#constraints.set(alias, cond)
      this.#nested.push(nested)
    }
    let multiMatch: MultiMatch | undefined
    if (r.multi) {
      const where = root.mmWhere === '' ? '' : ` WHERE ${root.mmWhere}`
      multiMatch = {
        valueIdentifier: r.mmIdentifier,
        from: `${[root.mmFrom, ...r.mmJoins].join(' ')}${where}`,
        params: r.params,
      }
    }
    return {
      identifier: r.identifier,
      params: r.params,
      noCoalesce: r.noCoalesce || undefined,
      multiMatch,
      afterBuild: r.afterBuild,
    }
  }

  /** `(alias.id = '' OR alias.id IS NULL) OR (listRule on alias)` for a joined collection. */
  #listRuleConstraint(c: Collection, alias: string): [Sql, RecordFieldResolver] {
    const nested = new RecordFieldResolver(this.#app, c, this.#info, { alias }, this.#shared)
    const rule = buildFilterExpr(
      c.listRule ?? '',
      nested,
      {},
      {
        paramPrefix: `${this.#shared.prefix}_lr${this.#shared.nextPrefix++}_`,
      },
    )
    const id = this.#col(alias, 'id')
    return [sql(`(${id} = '' OR ${id} IS NULL) OR (${rule.sql})`, rule.params), nested]
  }

  #emailVisibility(alias: string): (cond: string) => string {
    const visible = this.#col(alias, 'emailVisibility')
    return (cond) => `((${cond}) AND (${visible} = TRUE))`
  }

  // ---- @collection ----------------------------------------------------------------------------

  #resolveCollection(field: string): ResolverResult {
    const m = /^@collection\.(\w+)(?::(\w+))?\.(.+)$/.exec(field)
    if (m === null || !PATH_RE.test(m[3]!))
      throw new FilterError(`invalid @collection field "${field}"`)
    const c = this.#app.findCollection(m[1]!)
    if (c === undefined) {
      throw new FilterError(`failed to load collection "${m[1]}" from field path "${field}"`)
    }
    const alias = m[2] === undefined ? `__collection_${c.name}` : `__collection_alias_${m[2]}`
    const mmAlias = `__mm_${alias}`
    const { segments, modifier } = splitModifier(m[3]!)
    const root: Root = {
      collection: c,
      alias,
      mmAlias,
      mmFrom: `FROM ${this.#q(c.name)} ${this.#q(mmAlias)}`,
      mmWhere: '',
      multi: true,
      restricted: false,
      // Every row of the collection: the filter itself correlates it with the main row.
      join: { alias, source: this.#q(c.name), on: sql('1 = 1') },
    }
    return this.#walk(root, segments, modifier, field)
  }

  // ---- @request -------------------------------------------------------------------------------

  #resolveRequest(field: string): ResolverResult {
    if (!PATH_RE.test(field.slice(1))) throw new FilterError(`failed to resolve field "${field}"`)
    // NOTE: PocketBase names the part after the source (`@request.body.x:nope` → "x:nope")
    const label = field.slice('@request.'.length).replace(/^\w+\./, '')
    const { segments, modifier } = splitModifier(field.slice('@request.'.length), label)
    const [source, ...path] = segments
    const info = this.#info
    switch (source) {
      case 'context':
      case 'method':
        if (path.length > 0) break
        if (modifier === 'isset') return literal(true)
        return this.#static(info?.[source] ?? null, modifier)
      case 'query':
      case 'headers': {
        if (path.length === 0) break
        const map = info?.[source] ?? {}
        const key = path[0]!
        const present = Object.hasOwn(map, key)
        if (modifier === 'isset') return literal(present && path.length === 1)
        return this.#static(present && path.length === 1 ? map[key] : null, modifier)
      }
      case 'body':
        if (path.length === 0) break
        return this.#resolveBody(path, modifier, field)
      case 'auth':
        if (path.length === 0) break
        return this.#resolveAuth(path, modifier)
    }
    throw new FilterError(`failed to resolve field "${field}"`)
  }

  #resolveAuth(path: string[], modifier: string | undefined): ResolverResult {
    const auth = this.#info?.auth ?? null
    if (auth === null) return modifier === 'isset' ? literal(false) : { identifier: 'NULL' }
    const first = path[0]!
    if (path.length === 1 && STATIC_AUTH_KEYS.has(first)) {
      if (modifier === 'isset') return literal(true)
      let value: unknown
      if (first === 'collectionId') value = auth.collection.id
      else if (first === 'collectionName') value = auth.collection.name
      else value = auth.get(first) ?? null
      if (modifier === undefined || modifier === 'lower') return this.#static(value, modifier)
    }
    if (modifier === 'isset') return literal(auth.collection.getField(first) !== undefined)
    const c = auth.collection
    const alias = `__auth_${c.name}`
    const mmAlias = `__mm_${alias}`
    const idParam = this.#param(auth.id)
    const root: Root = {
      collection: c,
      alias,
      mmAlias,
      mmFrom: `FROM ${this.#q(c.name)} ${this.#q(mmAlias)}`,
      mmWhere: `${this.#col(mmAlias, 'id')} = ${idParam.name}`,
      multi: false,
      restricted: false,
      join: {
        alias,
        source: this.#q(c.name),
        on: sql(`${this.#col(alias, 'id')} = ${idParam.name}`, idParam.params),
      },
    }
    let result: ResolverResult
    try {
      result = this.#walk(root, path, modifier, `@request.auth.${path.join('.')}`)
    } catch (err) {
      // NOTE: PocketBase resolves an invalid @request.auth path (e.g. a relation of another
      // auth collection) to NULL instead of failing the whole rule.
      if (err instanceof FilterError) return { identifier: 'NULL' }
      throw err
    }
    return withParams(result, idParam.params)
  }

  #resolveBody(path: string[], modifier: string | undefined, raw: string): ResolverResult {
    const body = this.#info?.body ?? {}
    const key = path[0]!
    const present = Object.hasOwn(body, key)
    const field = this.#collection.getField(key)
    if (modifier === 'isset') return literal(present && path.length === 1)
    if (modifier === 'changed') {
      if (path.length !== 1 || field === undefined) throw new FilterError(`invalid field "${raw}"`)
      // `:changed` is `(@request.body.f:isset = true && @request.body.f != f)`.
      const expr = buildFilterExpr(
        `@request.body.${key}:isset = true && @request.body.${key} != ${key}`,
        this,
        {},
        { paramPrefix: `${this.#shared.prefix}_ch${this.#shared.nextPrefix++}_` },
      )
      return { identifier: `(${expr.sql})`, params: expr.params, noCoalesce: true }
    }
    let value: unknown = present ? body[key] : undefined
    if (field !== undefined && value !== undefined && value !== null) {
      if (field.type === 'number' || field.type === 'bool') value = field.prepareValue(value)
    }
    if (modifier === 'length') return this.#static(listOf(value).length, undefined)
    if (modifier === 'each') {
      if (path.length !== 1) throw new FilterError(`invalid field "${raw}"`)
      const p = this.#param(JSON.stringify(listOf(value)))
      const alias = `__dataEach_${key}`
      const mmAlias = `__mm_${alias}`
      const source = this.dialect.jsonEach(p.name)
      if (!this.#joins.has(alias)) this.#joins.set(alias, { alias, source, on: undefined })
      return {
        identifier: this.#col(alias, 'value'),
        params: p.params,
        multiMatch: {
          valueIdentifier: this.#col(mmAlias, 'value'),
          from: `FROM ${source} ${this.#q(mmAlias)}`,
          params: p.params,
        },
      }
    }
    if (path.length > 1 && field?.type === 'relation') {
      return this.#resolveBodyRelation(field, listOf(value), path.slice(1), modifier, raw)
    }
    // Nested values of submitted objects/arrays: `@request.body.obj.key`, `@request.body.arr.0`.
    for (const seg of path.slice(1)) value = child(value, seg)
    return this.#static(value ?? null, modifier)
  }

  /** `@request.body.rel.path`: joins the submitted related ids. */
  #resolveBodyRelation(
    field: Field,
    ids: unknown[],
    path: string[],
    modifier: string | undefined,
    raw: string,
  ): ResolverResult {
    const target = this.#app.findCollection(
      String((field as { collectionId?: unknown }).collectionId),
    )
    if (target === undefined) return { identifier: 'NULL' }
    const alias = `__data_${target.name}_${field.name}`
    const mmAlias = `__mm_${alias}`
    const p = this.#param(JSON.stringify(ids.map(String)))
    const inIds = (a: string) =>
      `${this.#col(a, 'id')} IN (SELECT ${this.#q('value')} FROM ${this.dialect.jsonEach(p.name)})`
    const root: Root = {
      collection: target,
      alias,
      mmAlias,
      mmFrom: `FROM ${this.#q(target.name)} ${this.#q(mmAlias)}`,
      mmWhere: inIds(mmAlias),
      multi: isMultipleField(field),
      restricted: false,
      join: { alias, source: this.#q(target.name), on: sql(inIds(alias), p.params) },
    }
    return withParams(this.#walk(root, path, modifier, raw), p.params)
  }

  /** A request value bound as a parameter (NULL when missing; arrays/objects as JSON). */
  #static(value: unknown, modifier: string | undefined): ResolverResult {
    if (modifier !== undefined && modifier !== 'lower') {
      throw new FilterError(`the modifier ":${modifier}" cannot be used here`)
    }
    let v: SqlValue
    if (value === null || value === undefined) return { identifier: 'NULL' }
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint')
      v = value
    else if (typeof value === 'boolean') v = value
    else if (value instanceof Date) v = formatDate(value)
    else v = JSON.stringify(value) ?? null
    const p = this.#param(v)
    return { identifier: modifier === 'lower' ? `LOWER(${p.name})` : p.name, params: p.params }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  #param(value: SqlValue): { name: string; params: { [name: string]: SqlValue } } {
    const key = `${this.#shared.prefix}${this.#shared.nextParam++}`
    return { name: `:${key}`, params: { [key]: value } }
  }

  #q = (name: string): string => this.dialect.quoteIdent(name)

  #col(alias: string, column: string): string {
    return `${this.#q(alias)}.${this.#q(column)}`
  }
}

/**
 * Splits `a.b.c:mod` into segments and modifier (one modifier, on the last segment only);
 * `label` names the path in errors.
 */
function splitModifier(
  path: string,
  label = path,
): { segments: string[]; modifier: string | undefined } {
  const parts = path.split(':')
  if (parts.length > 2) throw new FilterError(`unknown field "${label}"`)
  const modifier = parts[1]
  if (modifier !== undefined && !MODIFIERS.has(modifier)) {
    throw new FilterError(`unknown modifier in "${label}"`)
  }
  const segments = parts[0]!.split('.')
  if (segments.some((s) => s === '')) throw new FilterError(`invalid field "${path}"`)
  return { segments, modifier }
}

function applyModifier(
  modifier: string | undefined,
  identifier: string,
  mmIdentifier: string,
): { identifier: string; mmIdentifier: string } {
  if (modifier === 'lower') {
    return { identifier: `LOWER(${identifier})`, mmIdentifier: `LOWER(${mmIdentifier})` }
  }
  return { identifier, mmIdentifier }
}

function literal(value: boolean): ResolverResult {
  return { identifier: value ? 'TRUE' : 'FALSE' }
}

function withParams(result: ResolverResult, params: { [name: string]: SqlValue }): ResolverResult {
  return { ...result, params: { ...result.params, ...params } }
}

function isMultipleField(field: Field): boolean {
  const max = (field as { maxSelect?: unknown }).maxSelect
  return typeof max === 'number' && max > 1
}

/** A JSON path segment: digits are array indexes. */
function jsonSegment(segment: string): string | number {
  if (!/^\d+$/.test(segment)) return segment
  const index = Number(segment)
  if (!Number.isSafeInteger(index)) throw new FilterError(`invalid JSON array index "${segment}"`)
  return index
}

/** The submitted items of a (possibly multi-valued) body value. */
function listOf(value: unknown): unknown[] {
  if (value === undefined || value === null || value === '') return []
  return Array.isArray(value) ? value : [value]
}

function child(value: unknown, key: string): unknown {
  if (Array.isArray(value)) return /^\d+$/.test(key) ? value[Number(key)] : undefined
  if (typeof value === 'object' && value !== null && Object.hasOwn(value, key)) {
    return (value as { [key: string]: unknown })[key]
  }
  return undefined
}

/** The expressions of one records query (see {@link compileRecordQueryParts}). */
export interface RecordQueryInput {
  /** An API rule, resolved with full privileges. */
  readonly rule?: string
  /** A client `?filter=` (limited to {@link MAX_FILTER_LENGTH} bytes). */
  readonly filter?: string
  /** A client `?sort=`. */
  readonly sort?: string
  /** Apply the §5.10 client restrictions to `filter` and `sort` (non-superusers). */
  readonly clientFilter?: boolean
}

/** Compiled pieces of a records query; the main table is aliased by the collection name. */
export interface RecordQueryParts {
  /** WHERE conditions to AND (the rule first, then the filter, then joined list rules). */
  readonly where: readonly string[]
  /** The JOIN clauses (`LEFT JOIN … ON …`), "" when none. */
  readonly joins: string
  readonly orderBy: readonly string[]
  readonly params: { [name: string]: SqlValue }
  /** True when the joins require `SELECT DISTINCT`. */
  readonly distinct: boolean
}

/**
 * Compiles a rule, a client filter and a client sort for one collection and request into SQL
 * pieces (PocketBase's list/view query building): the rule is resolved without restrictions, the
 * filter and sort with the §5.10 ones when `clientFilter` is set; joins are shared. Throws
 * {@link FilterError} (`forbidden` for `@request`/`@collection` in client expressions).
 */
export function compileRecordQueryParts(
  app: ResolverApp,
  collection: Collection,
  info: RequestInfo | null,
  input: RecordQueryInput,
): RecordQueryParts {
  const q = new SelectQuery(app.db.dialect, collection.name)
  const rules = new RecordFieldResolver(app, collection, info, { paramPrefix: '__rr' })
  const client = new RecordFieldResolver(app, collection, info, {
    paramPrefix: '__rc',
    clientFilter: input.clientFilter ?? false,
  })
  if (input.rule) q.where(buildFilterExpr(input.rule, rules, {}, { paramPrefix: '__rule' }))
  if (input.filter) {
    q.where(
      buildFilterExpr(
        input.filter,
        client,
        {},
        { paramPrefix: '__filter', maxLength: MAX_FILTER_LENGTH },
      ),
    )
  }
  if (input.sort) q.orderBy(...buildSortExpr(input.sort, client))
  rules.updateQuery(q)
  client.updateQuery(q)
  const params: { [name: string]: SqlValue } = {}
  const joins = q.joinsSql(params)
  const where = q.conditions.map((c) => {
    mergeParams(params, c.params)
    return c.sql
  })
  const orderBy = q.orderTerms.map((o) => {
    mergeParams(params, o.params)
    return o.sql
  })
  return { where, joins, orderBy, params, distinct: q.isDistinct }
}
