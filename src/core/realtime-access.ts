import type { SqlValue } from '../tools/db/db.ts'
import type { App } from './app.ts'
import type { Collection } from './collection-model.ts'
import { PasswordField, toPasswordValue } from './field-password.ts'
import type { Record } from './record-model.ts'
import { recordSelect } from './record-rules.ts'
import { isSuperuser, type RequestInfo } from './request-info.ts'

/** One "may this subscriber see this record" question of a realtime event. */
export interface AccessCheck {
  /** The subscriber's request info (context `realtime`, method `GET`, its options, its auth). */
  readonly info: RequestInfo
  /** The collection's listRule (`/*` topics) or viewRule (one-record topics). */
  readonly rule: string | null
}

/** How many distinct checks go into one SQL statement (SQLite allows 500 compound terms). */
const CHECKS_PER_QUERY = 100

/**
 * Answers many realtime access checks for one record (PocketBase `realtimeCanAccessRecord`:
 * `CanAccessRecord(rule)` and then the subscription's `filter` query option, for superusers
 * too; a non-superuser filter using `@request.*`/`@collection.*` denies).
 *
 * Efficiency (issue #3 point 4): checks decidable without the database are answered in JS
 * (superuser without filter, `null` and `""` rules, forbidden filters). The others are grouped
 * by what their expressions can observe — the rule and filter text, plus the auth record only
 * when they mention `@request.auth`, the query only with `@request.query`, the headers only with
 * `@request.headers` — and every distinct group becomes one `EXISTS` term of a `UNION ALL`
 * statement (≤ 100 groups per statement). So one event costs one query for any number of
 * subscribers that share a group (e.g. all guests, or every subscriber of a rule that does not
 * mention `@request.auth`), and ⌈groups / 100⌉ queries at worst.
 *
 * The checks run against a one-row CTE holding the record's values as the event carries them
 * (standing in for the table under a derived name), so every process decides the same way
 * whatever committed since — the row may be gone (delete) or changed again. Rules that read the same collection through `@collection.*`
 * or back-relations see the live table there.
 */
export async function checkRealtimeAccess(
  app: App,
  record: Record,
  checks: readonly AccessCheck[],
): Promise<boolean[]> {
  const out: boolean[] = new Array(checks.length).fill(false)
  const groups = new Map<
    string,
    { rule: string; filter: string; info: RequestInfo; key: string; at: number[] }
  >()
  checks.forEach((check, i) => {
    const su = isSuperuser(check.info)
    const filter = check.info.query.filter ?? ''
    if (!su && check.rule === null) return
    if (filter !== '' && !su && /@request\.|@collection\./.test(filter)) return
    const rule = su || check.rule === null ? '' : check.rule
    if (rule === '' && filter === '') {
      out[i] = true
      return
    }
    const key = groupKey(rule, filter, check.info, su)
    let group = groups.get(key)
    if (group === undefined) {
      group = { rule, filter, info: check.info, key, at: [] }
      groups.set(key, group)
    }
    group.at.push(i)
  })
  const list = [...groups.values()]
  for (let start = 0; start < list.length; start += CHECKS_PER_QUERY) {
    const chunk = list.slice(start, start + CHECKS_PER_QUERY)
    const passed = await runChunk(app, record, chunk)
    chunk.forEach((g, j) => {
      if (passed.has(j)) for (const i of g.at) out[i] = true
    })
  }
  return out
}

const groupKeys = new WeakMap<RequestInfo, Map<string, string>>()

/**
 * What the rule and filter can observe of the request, as a string key; remembered per info
 * object (subscribers reuse theirs from event to event, see `deliverRecordEvent`).
 */
function groupKey(rule: string, filter: string, info: RequestInfo, su: boolean): string {
  let keys = groupKeys.get(info)
  if (keys === undefined) {
    keys = new Map()
    groupKeys.set(info, keys)
  }
  const memo = `${rule}\u0000${filter}`
  let key = keys.get(memo)
  if (key === undefined) {
    key = computeGroupKey(rule, filter, info, su)
    keys.set(memo, key)
  }
  return key
}

function computeGroupKey(rule: string, filter: string, info: RequestInfo, su: boolean): string {
  const text = rule + filter
  const auth = info.auth
  const parts = [rule, filter, su ? 'su' : '']
  if (text.includes('@request.auth'))
    parts.push(auth === null ? '' : `${auth.collection.id}/${auth.id}`)
  if (text.includes('@request.query')) parts.push(JSON.stringify(info.query))
  if (text.includes('@request.headers')) parts.push(JSON.stringify(info.headers))
  return parts.join('\u0000')
}

/** One group's compiled `EXISTS` body, its placeholders made unique (`__t<n>` suffix). */
interface Term {
  readonly sql: string
  readonly params: { readonly [k: string]: SqlValue }
}

/** Stands for "no auth record" in {@link termCache}. */
const GUEST = {}

/**
 * Compiled terms by snapshot collection (a schema change replaces the collection object), then
 * by the auth record object (clients hold theirs until it changes: an update replaces it), then
 * by what else the group observes. Subscribers are long-lived, so an event compiles only the
 * rules of subscribers it has not seen before; `null` marks a rule or filter that does not
 * compile (denied).
 */
const termCache = new WeakMap<Collection, WeakMap<object, Map<string, Term | null>>>()
let termSeq = 0

function compiledTerm(
  app: App,
  target: Collection,
  group: { rule: string; filter: string; info: RequestInfo; key: string },
): Term | null {
  let byAuth = termCache.get(target)
  if (byAuth === undefined) {
    byAuth = new WeakMap()
    termCache.set(target, byAuth)
  }
  const authKey = group.info.auth ?? GUEST
  let terms = byAuth.get(authKey)
  if (terms === undefined) {
    terms = new Map()
    byAuth.set(authKey, terms)
  }
  const cached = terms.get(group.key)
  if (cached !== undefined) return cached
  const q = app.db.dialect.quoteIdent
  let term: Term | null
  try {
    const s = recordSelect(app, target, group.info, {
      rule: group.rule === '' ? undefined : group.rule,
      filter: group.filter === '' ? undefined : group.filter,
    })
      .where({ sql: `${q(target.name)}.${q('id')} = :__rid`, params: { __rid: '' } })
      .columns('1')
      .limit(1)
      .toSql()
    const suffix = `__t${++termSeq}`
    const params: { [k: string]: SqlValue } = {}
    for (const [k, v] of Object.entries(s.params)) params[k + suffix] = v
    term = { sql: renameParams(s.sql, s.params, suffix), params }
  } catch {
    term = null // NOTE: an invalid rule or filter denies, as in PocketBase.
  }
  terms.set(group.key, term)
  return term
}

async function runChunk(
  app: App,
  record: Record,
  groups: readonly { rule: string; filter: string; info: RequestInfo; key: string }[],
): Promise<Set<number>> {
  const q = app.db.dialect.quoteIdent
  const target = snapshotCollection(record.collection)
  const params: { [name: string]: SqlValue } = {}
  const terms: string[] = []
  groups.forEach((g, j) => {
    const term = compiledTerm(app, target, g)
    if (term === null) return
    terms.push(`SELECT ${j} AS k WHERE EXISTS (${term.sql})`)
    for (const k in term.params) {
      // NOTE: the record id placeholder of every term is this event's record
      params[k] = k.startsWith('__rid__t') ? record.id : term.params[k]!
    }
  })
  if (terms.length === 0) return new Set()
  const text = `WITH ${q(target.name)} AS (SELECT ${ghostRow(record, params, q)}) ${terms.join(' UNION ALL ')}`
  try {
    const rows = await app.db.all<{ k: number }>(text, params)
    return new Set(rows.map((r) => r.k))
  } catch {
    return new Set()
  }
}

/**
 * Appends `suffix` to every `:name` placeholder of `params` in `text`, outside quoted strings
 * and identifiers, so that several compiled queries can share one statement.
 */
export function renameParams(
  text: string,
  params: { readonly [k: string]: unknown },
  suffix: string,
): string {
  let out = ''
  let i = 0
  while (i < text.length) {
    const ch = text[i]!
    if (ch === "'" || ch === '"' || ch === '`') {
      const end = closingQuote(text, i, ch)
      out += text.slice(i, end)
      i = end
      continue
    }
    if (ch === ':') {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1, i + 200))
      if (m !== null && Object.hasOwn(params, m[0])) {
        out += `:${m[0]}${suffix}`
        i += 1 + m[0].length
        continue
      }
    }
    out += ch
    i++
  }
  return out
}

function closingQuote(text: string, start: number, quote: string): number {
  let i = start + 1
  while (i < text.length) {
    if (text[i] === quote) {
      if (text[i + 1] === quote) {
        i += 2
        continue
      }
      return i + 1
    }
    i++
  }
  return text.length
}

const ghosts = new WeakMap<Collection, Collection>()

/** A copy of the collection named after the one-row CTE of the event's record (cached). */
function snapshotCollection(c: Collection): Collection {
  let ghost = ghosts.get(c)
  if (ghost === undefined) {
    ghost = c.clone()
    ghost.name = `${c.name}__pb_rt_deleted__`
    ghosts.set(c, ghost)
  }
  return ghost
}

/** `:__d0 AS "id", …` with the record's stored column values (params added to `params`). */
function ghostRow(
  record: Record,
  params: { [name: string]: SqlValue },
  q: (name: string) => string,
): string {
  return record.collection.fields
    .map((field, i) => {
      const value: SqlValue =
        field instanceof PasswordField
          ? toPasswordValue(record.get(field.name)).hash
          : field.driverValue(record.get(field.name))
      params[`__d${i}`] = typeof value === 'boolean' ? (value ? 1 : 0) : value
      return `:__d${i} AS ${q(field.name)}`
    })
    .join(', ')
}
