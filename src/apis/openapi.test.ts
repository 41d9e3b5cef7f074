import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { TestApp } from '../tests/test-app.ts'

// GET /api/openapi.json: the records API of every collection, superusers only.

let app: TestApp
let token: string
beforeEach(async () => {
  app = await TestApp.create()
  token = (await app.createSuperuser()).token
  const res = await app.request('POST', '/api/collections', {
    headers: { authorization: token },
    body: {
      name: 'posts',
      listRule: '',
      viewRule: 'author = @request.auth.id',
      fields: [
        { name: 'title', type: 'text', required: true },
        { name: 'status', type: 'select', values: ['draft', 'live'], maxSelect: 1 },
        { name: 'author', type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 1 },
        { name: 'photos', type: 'file', maxSelect: 3 },
        { name: 'views', type: 'number', onlyInt: true },
        { name: 'note', type: 'text', hidden: true },
      ],
    },
  })
  expect(res.status).toBe(200)
  const view = await app.request('POST', '/api/collections', {
    headers: { authorization: token },
    body: { name: 'titles', type: 'view', viewQuery: 'SELECT id, title FROM posts' },
  })
  expect(view.status).toBe(200)
})
afterEach(async () => {
  await app.cleanup()
})

type Doc = {
  paths: { [path: string]: { [method: string]: { [k: string]: unknown } } }
  components: { schemas: { [name: string]: { [k: string]: unknown } } }
}

/** Every `$ref` in `v`. */
function refs(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) for (const x of v) refs(x, out)
  else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string') out.push(x)
      else refs(x, out)
    }
  }
  return out
}

describe('GET /api/openapi.json', () => {
  test('guests get 401', async () => {
    expect((await app.request('GET', '/api/openapi.json')).status).toBe(401)
  })

  test('describes each collection’s operations, parameters, rules and schemas', async () => {
    const res = await app.request('GET', '/api/openapi.json', { headers: { authorization: token } })
    expect(res.status).toBe(200)
    const doc = (await res.json()) as Doc
    const posts = doc.paths['/api/collections/posts/records']!
    expect(Object.keys(posts).sort()).toEqual(['get', 'post'])
    expect(Object.keys(doc.paths['/api/collections/posts/records/{id}']!).sort()).toEqual([
      'delete',
      'get',
      'patch',
    ])
    // a view collection is read-only
    expect(Object.keys(doc.paths['/api/collections/titles/records']!)).toEqual(['get'])
    expect(Object.keys(doc.paths['/api/collections/titles/records/{id}']!)).toEqual(['get'])
    // rules: "" is public, an expression is quoted, null is superusers only
    expect(posts.get!['x-satchel-rule']).toBe('')
    expect(doc.paths['/api/collections/posts/records/{id}']!.get!['x-satchel-rule']).toBe(
      'author = @request.auth.id',
    )
    expect(posts.post!.description).toBe('Superusers only.')
    const params = (posts.get!.parameters as { name: string }[]).map((p) => p.name)
    expect(params).toEqual(['page', 'perPage', 'sort', 'filter', 'skipTotal', 'expand', 'fields'])
    const record = doc.components.schemas['posts.Record']! as {
      required: string[]
      properties: { [k: string]: unknown }
    }
    expect(record.properties.status).toEqual({ type: 'string', enum: ['draft', 'live', ''] })
    expect(record.properties.views).toEqual({ type: 'integer' })
    expect(record.properties.photos).toMatchObject({ type: 'array', items: { type: 'string' } })
    expect(record.required).not.toContain('note')
    expect(record.properties.expand).toEqual({
      type: 'object',
      properties: { author: { $ref: '#/components/schemas/users.Record' } },
    })
    const create = doc.components.schemas['posts.Create']! as { required: string[] }
    expect(create.required).toEqual(['title'])
    // every reference resolves
    for (const r of refs(doc)) {
      expect(doc.components.schemas[r.replace('#/components/schemas/', '')], r).toBeDefined()
    }
  })

  test('the Record schema has the keys a record really has', async () => {
    const created = await app.request('POST', '/api/collections/posts/records', {
      headers: { authorization: token },
      body: { title: 'x' },
    })
    const rec = (await created.json()) as { [k: string]: unknown }
    const doc = (await (
      await app.request('GET', '/api/openapi.json', { headers: { authorization: token } })
    ).json()) as Doc
    const schema = doc.components.schemas['posts.Record']! as { properties: object }
    const keys = Object.keys(schema.properties).filter((k) => k !== 'expand')
    expect(Object.keys(rec).sort()).toEqual(keys.sort())
  })
})
