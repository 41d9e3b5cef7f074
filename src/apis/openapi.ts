import type { Context, Hono } from 'hono'
import type { Collection } from '../core/collection-model.ts'
import { type Env, requireSuperuserAuth } from './middlewares.ts'
import { jsonResponse } from './record-helpers.ts'

/** A field as its collection's API JSON describes it. */
interface FieldInfo {
  readonly name: string
  readonly type: string
  readonly required?: boolean
  readonly hidden?: boolean
  readonly maxSelect?: number
  readonly values?: readonly string[]
  readonly collectionId?: string
  readonly onlyInt?: boolean
}

type Schema = { [key: string]: unknown }

/**
 * Binds `GET /api/openapi.json` (Satchel's own; PocketBase declined it): an OpenAPI 3.1
 * document of every collection's records API — list, view, create, update, delete (views: list
 * and view), their query parameters (`page`, `perPage`, `sort`, `filter`, `expand`, `fields`,
 * `skipTotal`), the record, create and update body schemas from the fields, and who may call
 * each operation (the API rule in `x-satchel-rule`: null means superusers only, "" everyone).
 * Superusers only, like the collections API it describes.
 */
export function bindOpenApiApi(api: Hono<Env>): void {
  api.get('/openapi.json', (c: Context<Env>) => {
    requireSuperuserAuth(c)
    const origin = new URL(c.req.url).origin
    return jsonResponse(c, openApiDocument(c.get('app').collections(), origin))
  })
}

/** The OpenAPI 3.1 document of the records API of `collections` served at `origin`. */
export function openApiDocument(collections: readonly Collection[], origin: string): Schema {
  const names = new Map<string, string>()
  for (const c of collections) names.set(c.id, c.name)
  const schemas: Schema = {
    Error: {
      type: 'object',
      required: ['status', 'message', 'data'],
      properties: {
        status: { type: 'integer' },
        message: { type: 'string' },
        data: { type: 'object' },
      },
    },
  }
  const paths: Schema = {}
  for (const c of collections) {
    const fields = (c.toJSON().fields as FieldInfo[]).filter(
      (f) => !(c.isAuth && (f.name === 'password' || f.name === 'tokenKey')),
    )
    schemas[`${c.name}.Record`] = recordSchema(c, fields, names)
    const base = `/api/collections/${encodeURIComponent(c.name)}/records`
    const ref = (kind: string) => ({ $ref: `#/components/schemas/${refName(`${c.name}.${kind}`)}` })
    const tag = [c.name]
    const ok = (schema: Schema, description: string) => ({
      '200': { description, content: { 'application/json': { schema } } },
      ...ERRORS,
    })
    const list = {
      type: 'object',
      required: ['page', 'perPage', 'totalItems', 'totalPages', 'items'],
      properties: {
        page: { type: 'integer' },
        perPage: { type: 'integer' },
        totalItems: { type: 'integer', description: '-1 with skipTotal' },
        totalPages: { type: 'integer', description: '-1 with skipTotal' },
        items: { type: 'array', items: ref('Record') },
      },
    }
    const item: Schema = {
      get: op(
        c,
        'viewRule',
        tag,
        `View a ${c.name} record`,
        [ID, ...VIEW_PARAMS],
        ok(ref('Record'), 'The record'),
      ),
    }
    paths[base] = {
      get: op(
        c,
        'listRule',
        tag,
        `List ${c.name} records`,
        LIST_PARAMS,
        ok(list, 'A page of records'),
      ),
    }
    if (!c.isView) {
      const writable = fields.filter((f) => f.type !== 'autodate')
      schemas[`${c.name}.Create`] = inputSchema(c, writable, true)
      schemas[`${c.name}.Update`] = inputSchema(c, writable, false)
      const body = (kind: string) => ({
        required: kind === 'Create',
        content: {
          'application/json': { schema: ref(kind) },
          'multipart/form-data': { schema: ref(kind) },
        },
      })
      ;(paths[base] as Schema).post = {
        ...op(
          c,
          'createRule',
          tag,
          `Create a ${c.name} record`,
          VIEW_PARAMS,
          ok(ref('Record'), 'The created record'),
        ),
        requestBody: body('Create'),
      }
      item.patch = {
        ...op(
          c,
          'updateRule',
          tag,
          `Update a ${c.name} record`,
          [ID, ...VIEW_PARAMS],
          ok(ref('Record'), 'The updated record'),
        ),
        requestBody: body('Update'),
      }
      item.delete = op(c, 'deleteRule', tag, `Delete a ${c.name} record`, [ID], {
        '204': { description: 'Deleted' },
        ...ERRORS,
      })
    }
    paths[`${base}/{id}`] = item
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Satchel records API',
      version: '1',
      description:
        'The PocketBase-compatible records API of every collection. Send a record auth token in the Authorization header.',
    },
    servers: [{ url: origin }],
    components: {
      securitySchemes: { authToken: { type: 'apiKey', in: 'header', name: 'Authorization' } },
      schemas: Object.fromEntries(Object.entries(schemas).map(([k, v]) => [refName(k), v])),
    },
    paths,
  }
}

/** A component name OpenAPI accepts (`^[a-zA-Z0-9._-]+$`). */
function refName(name: string): string {
  return name.replace(/[^\w.-]/g, '_')
}

const ERRORS = Object.fromEntries(
  ['400', '401', '403', '404'].map((s) => [
    s,
    {
      description: 'An API error',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    },
  ]),
)

const query = (name: string, description: string, schema: Schema = { type: 'string' }) => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
})
const ID = { name: 'id', in: 'path', required: true, schema: { type: 'string' } }
const VIEW_PARAMS = [
  query('expand', 'Relations to expand, e.g. `author,tags.owner`'),
  query('fields', 'The fields to return, e.g. `id,title,expand.author.name`'),
]
const LIST_PARAMS = [
  query('page', 'The page (from 1)', { type: 'integer', minimum: 1, default: 1 }),
  query('perPage', 'Records per page', { type: 'integer', minimum: 1, maximum: 1000, default: 30 }),
  query('sort', 'e.g. `-created,title`; `@random` for a random order'),
  query('filter', "A filter expression, e.g. `title ~ 'abc' && created > '2024-01-01'`"),
  query('skipTotal', 'Skip the count (totalItems and totalPages are then -1)', { type: 'boolean' }),
  ...VIEW_PARAMS,
]

/** One operation and who may call it, from the collection's rule. */
function op(
  c: Collection,
  rule: 'listRule' | 'viewRule' | 'createRule' | 'updateRule' | 'deleteRule',
  tags: string[],
  summary: string,
  parameters: unknown[],
  responses: Schema,
): Schema {
  const value = c[rule]
  const who =
    value === null
      ? 'Superusers only.'
      : value === ''
        ? 'Anyone (superusers always).'
        : `Requests for which the rule holds (superusers always): ${value}`
  return {
    tags,
    summary,
    description: who,
    'x-satchel-rule': value,
    security: value === '' ? [{}, { authToken: [] }] : [{ authToken: [] }],
    parameters,
    responses,
  }
}

function single(f: FieldInfo): boolean {
  return (f.maxSelect ?? 1) <= 1
}

/** The JSON schema of a field's value as the API returns it. */
function valueSchema(f: FieldInfo, names: ReadonlyMap<string, string>): Schema {
  const many = (items: Schema): Schema => (single(f) ? items : { type: 'array', items })
  switch (f.type) {
    case 'number':
      return { type: f.onlyInt ? 'integer' : 'number' }
    case 'bool':
      return { type: 'boolean' }
    case 'date':
    case 'autodate':
      return { type: 'string', description: 'e.g. `2024-01-02 03:04:05.678Z`, or ""' }
    case 'json':
      return {}
    case 'geoPoint':
      return {
        type: 'object',
        required: ['lon', 'lat'],
        properties: { lon: { type: 'number' }, lat: { type: 'number' } },
      }
    case 'select':
      return many({
        type: 'string',
        enum: single(f) ? [...(f.values ?? []), ''] : (f.values ?? []),
      })
    case 'relation':
      return many({
        type: 'string',
        description: `The id of a ${names.get(f.collectionId ?? '') ?? 'related'} record`,
      })
    case 'file':
      return many({ type: 'string', description: 'A stored file name' })
    case 'email':
      return { type: 'string', description: 'An email address, or ""' }
    case 'url':
      return { type: 'string', description: 'A URL, or ""' }
    default:
      return { type: 'string' }
  }
}

function recordSchema(
  c: Collection,
  fields: readonly FieldInfo[],
  names: ReadonlyMap<string, string>,
): Schema {
  const properties: Schema = {
    collectionId: { const: c.id },
    collectionName: { const: c.name },
  }
  const required = ['collectionId', 'collectionName']
  for (const f of fields) {
    properties[f.name] = valueSchema(f, names)
    if (!f.hidden && !(c.isAuth && f.name === 'email')) required.push(f.name)
  }
  const expand: Schema = {}
  for (const f of fields.filter((x) => x.type === 'relation')) {
    const target = names.get(f.collectionId ?? '')
    const rec: Schema =
      target === undefined ? {} : { $ref: `#/components/schemas/${refName(`${target}.Record`)}` }
    expand[f.name] = single(f) ? rec : { type: 'array', items: rec }
  }
  properties.expand = { type: 'object', properties: expand }
  return { type: 'object', required, properties }
}

function inputSchema(c: Collection, fields: readonly FieldInfo[], create: boolean): Schema {
  const properties: Schema = {}
  const required: string[] = []
  for (const f of fields) {
    if (c.isAuth && f.name === 'tokenKey') continue
    if (!create && f.name === 'id') continue
    properties[f.name] =
      f.type === 'file'
        ? single(f)
          ? { type: 'string', format: 'binary' }
          : { type: 'array', items: { type: 'string', format: 'binary' } }
        : valueSchema(f, new Map())
    if (create && f.required && f.name !== 'id') required.push(f.name)
  }
  if (c.isAuth) {
    properties.passwordConfirm = { type: 'string' }
    if (create) required.push('passwordConfirm')
    else properties.oldPassword = { type: 'string' }
  }
  return { type: 'object', required, properties }
}
