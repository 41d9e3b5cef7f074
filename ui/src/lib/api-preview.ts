// The API preview of a collection, generated from its real fields, rules and auth options: each
// endpoint's method and path, who may call it, its parameters, a response example in the JSON
// shape the server sends, its error responses and SDK/curl snippets. Pure: no DOM, no requests.
import type { CollectionField, CollectionModel } from 'pocketbase'

/** Where a parameter goes. */
export type ParamPlace = 'path' | 'query' | 'body' | 'header'

/** One parameter of an endpoint. */
export interface ApiParam {
  readonly name: string
  readonly place: ParamPlace
  /** What the value is, e.g. `String`, `One of: draft, published`. */
  readonly type: string
  readonly required: boolean
  /** Constraints and remarks, e.g. `at most 120 characters`. */
  readonly notes: readonly string[]
}

/** Who may call an endpoint. */
export interface ApiAccess {
  /** `superusers`: rule not set; `public`: empty rule; `rule`: a filter; `auth`: a signed-in record; `off`: disabled in the options. */
  readonly kind: 'superusers' | 'public' | 'rule' | 'auth' | 'off'
  /** A sentence for people. */
  readonly summary: string
  /** The rule's filter text when `kind` is `rule`. */
  readonly rule?: string
}

/** A response: its status and JSON body (`null` for 204). */
export interface ApiResponse {
  readonly status: number
  /** When it happens (for errors). */
  readonly when: string
  readonly body: unknown
}

/** One endpoint of the preview. */
export interface ApiEndpoint {
  /** Stable id, used in the page's address (`list`, `view`, `auth-with-password`…). */
  readonly id: string
  readonly title: string
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  readonly path: string
  readonly description: string
  readonly access: ApiAccess
  /** `multipart` when the collection has file fields (uploads go as multipart/form-data). */
  readonly body?: 'json' | 'multipart'
  readonly params: readonly ApiParam[]
  readonly response: ApiResponse
  readonly errors: readonly ApiResponse[]
  /** JavaScript with the official `pocketbase` SDK. */
  readonly sdk: string
  readonly curl: string
}

type Rec = { [key: string]: unknown }
type Field = CollectionField & Rec

const EXAMPLE_DATE = '2026-01-31 12:30:45.123Z'
const SUPERUSERS_ONLY = 'Only superusers can perform this action.'
const NOT_FOUND = "The requested resource wasn't found."

/** A made-up record id (15 chars of a–z0–9, as generated ones are), the same for the same seed. */
export function sampleId(seed: string): string {
  let h = 2166136261
  for (const ch of seed) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0
  let out = ''
  for (let i = 0; i < 15; i++) {
    h = Math.imul(h ^ (h >>> 15), 2246822507) >>> 0
    out += 'abcdefghijklmnopqrstuvwxyz0123456789'[h % 36]
  }
  return out
}

/**
 * Who may call an operation guarded by `rule`: `null` superusers only, `""` anyone, else the
 * callers the filter lets through (superusers always pass).
 */
export function accessOf(rule: string | null | undefined): ApiAccess {
  if (rule === null || rule === undefined)
    return { kind: 'superusers', summary: 'Superusers only: this rule is not set.' }
  if (rule.trim() === '') return { kind: 'public', summary: 'Anyone, signed in or not.' }
  return {
    kind: 'rule',
    summary: 'Callers whose request satisfies this rule (superusers always may):',
    rule,
  }
}

const isAuth = (c: CollectionModel) => c.type === 'auth'
const multi = (f: Field) => Number(f.maxSelect ?? 1) > 1
const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) && v !== 0 ? v : undefined

/** The fields a response carries (hidden ones and auth secrets left out). */
function visibleFields(c: CollectionModel): Field[] {
  return (c.fields as Field[]).filter(
    (f) => !f.hidden && !(isAuth(c) && (f.name === 'password' || f.name === 'tokenKey')),
  )
}

/** The fields a create/update body may carry (autodate and auth internals are the server's). */
function writableFields(c: CollectionModel): Field[] {
  return (c.fields as Field[]).filter(
    (f) => f.type !== 'autodate' && !(isAuth(c) && f.name === 'tokenKey'),
  )
}

function fileExtension(f: Field): string {
  const mime = (f.mimeTypes as string[] | undefined)?.[0] ?? ''
  const sub = mime
    .split('/')[1]
    ?.replace(/^svg\+xml$/, 'svg')
    .replace(/^jpeg$/, 'jpg')
  return sub && /^[a-z0-9]+$/.test(sub) ? sub : 'png'
}

/** A plausible value of field `f` as the server sends it. */
function exampleValue(c: CollectionModel, f: Field, all: readonly CollectionModel[]): unknown {
  const many = multi(f)
  switch (f.type) {
    case 'text': {
      if (f.name === 'id') return sampleId(c.name)
      const max = num(f.max)
      const text = f.name === 'username' ? 'someone42' : `Example ${f.name}`
      return max ? text.slice(0, max) : text
    }
    case 'editor':
      return `<p>Example ${f.name}</p>`
    case 'number': {
      const min = num(f.min)
      const max = num(f.max)
      let v = f.onlyInt ? 42 : 4.5
      if (min !== undefined && v < min) v = min
      if (max !== undefined && v > max) v = max
      return v
    }
    case 'bool':
      return true
    case 'email':
      return 'someone@example.com'
    case 'url':
      return 'https://example.com/page'
    case 'date':
    case 'autodate':
      return EXAMPLE_DATE
    case 'select': {
      const values = (f.values as string[] | undefined) ?? []
      return many ? values.slice(0, Math.min(2, Number(f.maxSelect))) : (values[0] ?? '')
    }
    case 'file': {
      const name = `${f.name}_${sampleId(`${c.name}.${f.name}`).slice(0, 10)}.${fileExtension(f)}`
      return many ? [name] : name
    }
    case 'relation': {
      const target = all.find((t) => t.id === f.collectionId)
      const id = sampleId(target?.name ?? String(f.collectionId))
      return many ? [id] : id
    }
    case 'json':
      return { example: true }
    case 'geoPoint':
      return { lon: 24.9384, lat: 60.1699 }
    case 'password':
      return ''
    default:
      return null
  }
}

function sortKeys(o: Rec): Rec {
  const out: Rec = {}
  for (const k of Object.keys(o).sort()) out[k] = o[k]
  return out
}

/** The first relation field whose target collection is known (the snippets expand it). */
function expandable(c: CollectionModel, all: readonly CollectionModel[]): Field | undefined {
  return visibleFields(c).find(
    (f) => f.type === 'relation' && all.some((t) => t.id === f.collectionId),
  )
}

/**
 * A record of `c` in the server's JSON shape as a non-superuser receives it: `collectionId`,
 * `collectionName`, every visible field (hidden fields, `password` and `tokenKey` never), keys
 * in alphabetical order as the server emits them; `expand` of the first relation when `withExpand`.
 */
export function exampleRecord(
  c: CollectionModel,
  all: readonly CollectionModel[],
  withExpand = false,
): Rec {
  const out: Rec = { collectionId: c.id, collectionName: c.name }
  for (const f of visibleFields(c)) out[f.name] = exampleValue(c, f, all)
  if (isAuth(c) && 'emailVisibility' in out) out.emailVisibility = true
  const rel = withExpand ? expandable(c, all) : undefined
  if (rel) {
    const target = all.find((t) => t.id === rel.collectionId)!
    const one = exampleRecord(target, all)
    out.expand = { [rel.name]: multi(rel) ? [one] : one }
  }
  return sortKeys(out)
}

/** A field's type as a parameter: what to send. */
function paramType(f: Field, all: readonly CollectionModel[]): string {
  const many = multi(f)
  const upTo = many ? ` (up to ${f.maxSelect})` : ''
  switch (f.type) {
    case 'text':
      return 'String'
    case 'editor':
      return 'String (HTML)'
    case 'number':
      return f.onlyInt ? 'Integer' : 'Number'
    case 'bool':
      return 'Boolean'
    case 'email':
      return 'String (email address)'
    case 'url':
      return 'String (URL)'
    case 'date':
      return `String (date, e.g. ${EXAMPLE_DATE})`
    case 'select': {
      const values = ((f.values as string[] | undefined) ?? []).join(', ')
      return many ? `Array of: ${values}${upTo}` : `One of: ${values}`
    }
    case 'file':
      return many ? `Files${upTo}` : 'File'
    case 'relation': {
      const target = all.find((t) => t.id === f.collectionId)?.name ?? String(f.collectionId)
      return many ? `Array of ${target} record ids${upTo}` : `A ${target} record id`
    }
    case 'json':
      return 'Any JSON value'
    case 'geoPoint':
      return 'Object {"lon": number, "lat": number}'
    case 'password':
      return 'String'
    default:
      return f.type
  }
}

/** Constraints of a field, in words. */
function paramNotes(c: CollectionModel, f: Field): string[] {
  const notes: string[] = []
  const min = num(f.min)
  const max = num(f.max)
  if (f.name === 'id') notes.push('15 characters a–z, 0–9; generated when left out')
  else if (f.type === 'text' || f.type === 'password' || f.type === 'editor') {
    if (min) notes.push(`at least ${min} characters`)
    if (max) notes.push(`at most ${max} characters`)
    if (f.pattern) notes.push(`must match /${f.pattern}/`)
  }
  if (f.type === 'number') {
    if (min !== undefined) notes.push(`at least ${min}`)
    if (max !== undefined) notes.push(`at most ${max}`)
  }
  if (f.type === 'file') {
    const types = (f.mimeTypes as string[] | undefined) ?? []
    if (types.length) notes.push(`types: ${types.join(', ')}`)
    const size = num(f.maxSize)
    if (size) notes.push(`at most ${Math.round(size / 1024)} KB each`)
    notes.push('sent as multipart/form-data')
  }
  if (f.type === 'date') {
    if (f.min) notes.push(`from ${f.min}`)
    if (f.max) notes.push(`until ${f.max}`)
  }
  if (f.hidden && !(isAuth(c) && f.name === 'password'))
    notes.push('hidden: only superusers see it back')
  if (isAuth(c) && f.name === 'verified') notes.push('only superusers and managers may set it')
  if (isAuth(c) && f.name === 'email')
    notes.push('only shown to others when emailVisibility is true')
  return notes
}

function bodyParams(
  c: CollectionModel,
  all: readonly CollectionModel[],
  update: boolean,
): ApiParam[] {
  const out: ApiParam[] = []
  for (const f of writableFields(c)) {
    if (update && f.name === 'id') continue
    const required =
      !update && f.name !== 'id' && (Boolean(f.required) || (isAuth(c) && f.name === 'password'))
    out.push({
      name: f.name,
      place: 'body',
      type: paramType(f, all),
      required,
      notes: paramNotes(c, f),
    })
    if (isAuth(c) && f.name === 'password') {
      out.push({
        name: 'passwordConfirm',
        place: 'body',
        type: 'String',
        required,
        notes: ['the same as password'],
      })
      if (update)
        out.push({
          name: 'oldPassword',
          place: 'body',
          type: 'String',
          required: false,
          notes: ['needed to change the password unless the caller is a superuser or manager'],
        })
    }
    if (
      update &&
      (f.type === 'number' || (multi(f) && ['select', 'relation', 'file'].includes(f.type)))
    ) {
      const what =
        f.type === 'number' ? 'adds to / subtracts from the number' : 'appends / removes values'
      out.push({
        name: `${f.name}+ / ${f.name}-`,
        place: 'body',
        type: paramType(f, all),
        required: false,
        notes: [what],
      })
    }
  }
  return out
}

const query = (name: string, type: string, notes: string[] = []): ApiParam => ({
  name,
  place: 'query',
  type,
  required: false,
  notes,
})

const pathId = (c: CollectionModel): ApiParam => ({
  name: 'id',
  place: 'path',
  type: `A ${c.name} record id`,
  required: true,
  notes: [],
})

const readParams = (c: CollectionModel): ApiParam[] => {
  const rels = visibleFields(c)
    .filter((f) => f.type === 'relation')
    .map((f) => f.name)
  return [
    query(
      'expand',
      'String',
      rels.length
        ? [`relations to include, comma separated: ${rels.join(', ')} (dotted paths go deeper)`]
        : ['relations to include (this collection has no relation field)'],
    ),
    query('fields', 'String', ['the keys to return, comma separated, e.g. id,created']),
  ]
}

const error = (status: number, when: string, message: string, data: Rec = {}): ApiResponse => ({
  status,
  when,
  body: { data, message, status },
})

/** The first field a create must have (for the 400 example). */
function requiredField(c: CollectionModel): Field | undefined {
  return (
    writableFields(c).find((f) => f.required && f.name !== 'id') ??
    writableFields(c).find((f) => f.name !== 'id')
  )
}

// --- snippets -----------------------------------------------------------------------------

function jsKey(k: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(k) ? k : `'${k}'`
}

function jsValue(v: unknown): string {
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
  return JSON.stringify(v)
}

function jsObject(entries: [string, string][], indent = '  '): string {
  if (entries.length === 0) return '{}'
  return `{\n${entries.map(([k, v]) => `${indent}  ${jsKey(k)}: ${v},`).join('\n')}\n${indent}}`
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`
}

const AUTH_HEADER = ` \\\n  -H "Authorization: $TOKEN"`

/** An example body for create/update: field → value, and whether a file field is in it. */
function exampleBody(
  c: CollectionModel,
  all: readonly CollectionModel[],
  update: boolean,
): { values: [Field, unknown][]; files: Field[] } {
  const values: [Field, unknown][] = []
  const files: Field[] = []
  for (const f of writableFields(c)) {
    if (f.name === 'id') continue
    if (update && !f.required && values.length >= 2) continue
    if (f.type === 'file') {
      files.push(f)
      continue
    }
    if (isAuth(c) && f.name === 'emailVisibility') continue
    if (isAuth(c) && f.name === 'verified') continue
    if (isAuth(c) && f.name === 'password') {
      if (update) continue
      values.push([f, 'a-long-secret-1234'])
      values.push([{ ...f, name: 'passwordConfirm' }, 'a-long-secret-1234'])
      continue
    }
    values.push([f, exampleValue(c, f, all)])
  }
  return { values, files }
}

function writeSnippets(
  c: CollectionModel,
  all: readonly CollectionModel[],
  base: string,
  update: boolean,
  rule: string | null,
): { sdk: string; curl: string } {
  const { values, files } = exampleBody(c, all, update)
  const name = jsValue(c.name)
  const entries: [string, string][] = values.map(([f, v]) => [f.name, jsValue(v)])
  for (const f of files)
    entries.push([f.name, multi(f) ? '[fileInput.files[0]]' : 'fileInput.files[0]'])
  const call = update ? `update('RECORD_ID', data)` : 'create(data)'
  const comment = files.length ? '// a File or Blob makes the SDK send multipart/form-data\n' : ''
  const sdk = `${comment}const data = ${jsObject(entries, '')}\nconst record = await pb.collection(${name}).${call}`
  const url = `${base}/api/collections/${encodeURIComponent(c.name)}/records${update ? '/RECORD_ID' : ''}`
  const method = update ? 'PATCH' : 'POST'
  const auth = rule === '' ? '' : AUTH_HEADER
  let curl: string
  if (files.length) {
    const parts = values.map(([f, v]) => {
      const text = typeof v === 'string' ? v : JSON.stringify(v)
      return ` \\\n  -F ${shellQuote(`${f.name}=${text}`)}`
    })
    for (const f of files)
      parts.push(` \\\n  -F ${shellQuote(`${f.name}=@./${f.name}.${fileExtension(f)}`)}`)
    curl = `curl -X ${method} ${shellQuote(url)}${auth}${parts.join('')}`
  } else {
    const body = JSON.stringify(Object.fromEntries(values.map(([f, v]) => [f.name, v])))
    curl = `curl -X ${method} ${shellQuote(url)}${auth} \\\n  -H 'Content-Type: application/json' \\\n  -d ${shellQuote(body)}`
  }
  return { sdk, curl }
}

// --- endpoints ----------------------------------------------------------------------------

function recordEndpoints(
  c: CollectionModel,
  all: readonly CollectionModel[],
  base: string,
): ApiEndpoint[] {
  const name = jsValue(c.name)
  const records = `/api/collections/${c.name}/records`
  const url = `${base}/api/collections/${encodeURIComponent(c.name)}/records`
  const rules = c as unknown as Rec
  const rule = (k: string) => (rules[k] as string | null | undefined) ?? null
  const headerFor = (r: string | null) => (r === '' ? '' : AUTH_HEADER)
  const rel = expandable(c, all)
  const text = visibleFields(c).find((f) => f.type === 'text' && f.name !== 'id')
  const sortBy = visibleFields(c).find((f) => f.type === 'autodate')?.name ?? 'id'
  const filter = text ? `${text.name} ~ "example"` : `id != ""`
  const expandOpt: [string, string][] = rel ? [['expand', jsValue(rel.name)]] : []
  const view = c.type === 'view'
  const forbidden = (r: string | null) =>
    r === null
      ? [error(403, 'The caller is not a superuser (the rule is not set).', SUPERUSERS_ONLY)]
      : []

  const list: ApiEndpoint = {
    id: 'list',
    title: 'List / search',
    method: 'GET',
    path: records,
    description:
      'A page of records, filtered and sorted. Records the list rule rejects are left out of the page rather than refused.',
    access: accessOf(rule('listRule')),
    params: [
      query('page', 'Integer', ['default 1']),
      query('perPage', 'Integer', ['default 30, at most 1000']),
      query('sort', 'String', [`fields, comma separated; - for descending, e.g. -${sortBy}`]),
      query('filter', 'String', [`filter language, e.g. ${filter}`]),
      ...readParams(c),
      query('skipTotal', 'Boolean', ['skip counting: totalItems and totalPages come back as -1']),
    ],
    response: {
      status: 200,
      when: 'The page of records.',
      body: {
        items: [exampleRecord(c, all, Boolean(rel))],
        page: 1,
        perPage: 20,
        totalItems: 1,
        totalPages: 1,
      },
    },
    errors: [
      error(
        400,
        'The filter or sort cannot be parsed or names an unknown field.',
        'Something went wrong while processing your request.',
      ),
      ...forbidden(rule('listRule')),
    ],
    sdk: [
      `const page = await pb.collection(${name}).getList(1, 20, ${jsObject(
        [['filter', jsValue(filter)], ['sort', jsValue(`-${sortBy}`)], ...expandOpt],
        '',
      )})`,
      '',
      '// every matching record, fetched page after page',
      `const all = await pb.collection(${name}).getFullList({ sort: ${jsValue(`-${sortBy}`)} })`,
      '',
      '// the first match only (a 404 error when there is none)',
      `const first = await pb.collection(${name}).getFirstListItem(${jsValue(filter)})`,
    ].join('\n'),
    curl: `curl -G ${shellQuote(url)}${headerFor(rule('listRule'))} \\\n  --data-urlencode 'page=1' \\\n  --data-urlencode 'perPage=20' \\\n  --data-urlencode ${shellQuote(`filter=${filter}`)} \\\n  --data-urlencode ${shellQuote(`sort=-${sortBy}`)}${rel ? ` \\\n  --data-urlencode ${shellQuote(`expand=${rel.name}`)}` : ''}`,
  }

  const viewOne: ApiEndpoint = {
    id: 'view',
    title: 'View',
    method: 'GET',
    path: `${records}/{id}`,
    description: 'One record by its id.',
    access: accessOf(rule('viewRule')),
    params: [pathId(c), ...readParams(c)],
    response: { status: 200, when: 'The record.', body: exampleRecord(c, all, Boolean(rel)) },
    errors: [
      error(404, 'No such record, or the view rule rejects it.', NOT_FOUND),
      ...forbidden(rule('viewRule')),
    ],
    sdk: `const record = await pb.collection(${name}).getOne('RECORD_ID'${rel ? `, { expand: ${jsValue(rel.name)} }` : ''})`,
    curl: `curl ${shellQuote(`${url}/RECORD_ID${rel ? `?expand=${encodeURIComponent(rel.name)}` : ''}`)}${headerFor(rule('viewRule'))}`,
  }

  const realtime: ApiEndpoint = {
    id: 'realtime',
    title: 'Realtime',
    method: 'GET',
    path: '/api/realtime',
    description: `Server-sent events of record changes. Subscribe to ${c.name}/* for every record (gated by the list rule) or to ${c.name}/RECORD_ID for one (gated by the view rule); the SDK opens the stream and posts the subscriptions to POST /api/realtime for you.`,
    access: accessOf(rule('listRule')),
    params: [
      {
        name: 'subscriptions',
        place: 'body',
        type: 'Array of topics',
        required: true,
        notes: [`e.g. ["${c.name}/*"], sent with the clientId to POST /api/realtime`],
      },
    ],
    response: {
      status: 200,
      when: 'One event per change, named after the topic.',
      body: { action: 'create', record: exampleRecord(c, all) },
    },
    errors: [
      error(
        404,
        'The clientId is unknown (the stream is closed).',
        'Missing or invalid client id.',
      ),
    ],
    sdk: [
      `await pb.collection(${name}).subscribe('*', (e) => {`,
      `  console.log(e.action, e.record) // 'create' | 'update' | 'delete'`,
      `}${rel ? `, { expand: ${jsValue(rel.name)} }` : ''})`,
      '',
      '// one record only',
      `await pb.collection(${name}).subscribe('RECORD_ID', (e) => console.log(e.record))`,
      '',
      '// stop listening',
      `await pb.collection(${name}).unsubscribe()`,
    ].join('\n'),
    curl: `curl -N ${shellQuote(`${base}/api/realtime`)}\n# the first event, PB_CONNECT, carries the clientId; then, from another shell:\ncurl -X POST ${shellQuote(`${base}/api/realtime`)}${headerFor(rule('listRule'))} \\\n  -H 'Content-Type: application/json' \\\n  -d ${shellQuote(JSON.stringify({ clientId: 'CLIENT_ID', subscriptions: [`${c.name}/*`] }))}`,
  }

  if (view) return [list, viewOne, realtime]

  const files = writableFields(c).some((f) => f.type === 'file')
  const bodyKind = files ? 'multipart' : 'json'
  const req = requiredField(c)
  const validation = req
    ? { [req.name]: { code: 'validation_required', message: 'Cannot be blank.' } }
    : {}
  const create: ApiEndpoint = {
    id: 'create',
    title: 'Create',
    method: 'POST',
    path: records,
    description: files
      ? 'A new record. Send JSON, or multipart/form-data to upload files.'
      : 'A new record from a JSON body.',
    access: accessOf(rule('createRule')),
    body: bodyKind,
    params: [...bodyParams(c, all, false), ...readParams(c)],
    response: { status: 200, when: 'The new record.', body: exampleRecord(c, all) },
    errors: [
      error(
        400,
        rule('createRule')
          ? 'A value is invalid, or the create rule rejects the new record.'
          : 'A value is invalid.',
        'Failed to create record.',
        validation,
      ),
      ...forbidden(rule('createRule')),
    ],
    ...writeSnippets(c, all, base, false, rule('createRule')),
  }

  const update: ApiEndpoint = {
    id: 'update',
    title: 'Update',
    method: 'PATCH',
    path: `${records}/{id}`,
    description: 'Changes the fields sent; the others keep their values.',
    access: accessOf(rule('updateRule')),
    body: bodyKind,
    params: [pathId(c), ...bodyParams(c, all, true), ...readParams(c)],
    response: { status: 200, when: 'The updated record.', body: exampleRecord(c, all) },
    errors: [
      error(400, 'A value is invalid.', 'Failed to update record.', validation),
      error(404, 'No such record, or the update rule rejects it.', NOT_FOUND),
      ...forbidden(rule('updateRule')),
    ],
    ...writeSnippets(c, all, base, true, rule('updateRule')),
  }

  const del: ApiEndpoint = {
    id: 'delete',
    title: 'Delete',
    method: 'DELETE',
    path: `${records}/{id}`,
    description: 'Removes a record (and its files).',
    access: accessOf(rule('deleteRule')),
    params: [pathId(c)],
    response: { status: 204, when: 'Deleted; no body.', body: null },
    errors: [
      error(
        400,
        'Another record needs it through a required relation.',
        'Failed to delete record. Make sure that the record is not part of a required relation reference.',
      ),
      error(404, 'No such record, or the delete rule rejects it.', NOT_FOUND),
      ...forbidden(rule('deleteRule')),
    ],
    sdk: `await pb.collection(${name}).delete('RECORD_ID')`,
    curl: `curl -X DELETE ${shellQuote(`${url}/RECORD_ID`)}${headerFor(rule('deleteRule'))}`,
  }
  return [list, viewOne, create, update, del, realtime]
}

/** Who may send a batch: every request passes the rule of its own operation. */
function batchAccess(c: CollectionModel, settings: PreviewSettings): ApiAccess {
  if (settings.batch && (!settings.batch.enabled || settings.batch.maxRequests <= 0))
    return {
      kind: 'off',
      summary:
        'Batch requests are turned off in the application settings (they are off by default).',
    }
  const rules = c as unknown as Rec
  const kinds = ['createRule', 'updateRule', 'deleteRule'].map(
    (k) => accessOf(rules[k] as string | null | undefined).kind,
  )
  const kind = kinds.every((k) => k === kinds[0]) ? kinds[0]! : 'rule'
  const rule = kind === 'rule' ? ' (see Create, Update and Delete)' : ''
  const summary = {
    superusers: 'Superusers only: the create, update and delete rules are not set.',
    public: 'Anyone: the create, update and delete rules are all empty.',
    rule: `Each request must pass the rule of its own operation, as if sent alone${rule}; the caller's token counts for all of them.`,
  }[kind as 'superusers' | 'public' | 'rule']
  return { kind, summary }
}

function batchEndpoint(
  c: CollectionModel,
  all: readonly CollectionModel[],
  base: string,
  settings: PreviewSettings,
): ApiEndpoint {
  const name = jsValue(c.name)
  const records = `/api/collections/${c.name}/records`
  const created = exampleBody(c, all, false).values.map(([f, v]) => [f.name, v] as const)
  const changed = exampleBody(c, all, true).values.map(([f, v]) => [f.name, v] as const)
  const files = writableFields(c).filter((f) => f.type === 'file')
  const max = settings.batch?.maxRequests ?? 50
  const timeout = settings.batch?.timeout ?? 3
  const requests = [
    { method: 'POST', url: records, body: Object.fromEntries(created) },
    { method: 'PATCH', url: `${records}/RECORD_ID`, body: Object.fromEntries(changed) },
    { method: 'PUT', url: records, body: { id: 'OTHER_ID', ...Object.fromEntries(changed) } },
    { method: 'DELETE', url: `${records}/THIRD_ID` },
  ]
  const record = exampleRecord(c, all)
  const entries = (pairs: readonly (readonly [string, unknown])[]) =>
    jsObject(
      pairs.map(([k, v]) => [k, jsValue(v)]),
      '',
    )
  const disabled = settings.batch && !settings.batch.enabled
  return {
    id: 'batch',
    title: 'Batch',
    method: 'POST',
    path: '/api/batch',
    description: `Several creates, updates, upserts and deletes (of ${c.name} and other collections) in one transaction: they all apply, in order, or none does. ${
      settings.batch?.enabled
        ? 'Batch requests are turned on in Settings → Application, which also sets how many requests one batch may hold and its timeout.'
        : `${disabled ? 'Turned off now: b' : 'B'}atch requests must be turned on in Settings → Application, which also sets how many requests one batch may hold and its timeout.`
    }`,
    access: batchAccess(c, settings),
    body: files.length ? 'multipart' : 'json',
    params: [
      {
        name: 'requests',
        place: 'body',
        type: 'Array of {method, url, body, headers}',
        required: true,
        notes: [`at most ${max} requests`, `all of them within ${timeout} s, else none applies`],
      },
      {
        name: 'requests.N.method',
        place: 'body',
        type: 'One of: POST, PATCH, PUT, DELETE',
        required: true,
        notes: [
          `POST ${records}: create`,
          `PATCH ${records}/{id}: update`,
          `PUT ${records}: upsert (update when body.id names an existing record, else create)`,
          `DELETE ${records}/{id}: delete`,
        ],
      },
      {
        name: 'requests.N.url',
        place: 'body',
        type: 'String',
        required: true,
        notes: ['the record path, optionally with ?expand= and ?fields='],
      },
      {
        name: 'requests.N.body',
        place: 'body',
        type: 'Object',
        required: false,
        notes: ['the fields, as for a create or update alone'],
      },
      ...(files.length
        ? [
            {
              name: 'requests.N.FIELD',
              place: 'body' as const,
              type: 'File',
              required: false,
              notes: [
                `uploads for request N's ${files.map((f) => f.name).join(', ')}: multipart/form-data, the JSON in an @jsonPayload part`,
              ],
            },
          ]
        : []),
    ],
    response: {
      status: 200,
      when: 'One result per request, in order.',
      body: [
        { body: record, status: 200 },
        { body: record, status: 200 },
        { body: record, status: 200 },
        { body: null, status: 204 },
      ],
    },
    errors: [
      error(
        400,
        'A request failed (its index, status and errors are given); nothing was applied.',
        'Batch transaction failed.',
        {
          requests: {
            '1': {
              code: 'batch_request_failed',
              message: 'Batch request failed.',
              response: { data: {}, message: NOT_FOUND, status: 404 },
            },
          },
        },
      ),
      error(
        400,
        `No requests, more than ${max}, or one that is not a record create, update, upsert or delete.`,
        'Invalid batch request data.',
      ),
      error(
        403,
        'Batch requests are turned off in the settings.',
        'Batch requests are not allowed.',
      ),
    ],
    sdk: [
      'const batch = pb.createBatch()',
      `batch.collection(${name}).create(${entries(created)})`,
      `batch.collection(${name}).update('RECORD_ID', ${entries(changed)})`,
      `batch.collection(${name}).upsert(${entries([['id', 'OTHER_ID'], ...changed])})`,
      `batch.collection(${name}).delete('THIRD_ID')`,
      '// one transaction: every request applies, or none',
      'const results = await batch.send() // [{ status, body }, …] in order',
    ].join('\n'),
    curl: `curl -X POST ${shellQuote(`${base}/api/batch`)}${AUTH_HEADER} \\\n  -H 'Content-Type: application/json' \\\n  -d ${shellQuote(JSON.stringify({ requests }))}`,
  }
}

/** The file URL endpoint, and the file token one when a file field is protected. */
function fileEndpoints(c: CollectionModel, base: string): ApiEndpoint[] {
  const files = visibleFields(c).filter((f) => f.type === 'file')
  if (files.length === 0) return []
  const locked = files.filter((f) => f.protected)
  const open = files.filter((f) => !f.protected)
  const names = (fs: Field[]) => fs.map((f) => f.name).join(', ')
  const first = locked[0] ?? files[0]!
  const sample = exampleValue(c, first, [])
  const filename = Array.isArray(sample) ? String(sample[0]) : String(sample)
  const thumbs = [...new Set(['100x100', ...files.flatMap((f) => (f.thumbs as string[]) ?? [])])]
  const viewRule = ((c as unknown as Rec).viewRule as string | null | undefined) ?? null
  const access: ApiAccess = (() => {
    if (locked.length === 0)
      return {
        kind: 'public',
        summary:
          'Anyone with the URL: files that are not protected are served without a rule check.',
      }
    const prefix = `Protected (${names(locked)}): a file token of a caller`
    const rest = open.length
      ? ` The others (${names(open)}) are served to anyone with the URL.`
      : ''
    if (viewRule === null)
      return {
        kind: 'superusers',
        summary: `${prefix} that is a superuser (the view rule is not set).${rest}`,
      }
    if (viewRule.trim() === '')
      return {
        kind: 'public',
        summary: `Anyone with the URL: the view rule is empty, so even the protected ${names(locked)} need${locked.length > 1 ? '' : 's'} no file token.`,
      }
    return {
      kind: 'rule',
      summary: `${prefix} the view rule lets through (@request.context is "protectedFile").${rest}`,
      rule: viewRule,
    }
  })()
  const url = `${base}/api/files/${encodeURIComponent(c.name)}/RECORD_ID/${filename}`
  const fileUrl: ApiEndpoint = {
    id: 'file',
    title: 'File URL',
    method: 'GET',
    path: `/api/files/${c.name}/{id}/{filename}`,
    description: `Serves a file of a record: the record's ${names(files)} ${files.length > 1 ? 'fields hold' : 'field holds'} the file names. Uploads, replacements and deletes go through Create and Update.`,
    access,
    params: [
      pathId(c),
      {
        name: 'filename',
        place: 'path',
        type: 'String',
        required: true,
        notes: [`a file name the record's ${names(files)} holds, e.g. ${filename}`],
      },
      query('thumb', 'String (WxH)', [
        `a thumbnail of an image (png, jpg, gif, webp): ${thumbs.join(', ')}`,
        'WxH crops to fill, WxHt from the top, WxHb from the bottom, WxHf fits inside, 0xH or Wx0 keep the ratio',
        'other sizes, or files that are not images, get the original',
      ]),
      query(
        'token',
        'String',
        locked.length === 0
          ? ['a file token (only protected files need one; none here)']
          : viewRule?.trim() === ''
            ? [
                `a file token from POST /api/files/token; ${names(locked)} need none while the view rule is empty`,
              ]
            : [`a file token from POST /api/files/token; needed for ${names(locked)}`],
      ),
      query('download', 'Boolean', [
        '1 or true: sent as an attachment to save instead of shown in the browser',
      ]),
    ],
    response: {
      status: 200,
      when: 'The file itself with its content type: images, audio, video and PDF inline, other files as attachments.',
      body: null,
    },
    errors: [
      error(
        404,
        locked.length
          ? 'No such record or file, or a protected file without a valid file token the view rule accepts.'
          : 'No such record or file.',
        NOT_FOUND,
      ),
    ],
    sdk: [
      `const record = await pb.collection(${jsValue(c.name)}).getOne('RECORD_ID')`,
      `const url = pb.files.getURL(record, record.${first.name}${multi(first) ? '[0]' : ''}, { thumb: '100x100' })`,
      ...(locked.length
        ? [
            '',
            `// ${names(locked)} ${locked.length > 1 ? 'are' : 'is'} protected: add a short-lived file token`,
            'const token = await pb.files.getToken()',
            `const privateUrl = pb.files.getURL(record, record.${first.name}${multi(first) ? '[0]' : ''}, { token })`,
          ]
        : []),
      '',
      '// the same file as a download',
      `const download = pb.files.getURL(record, record.${first.name}${multi(first) ? '[0]' : ''}, { download: true })`,
    ].join('\n'),
    curl: locked.length
      ? `curl -X POST ${shellQuote(`${base}/api/files/token`)}${AUTH_HEADER}\n# answers {"token": "…"}: then\ncurl -o ${shellQuote(filename)} ${shellQuote(`${url}?token=FILE_TOKEN`)}`
      : `curl -o ${shellQuote(`thumb_${filename}`)} ${shellQuote(`${url}?thumb=100x100`)}`,
  }
  if (locked.length === 0) return [fileUrl]
  const token: ApiEndpoint = {
    id: 'file-token',
    title: 'File token',
    method: 'POST',
    path: '/api/files/token',
    description: `A short-lived token for protected files (here ${names(locked)}), passed as ?token= in the file URL; the Authorization header is not read there, so <img> and <a> links work. It lasts as long as the signed-in collection's file token duration (3 minutes by default).`,
    access: {
      kind: 'auth',
      summary: 'A signed-in record of any auth collection, or a superuser (their token).',
    },
    params: [
      {
        name: 'Authorization',
        place: 'header',
        type: 'String (the token)',
        required: true,
        notes: [],
      },
    ],
    response: { status: 200, when: 'The file token.', body: { token: 'JWT…' } },
    errors: [
      error(401, 'Not signed in.', 'The request requires valid record authorization token.'),
    ],
    sdk: 'const token = await pb.files.getToken()',
    curl: `curl -X POST ${shellQuote(`${base}/api/files/token`)}${AUTH_HEADER}`,
  }
  return [fileUrl, token]
}

interface AuthOptions {
  passwordAuth?: { enabled?: boolean; identityFields?: string[] }
  otp?: { enabled?: boolean; duration?: number }
  mfa?: { enabled?: boolean; duration?: number }
  oauth2?: {
    enabled?: boolean
    providers?: { name: string; displayName?: string; pkce?: boolean | null }[]
  }
  authRule?: string | null
}

function authEndpoints(
  c: CollectionModel,
  all: readonly CollectionModel[],
  base: string,
): ApiEndpoint[] {
  const o = c as unknown as AuthOptions
  const name = jsValue(c.name)
  const root = `/api/collections/${c.name}`
  const url = `${base}/api/collections/${encodeURIComponent(c.name)}`
  const authRule = o.authRule ?? null
  const signIn = (enabled: boolean | undefined, what: string): ApiAccess => {
    if (!enabled)
      return { kind: 'off', summary: `${what} is turned off in this collection's options.` }
    if (authRule === null)
      return {
        kind: 'superusers',
        summary: 'Nobody may sign in: the authentication rule is not set.',
      }
    if (authRule.trim() === '') return { kind: 'public', summary: 'Anyone with an account.' }
    return {
      kind: 'rule',
      summary: 'Accounts that satisfy the authentication rule:',
      rule: authRule,
    }
  }
  const anyone: ApiAccess = { kind: 'public', summary: 'Anyone, signed in or not.' }
  const signedIn: ApiAccess = { kind: 'auth', summary: `A signed-in ${c.name} record (its token).` }
  const authBody = {
    record: { ...exampleRecord(c, all), email: 'someone@example.com' },
    token: 'JWT…',
  }
  const body = (place: ParamPlace, pairs: [string, string, string[]?][]): ApiParam[] =>
    pairs.map(([n, type, notes]) => ({ name: n, place, type, required: true, notes: notes ?? [] }))
  const json = (path: string, data: Rec, header = false) =>
    `curl -X POST ${shellQuote(`${url}${path}`)}${header ? AUTH_HEADER : ''} \\\n  -H 'Content-Type: application/json' \\\n  -d ${shellQuote(JSON.stringify(data))}`
  const noContent: ApiResponse = { status: 204, when: 'Done; no body.', body: null }
  const badEmail = error(
    400,
    'The email is missing or not an email address.',
    'An error occurred while validating the submitted data.',
    {
      email: { code: 'validation_is_email', message: 'Must be a valid email address.' },
    },
  )
  const turnedOff = (enabled: boolean | undefined, what: string) =>
    enabled
      ? []
      : [
          error(
            403,
            'Turned off in the options.',
            `The collection is not configured to allow ${what} authentication.`,
          ),
        ]
  const mfa = o.mfa?.enabled
    ? [
        {
          status: 401,
          when: 'MFA is on: a second method must follow, passing this mfaId.',
          body: { mfaId: sampleId(`${c.name}.mfa`) },
        },
      ]
    : []
  const ruleRejects = authRule
    ? [
        error(
          403,
          'The authentication rule rejects the account.',
          "The request doesn't satisfy the collection requirements to authenticate.",
        ),
      ]
    : []
  const identities = o.passwordAuth?.identityFields ?? ['email']
  const provider = o.oauth2?.providers?.[0]?.name ?? 'google'

  const providers = o.oauth2?.enabled ? (o.oauth2.providers ?? []) : []
  const methods: ApiEndpoint = {
    id: 'auth-methods',
    title: 'List sign-in methods',
    method: 'GET',
    path: `${root}/auth-methods`,
    description:
      'What a sign-in form needs: which methods are on, the identity fields, and for OAuth2 each provider with its authorization URL and PKCE codes for the redirect flow.',
    access: anyone,
    params: [query('fields', 'String', ['the SDK asks for mfa,otp,password,oauth2'])],
    response: {
      status: 200,
      when: 'The methods, from the collection’s options (a method turned off has duration 0).',
      body: {
        mfa: {
          duration: o.mfa?.enabled ? (o.mfa.duration ?? 0) : 0,
          enabled: Boolean(o.mfa?.enabled),
        },
        oauth2: {
          enabled: Boolean(o.oauth2?.enabled),
          providers: providers.map((p) => ({
            authURL: `https://${p.name}.example/authorize?client_id=…&state=…&redirect_uri=`,
            codeChallenge: p.pkce === false ? '' : 'base64url SHA-256 of codeVerifier',
            codeChallengeMethod: p.pkce === false ? '' : 'S256',
            codeVerifier: p.pkce === false ? '' : '43 random characters',
            displayName: p.displayName || p.name,
            name: p.name,
            state: '30 random characters',
          })),
        },
        otp: {
          duration: o.otp?.enabled ? (o.otp.duration ?? 0) : 0,
          enabled: Boolean(o.otp?.enabled),
        },
        password: {
          enabled: Boolean(o.passwordAuth?.enabled),
          identityFields: o.passwordAuth?.enabled ? identities : [],
        },
      },
    },
    errors: [],
    sdk: `const methods = await pb.collection(${name}).listAuthMethods()\nif (methods.password.enabled) {\n  // show the identity (${identities.join(' or ')}) and password fields\n}`,
    curl: `curl ${shellQuote(`${url}/auth-methods`)}`,
  }

  return [
    methods,
    {
      id: 'auth-with-password',
      title: 'Sign in with password',
      method: 'POST',
      path: `${root}/auth-with-password`,
      description: `Exchanges an identity (${identities.join(' or ')}) and password for a token.`,
      access: signIn(o.passwordAuth?.enabled, 'Password sign-in'),
      body: 'json',
      params: [
        ...body('body', [
          ['identity', 'String', [`the ${identities.join(' or ')}`]],
          ['password', 'String'],
        ]),
        {
          name: 'identityField',
          place: 'body',
          type: `One of: ${identities.join(', ')}`,
          required: false,
          notes: ['look the identity up in this field only'],
        },
        ...readParams(c),
      ],
      response: { status: 200, when: 'The token and the signed-in record.', body: authBody },
      errors: [
        error(400, 'Wrong identity or password.', 'Failed to authenticate.'),
        ...mfa,
        ...turnedOff(o.passwordAuth?.enabled, 'password'),
        ...ruleRejects,
      ],
      sdk: `const { token, record } = await pb.collection(${name}).authWithPassword(\n  'someone@example.com',\n  'a-long-secret-1234',\n)\n// the SDK keeps them in pb.authStore and sends the token from now on`,
      curl: json('/auth-with-password', {
        identity: 'someone@example.com',
        password: 'a-long-secret-1234',
      }),
    },
    {
      id: 'otp',
      title: 'Sign in with a one-time code',
      method: 'POST',
      path: `${root}/request-otp`,
      description: `Two steps: request-otp emails a code and answers its otpId; POST ${root}/auth-with-otp with otpId and the code answers a token.`,
      access: signIn(o.otp?.enabled, 'One-time code sign-in'),
      body: 'json',
      params: body('body', [
        ['email', 'String (email address)', ['request-otp']],
        ['otpId', 'String', ['auth-with-otp: from the first answer']],
        ['password', 'String', ['auth-with-otp: the code from the email']],
      ]),
      response: {
        status: 200,
        when: 'request-otp answers the otpId (also for unknown emails).',
        body: { otpId: sampleId(`${c.name}.otp`) },
      },
      errors: [
        error(400, 'auth-with-otp: the code is wrong or expired.', 'Invalid or expired OTP.'),
        ...turnedOff(o.otp?.enabled, 'OTP'),
      ],
      sdk: `const { otpId } = await pb.collection(${name}).requestOTP('someone@example.com')\n// …then, with the code from the email:\nconst { token, record } = await pb.collection(${name}).authWithOTP(otpId, 'CODE')`,
      curl: `${json('/request-otp', { email: 'someone@example.com' })}\n\n${json('/auth-with-otp', { otpId: 'OTP_ID', password: 'CODE' })}`,
    },
    {
      id: 'oauth2',
      title: 'Sign in with OAuth2',
      method: 'POST',
      path: `${root}/auth-with-oauth2`,
      description: `Signs in (or signs up) with a provider. GET ${root}/auth-methods lists the configured providers with their authURL and PKCE codes; the SDK runs the whole redirect flow in a popup.`,
      access: signIn(o.oauth2?.enabled, 'OAuth2 sign-in'),
      body: 'json',
      params: [
        ...body('body', [
          [
            'provider',
            `String${o.oauth2?.providers?.length ? ` (${o.oauth2.providers.map((p) => p.name).join(', ')})` : ''}`,
          ],
          ['code', 'String', ['from the provider redirect']],
          ['codeVerifier', 'String', ['from auth-methods']],
          ['redirectURL', 'String (URL)', ['the one the code was issued for']],
        ]),
        {
          name: 'createData',
          place: 'body',
          type: 'Object',
          required: false,
          notes: ['fields of a record created on first sign-in'],
        },
      ],
      response: {
        status: 200,
        when: 'The token, the record and what the provider said (meta).',
        body: {
          meta: {
            avatarURL: '',
            email: 'someone@example.com',
            id: '1234567',
            isNew: false,
            name: 'Someone',
            username: 'someone',
          },
          ...authBody,
        },
      },
      errors: [
        error(400, 'The code exchange with the provider failed.', 'Failed to authenticate.'),
        ...mfa,
        ...turnedOff(o.oauth2?.enabled, 'OAuth2'),
      ],
      sdk: `const { token, record, meta } = await pb.collection(${name}).authWithOAuth2({ provider: ${jsValue(provider)} })`,
      curl: json('/auth-with-oauth2', {
        provider,
        code: 'CODE',
        codeVerifier: 'VERIFIER',
        redirectURL: `${base}/api/oauth2-redirect`,
      }),
    },
    {
      id: 'auth-refresh',
      title: 'Refresh the token',
      method: 'POST',
      path: `${root}/auth-refresh`,
      description: 'A fresh token for the signed-in record, and the record as it is now.',
      access: signedIn,
      params: [
        {
          name: 'Authorization',
          place: 'header',
          type: 'String (the token)',
          required: true,
          notes: [],
        },
        ...readParams(c),
      ],
      response: { status: 200, when: 'The new token and the record.', body: authBody },
      errors: [
        error(
          401,
          'No valid token of this collection.',
          'The request requires valid record authorization token.',
        ),
      ],
      sdk: `const { token, record } = await pb.collection(${name}).authRefresh()`,
      curl: `curl -X POST ${shellQuote(`${url}/auth-refresh`)}${AUTH_HEADER}`,
    },
    {
      id: 'verification',
      title: 'Email verification',
      method: 'POST',
      path: `${root}/request-verification`,
      description: `Emails a verification link; POST ${root}/confirm-verification with its token marks the record verified. Answers 204 whether the email is known or not.`,
      access: anyone,
      body: 'json',
      params: body('body', [
        ['email', 'String (email address)', ['request-verification']],
        ['token', 'String', ['confirm-verification: from the email']],
      ]),
      response: noContent,
      errors: [badEmail],
      sdk: `await pb.collection(${name}).requestVerification('someone@example.com')\n// …then, with the token from the link:\nawait pb.collection(${name}).confirmVerification('TOKEN')`,
      curl: `${json('/request-verification', { email: 'someone@example.com' })}\n\n${json('/confirm-verification', { token: 'TOKEN' })}`,
    },
    {
      id: 'password-reset',
      title: 'Password reset',
      method: 'POST',
      path: `${root}/request-password-reset`,
      description: `Emails a reset link; POST ${root}/confirm-password-reset with its token and the new password sets it. Answers 204 whether the email is known or not.`,
      access: o.passwordAuth?.enabled
        ? anyone
        : { kind: 'off', summary: "Password sign-in is turned off in this collection's options." },
      body: 'json',
      params: body('body', [
        ['email', 'String (email address)', ['request-password-reset']],
        ['token', 'String', ['confirm-password-reset: from the email']],
        ['password', 'String', ['confirm-password-reset']],
        ['passwordConfirm', 'String', ['confirm-password-reset: the same again']],
      ]),
      response: noContent,
      errors: [badEmail],
      sdk: `await pb.collection(${name}).requestPasswordReset('someone@example.com')\n// …then, with the token from the link:\nawait pb.collection(${name}).confirmPasswordReset('TOKEN', 'new-secret-5678', 'new-secret-5678')`,
      curl: `${json('/request-password-reset', { email: 'someone@example.com' })}\n\n${json('/confirm-password-reset', { token: 'TOKEN', password: 'new-secret-5678', passwordConfirm: 'new-secret-5678' })}`,
    },
    {
      id: 'email-change',
      title: 'Email change',
      method: 'POST',
      path: `${root}/request-email-change`,
      description: `The signed-in record asks to move to a new address, which gets a confirmation link; POST ${root}/confirm-email-change with its token and the current password makes the change.`,
      access: signedIn,
      body: 'json',
      params: body('body', [
        [
          'newEmail',
          'String (email address)',
          ['request-email-change; needs the Authorization header'],
        ],
        ['token', 'String', ['confirm-email-change: from the email']],
        ['password', 'String', ['confirm-email-change: the current password']],
      ]),
      response: noContent,
      errors: [
        error(
          401,
          'request-email-change without a valid token.',
          'The request requires valid record authorization token.',
        ),
        error(
          400,
          'The new email is invalid or taken.',
          'An error occurred while validating the submitted data.',
          {
            newEmail: {
              code: 'validation_invalid_new_email',
              message: 'Invalid new email address.',
            },
          },
        ),
      ],
      sdk: `await pb.collection(${name}).requestEmailChange('new@example.com')\n// …then, with the token from the link:\nawait pb.collection(${name}).confirmEmailChange('TOKEN', 'a-long-secret-1234')`,
      curl: `${json('/request-email-change', { newEmail: 'new@example.com' }, true)}\n\n${json('/confirm-email-change', { token: 'TOKEN', password: 'a-long-secret-1234' })}`,
    },
    {
      id: 'impersonate',
      title: 'Impersonate',
      method: 'POST',
      path: `${root}/impersonate/{id}`,
      description:
        'A token of any record of this collection that cannot be refreshed (for scripts and API keys).',
      access: { kind: 'superusers', summary: 'Superusers only.' },
      body: 'json',
      params: [
        pathId(c),
        {
          name: 'duration',
          place: 'body',
          type: 'Integer (seconds)',
          required: false,
          notes: ['0 or left out: the collection’s token duration'],
        },
      ],
      response: { status: 200, when: 'The token and the record.', body: authBody },
      errors: [
        error(
          403,
          'The caller is not a superuser.',
          'The authorized record is not allowed to perform this action.',
        ),
        error(404, 'No such record.', NOT_FOUND),
      ],
      sdk: `// signed in as a superuser; returns a new client signed in as the record\nconst client = await pb.collection(${name}).impersonate('RECORD_ID', 3600)`,
      curl: json('/impersonate/RECORD_ID', { duration: 3600 }, true),
    },
  ]
}

/** What the preview knows of the server's settings; a part left out is not known. */
export interface PreviewSettings {
  /** `settings.batch` (PocketBase turns batch requests off by default). */
  readonly batch?: {
    readonly enabled: boolean
    readonly maxRequests: number
    readonly timeout: number
  }
}

/**
 * Every endpoint of collection `c` (records CRUD, batch and realtime; views only list, view and
 * realtime; the file URL, and the file token when a file field is protected, for collections
 * with file fields; auth collections add sign-in, refresh, verification, password reset, email
 * change and impersonate), generated from its fields, rules and options. `all` resolves relation
 * targets; `base` is the server's URL for the curl snippets; `settings` says whether batch
 * requests are turned on.
 */
export function apiEndpoints(
  c: CollectionModel,
  all: readonly CollectionModel[],
  base: string,
  settings: PreviewSettings = {},
): ApiEndpoint[] {
  const records = recordEndpoints(c, all, base)
  const realtime = records.pop()!
  const out = [...records]
  if (c.type !== 'view') out.push(batchEndpoint(c, all, base, settings))
  out.push(realtime, ...fileEndpoints(c, base))
  return isAuth(c) ? [...out, ...authEndpoints(c, all, base)] : out
}

/** The SDK setup the snippets assume. */
export function sdkSetup(base: string): string {
  return `import PocketBase from 'pocketbase'\n\nconst pb = new PocketBase(${jsValue(base)})`
}
