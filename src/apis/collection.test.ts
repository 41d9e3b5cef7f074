import { describe, expect } from 'vitest'
import { type ApiScenario, apiScenarios } from '../tests/api-scenario.ts'
import type { TestApp } from '../tests/test-app.ts'

const tokens = new WeakMap<TestApp, string>()
/** Auth headers of the test superuser (created once per app). */
const superuser = async (app: TestApp) => {
  let token = tokens.get(app)
  if (token === undefined) {
    token = (await app.createSuperuser()).token
    tokens.set(app, token)
  }
  return { Authorization: token }
}
const user = async (app: TestApp) => ({
  Authorization: (
    await app.createAuthRecord('users', { email: 'u@example.com', password: '1234567890' })
  ).token,
})

async function createPosts(app: TestApp): Promise<void> {
  const su = await superuser(app)
  const res = await app.request('POST', '/api/collections', {
    headers: su,
    body: { name: 'posts', fields: [{ name: 'title', type: 'text' }] },
  })
  expect(res.status, await res.clone().text()).toBe(200)
}

/** 401 for guests and 403 for regular users on one route. */
function accessScenarios(method: string, url: string, body?: unknown): ApiScenario[] {
  return [
    {
      name: `${method} ${url} as guest`,
      method,
      url,
      body,
      expectedStatus: 401,
      expectedContent: ['"data":{}'],
    },
    {
      name: `${method} ${url} as user`,
      method,
      url,
      body,
      headers: user,
      expectedStatus: 403,
      expectedContent: ['The authorized record is not allowed to perform this action.'],
    },
  ]
}

describe('collections API: access', () => {
  apiScenarios([
    ...accessScenarios('GET', '/api/collections'),
    ...accessScenarios('POST', '/api/collections', { name: 'x' }),
    ...accessScenarios('GET', '/api/collections/users'),
    ...accessScenarios('PATCH', '/api/collections/users', {}),
    ...accessScenarios('DELETE', '/api/collections/users'),
    ...accessScenarios('DELETE', '/api/collections/users/truncate'),
    ...accessScenarios('PUT', '/api/collections/import', { collections: [] }),
    ...accessScenarios('GET', '/api/collections/meta/scaffolds'),
    ...accessScenarios('GET', '/api/collections/meta/oauth2-providers'),
    ...accessScenarios('POST', '/api/collections/meta/dry-run-view', {
      query: 'select id from users',
    }),
  ])
})

describe('collections API: list and view', () => {
  apiScenarios([
    {
      name: 'list as superuser (creation order, envelope)',
      method: 'GET',
      url: '/api/collections?perPage=2',
      headers: superuser,
      expectedStatus: 200,
      expectedContent: [
        '"page":1',
        '"perPage":2',
        '"totalItems":6',
        '"totalPages":3',
        '"name":"_mfas"',
      ],
    },
    {
      name: 'list with filter, sort and skipTotal',
      method: 'GET',
      url: `/api/collections?filter=${encodeURIComponent("type='auth'")}&sort=-name&skipTotal=1`,
      headers: superuser,
      expectedStatus: 200,
      expectedContent: ['"totalItems":-1', '"name":"users"'],
      notExpectedContent: ['"name":"_mfas"'],
      afterTest: async (_app, body) => {
        const names = (JSON.parse(body) as { items: { name: string }[] }).items.map((i) => i.name)
        expect(names).toEqual(['users', '_superusers'])
      },
    },
    {
      name: 'list filter on a non-whitelisted column',
      method: 'GET',
      url: `/api/collections?filter=${encodeURIComponent("fields~'x'")}`,
      headers: superuser,
      expectedStatus: 400,
    },
    {
      name: 'view by name (case-insensitive) hides secrets',
      method: 'GET',
      url: '/api/collections/USERS',
      headers: superuser,
      expectedStatus: 200,
      expectedContent: ['"id":"_pb_users_auth_"', '"authToken":{"duration":432000}'],
      notExpectedContent: ['"secret"'],
    },
    {
      name: 'view missing',
      method: 'GET',
      url: '/api/collections/missing',
      headers: superuser,
      expectedStatus: 404,
    },
  ])
})

describe('collections API: create', () => {
  apiScenarios([
    {
      name: 'create base with defaults',
      method: 'POST',
      url: '/api/collections',
      headers: superuser,
      body: { name: 'posts', fields: [{ name: 'title', type: 'text' }] },
      expectedStatus: 200,
      expectedContent: [
        '"id":"pbc_1125843985"',
        '"id":"text3208210256"',
        '"id":"text724990059"',
        '"indexes":[]',
        '"system":false',
      ],
      expectedEvents: { onCollectionCreate: 1 },
      afterTest: async (app) => {
        const row = await app.db.get(
          "SELECT name FROM sqlite_master WHERE type='table' AND name='posts'",
        )
        expect(row).toBeDefined()
        expect(app.findCollection('posts')?.fields.map((f) => f.name)).toEqual(['id', 'title'])
      },
    },
    {
      name: 'create auth gets system fields, indexes and options',
      method: 'POST',
      url: '/api/collections',
      headers: superuser,
      body: { name: 'a1', type: 'auth', fields: [{ name: 'x', type: 'text' }] },
      expectedStatus: 200,
      expectedContent: [
        '"id":"pbc_3438929260"',
        'CREATE UNIQUE INDEX `idx_tokenKey_pbc_3438929260` ON `a1` (`tokenKey`)',
        '"passwordAuth":{"enabled":true,"identityFields":["email"]}',
      ],
      afterTest: async (_app, body) => {
        const fields = (JSON.parse(body) as { fields: { name: string }[] }).fields.map(
          (f) => f.name,
        )
        expect(fields).toEqual([
          'id',
          'x',
          'password',
          'tokenKey',
          'email',
          'emailVisibility',
          'verified',
        ])
      },
    },
    {
      name: 'create with a taken generated id gets a suffix',
      method: 'POST',
      url: '/api/collections',
      headers: superuser,
      body: { name: 'posts' },
      beforeTest: async (app) => {
        await createPosts(app)
        const res = await app.request('PATCH', '/api/collections/posts', {
          headers: await superuser(app),
          body: { name: 'posts_old' },
        })
        expect(res.status).toBe(200)
      },
      expectedStatus: 200,
      expectedContent: ['"id":"pbc_11258439852"'],
    },
    {
      name: 'create invalid: blank name',
      method: 'POST',
      url: '/api/collections',
      headers: superuser,
      body: {},
      expectedStatus: 400,
      expectedContent: [
        '"message":"Failed to create collection."',
        '"name":{"code":"validation_required"',
      ],
      expectedEvents: { onCollectionCreate: 1 },
    },
    {
      name: 'create invalid: name and type',
      method: 'POST',
      url: '/api/collections',
      headers: superuser,
      body: { name: 'a b', type: 'xyz' },
      expectedStatus: 400,
      expectedContent: [
        '"name":{"code":"validation_match_invalid"',
        '"type":{"code":"validation_in_invalid"',
      ],
    },
    {
      name: 'create invalid: duplicate name (case-insensitive), id dup, internal table, _via_',
      method: 'POST',
      url: '/api/collections',
      headers: superuser,
      body: { name: 'USERS' },
      expectedStatus: 400,
      expectedContent: ['validation_collection_name_exists'],
    },
    {
      name: 'create invalid: name equal to a collection id',
      method: 'POST',
      url: '/api/collections',
      headers: superuser,
      body: { name: 'pbc_3142635823' },
      expectedStatus: 400,
      expectedContent: ['validation_collection_name_id_duplicate'],
    },
    {
      name: 'create invalid: internal table',
      method: 'POST',
      url: '/api/collections',
      headers: superuser,
      body: { name: '_params' },
      expectedStatus: 400,
      expectedContent: ['validation_collection_name_invalid'],
    },
    {
      name: 'create invalid: _via_',
      method: 'POST',
      url: '/api/collections',
      headers: superuser,
      body: { name: 'a_via_b' },
      expectedStatus: 400,
      expectedContent: ['validation_found_via'],
    },
    {
      name: 'create invalid: existing id',
      method: 'POST',
      url: '/api/collections',
      headers: superuser,
      body: { name: 'z1', id: '_pb_users_auth_' },
      expectedStatus: 400,
      expectedContent: ['"id":{"code":"validation_invalid_or_existing_id"'],
    },
    {
      name: 'create invalid: rules',
      method: 'POST',
      url: '/api/collections',
      headers: superuser,
      body: {
        name: 'x1',
        listRule: 'abc =',
        viewRule: 'missing = 1',
        createRule: "@request.auth.id != ''",
      },
      expectedStatus: 400,
      expectedContent: [
        '"listRule":{"code":"validation_invalid_rule","message":"Invalid rule. Raw error: invalid or incomplete filter expression."}',
        '"viewRule":{"code":"validation_invalid_rule","message":"Invalid rule. Raw error: invalid left operand \\"missing\\" - unknown field \\"missing\\"."}',
      ],
      notExpectedContent: ['createRule'],
    },
    {
      name: 'create invalid: field names',
      method: 'POST',
      url: '/api/collections',
      headers: superuser,
      body: {
        name: 'x6',
        fields: [
          { name: 'b c', type: 'text' },
          { name: 'expand', type: 'text' },
          { name: 'x_via_y', type: 'text' },
          { name: '', type: 'bool' },
          { name: 'a'.repeat(101), type: 'text' },
        ],
      },
      expectedStatus: 400,
      expectedContent: [
        '"1":{"name":{"code":"validation_match_invalid"',
        '"2":{"name":{"code":"validation_not_in_invalid"',
        '"3":{"name":{"code":"validation_found_via"',
        '"4":{"name":{"code":"validation_required"',
        '"5":{"name":{"code":"validation_length_out_of_range"',
      ],
    },
    {
      name: 'create invalid: duplicated field name',
      method: 'POST',
      url: '/api/collections',
      headers: superuser,
      body: {
        name: 'x6',
        fields: [
          { name: 'a', type: 'text' },
          { name: 'A', type: 'text' },
        ],
      },
      expectedStatus: 400,
      expectedContent: [
        '"fields":{"2":{"name":{"code":"validation_duplicated_field_name","message":"Duplicated or invalid field name A.","params":{"fieldName":"A"}}}}',
      ],
    },
    {
      name: 'create invalid: unknown field type',
      method: 'POST',
      url: '/api/collections',
      headers: superuser,
      body: { name: 'x7', fields: [{ name: 'a', type: 'nope' }] },
      expectedStatus: 400,
      expectedContent: ['"message":"Failed to load the submitted data due to invalid formatting."'],
    },
    {
      name: 'create invalid: auth reserved field names',
      method: 'POST',
      url: '/api/collections',
      headers: superuser,
      body: { name: 'a2', type: 'auth', fields: [{ name: 'passwordConfirm', type: 'text' }] },
      expectedStatus: 400,
      expectedContent: ['"1":{"name":{"code":"validation_reserved_field_name"'],
    },
    {
      name: 'create invalid: identity field without unique index',
      method: 'POST',
      url: '/api/collections',
      headers: superuser,
      body: {
        name: 'z5',
        type: 'auth',
        fields: [{ name: 'username', type: 'text' }],
        passwordAuth: { identityFields: ['email', 'username'] },
      },
      expectedStatus: 400,
      expectedContent: [
        '"passwordAuth":{"identityFields":{"code":"validation_missing_unique_constraint","message":"The field username doesn\'t have a UNIQUE constraint.","params":{"fieldName":"username"}}}',
      ],
    },
    {
      name: 'create invalid: indexes',
      method: 'POST',
      url: '/api/collections',
      headers: superuser,
      body: { name: 'p2', fields: [{ name: 'a', type: 'text' }], indexes: ['CREATE INDEX bad'] },
      expectedStatus: 400,
      expectedContent: [
        '"indexes":{"0":{"code":"validation_invalid_index_expression","message":"Invalid CREATE INDEX expression."}}',
      ],
    },
    {
      name: 'create invalid: index on a missing column',
      method: 'POST',
      url: '/api/collections',
      headers: superuser,
      body: {
        name: 'p2',
        fields: [{ name: 'a', type: 'text' }],
        indexes: ['CREATE INDEX idx_x ON p2 (nope)'],
      },
      expectedStatus: 400,
      expectedContent: [
        '"indexes":{"0":{"code":"validation_invalid_index_expression","message":"Failed to create index idx_x - SQL logic error: no such column: nope (1)."}}',
      ],
      afterTest: async (app) => {
        expect(app.findCollection('p2')).toBeUndefined()
        expect(await app.db.get("SELECT 1 FROM sqlite_master WHERE name='p2'")).toBeUndefined()
      },
    },
    {
      name: 'create invalid: index name used by another collection',
      method: 'POST',
      url: '/api/collections',
      headers: superuser,
      body: {
        name: 'p2',
        fields: [{ name: 'a', type: 'text' }],
        indexes: ['CREATE INDEX idx_email__pb_users_auth_ ON p2 (a)'],
      },
      expectedStatus: 400,
      expectedContent: [
        '"code":"validation_existing_index_name","message":"The index name is already used in users collection.","params":{"usedTableName":"users"}',
      ],
    },
    {
      name: 'create: index on another table name is normalised',
      method: 'POST',
      url: '/api/collections',
      headers: superuser,
      body: {
        name: 'p3',
        fields: [
          { name: 'a', type: 'text' },
          { name: 'b', type: 'text' },
        ],
        indexes: ['CREATE INDEX idx_p3 ON other (a, b DESC)'],
      },
      expectedStatus: 200,
      expectedContent: ['"indexes":["CREATE INDEX `idx_p3` ON `p3` (\\n  `a`,\\n  `b` DESC\\n)"]'],
    },
  ])
})

describe('collections API: views', () => {
  apiScenarios([
    {
      name: 'create view infers fields',
      method: 'POST',
      url: '/api/collections',
      headers: superuser,
      beforeTest: createPosts,
      body: {
        name: 'v1',
        type: 'view',
        viewQuery:
          'select p.id, p.title, count(p.id) as c, cast(1 as text) as t, 1+1 as j from posts p group by p.id',
      },
      expectedStatus: 200,
      afterTest: async (app, body) => {
        const fields = (
          JSON.parse(body) as { fields: { name: string; type: string; id: string }[] }
        ).fields
        expect(fields.map((f) => [f.name, f.type])).toEqual([
          ['id', 'text'],
          ['title', 'text'],
          ['c', 'number'],
          ['t', 'text'],
          ['j', 'json'],
        ])
        expect(fields[1]!.id).toMatch(/^_clone_/)
        await app.db.run("INSERT INTO posts (id, title) VALUES ('abcdefghijklmno', 'hello')")
        expect(await app.db.all('SELECT id, title, c FROM v1')).toEqual([
          { id: 'abcdefghijklmno', title: 'hello', c: 1 },
        ])
      },
    },
    {
      name: 'create view: wildcard, missing id, rules and indexes',
      method: 'POST',
      url: '/api/collections',
      headers: superuser,
      beforeTest: createPosts,
      body: {
        name: 'v2',
        type: 'view',
        viewQuery: 'select * from posts',
        createRule: '',
        indexes: ['create index x on v2 (id)'],
      },
      expectedStatus: 400,
      expectedContent: [
        '"fields":{"code":"validation_required"',
        '"viewQuery":{"code":"validation_invalid_view_query","message":"Invalid query - wildcard columns (*) are not supported',
        '"createRule":{"code":"validation_nil","message":"Must be blank."}',
        '"indexes":{"code":"validation_indexes_not_supported"',
      ],
    },
    {
      name: 'create view: missing id column',
      method: 'POST',
      url: '/api/collections',
      headers: superuser,
      beforeTest: createPosts,
      body: { name: 'v2', type: 'view', viewQuery: 'select title from posts' },
      expectedStatus: 400,
      expectedContent: ['Invalid query - missing required id column'],
    },
    {
      name: 'create view: unknown table',
      method: 'POST',
      url: '/api/collections',
      headers: superuser,
      body: { name: 'v2', type: 'view', viewQuery: 'select id from nope' },
      expectedStatus: 400,
      expectedContent: [
        '"message":"Invalid query - SQL logic error: no such table: main.nope (1)."',
      ],
    },
    {
      name: 'dry-run view',
      method: 'POST',
      url: '/api/collections/meta/dry-run-view',
      headers: superuser,
      beforeTest: async (app) => {
        await createPosts(app)
        await app.db.run("INSERT INTO posts (id, title) VALUES ('abcdefghijklmno', 'hello')")
      },
      body: { query: 'select id, title, count(id) as c from posts group by id' },
      expectedStatus: 200,
      expectedContent: [
        '"fields":[',
        '"sample":[{',
        '"title":"hello"',
        '"collectionName":"temp_view_',
      ],
      afterTest: async (app) => {
        expect(app.findCollection('temp_view')).toBeUndefined()
        expect(await app.db.get("SELECT 1 FROM sqlite_master WHERE type='view'")).toBeUndefined()
      },
    },
    {
      name: 'dry-run view: blank',
      method: 'POST',
      url: '/api/collections/meta/dry-run-view',
      headers: superuser,
      body: {},
      expectedStatus: 400,
      expectedContent: ['"query":{"code":"validation_required"'],
    },
    {
      name: 'dry-run view: missing id',
      method: 'POST',
      url: '/api/collections/meta/dry-run-view',
      headers: superuser,
      body: { query: 'select email from users' },
      expectedStatus: 400,
      expectedContent: ['"message":"Invalid view query. Raw error: \\nmissing required id column'],
    },
  ])
})

describe('collections API: meta', () => {
  apiScenarios([
    {
      name: 'scaffolds',
      method: 'GET',
      url: '/api/collections/meta/scaffolds',
      headers: superuser,
      expectedStatus: 200,
      expectedContent: ['"auth":{', '"base":{', '"view":{', '"viewQuery":""', 'ON `` (`tokenKey`)'],
    },
    {
      name: 'oauth2 providers',
      method: 'GET',
      url: '/api/collections/meta/oauth2-providers',
      headers: superuser,
      expectedStatus: 200,
      expectedContent: [
        '{"name":"apple","displayName":"Apple","logo":"<svg xmlns=\\"http://www.w3.org/2000/svg\\"',
        '"name":"oidc3"',
      ],
      notExpectedContent: ['"logo":""'],
    },
  ])
})

describe('collections API: update', () => {
  apiScenarios([
    {
      name: 'update merges top-level keys',
      method: 'PATCH',
      url: '/api/collections/posts',
      headers: superuser,
      beforeTest: createPosts,
      body: { listRule: '' },
      expectedStatus: 200,
      expectedContent: ['"listRule":""', '"name":"title"'],
      expectedEvents: { onCollectionUpdate: 1 },
    },
    {
      name: 'update fields replaces the list and re-adds id',
      method: 'PATCH',
      url: '/api/collections/posts',
      headers: superuser,
      beforeTest: createPosts,
      body: { fields: [{ name: 'extra', type: 'number' }] },
      expectedStatus: 200,
      expectedContent: ['"id":"text3208210256"', '"id":"number1295977829"'],
      notExpectedContent: ['"name":"title"'],
    },
    {
      name: 'update auth without system fields re-adds them at the end',
      method: 'PATCH',
      url: '/api/collections/users',
      headers: superuser,
      body: { fields: [{ name: 'extra', type: 'number' }] },
      expectedStatus: 200,
      afterTest: async (_app, body) => {
        const names = (JSON.parse(body) as { fields: { name: string }[] }).fields.map((f) => f.name)
        expect(names).toEqual([
          'id',
          'extra',
          'password',
          'tokenKey',
          'email',
          'emailVisibility',
          'verified',
        ])
      },
    },
    {
      name: 'update auth: renaming a system field is rejected',
      method: 'PATCH',
      url: '/api/collections/users',
      headers: superuser,
      body: { fields: [{ id: 'email3885137012', name: 'email2', type: 'email' }] },
      expectedStatus: 400,
      expectedContent: [
        '"fields":{"code":"validation_system_field_change","message":"System fields cannot be deleted or renamed."}',
        '"message":"Failed to update collection."',
      ],
    },
    {
      name: 'update auth: removed default indexes are re-added',
      method: 'PATCH',
      url: '/api/collections/users',
      headers: superuser,
      body: { indexes: [] },
      expectedStatus: 200,
      expectedContent: ['idx_tokenKey__pb_users_auth_', 'idx_email__pb_users_auth_'],
    },
    {
      name: 'update: type change',
      method: 'PATCH',
      url: '/api/collections/users',
      headers: superuser,
      body: { type: 'base' },
      expectedStatus: 400,
      expectedContent: ['"type":{"code":"validation_collection_type_change"'],
    },
    {
      name: 'update: field type change',
      method: 'PATCH',
      url: '/api/collections/posts',
      headers: superuser,
      beforeTest: createPosts,
      body: { fields: [{ id: 'text724990059', name: 'title', type: 'number' }] },
      expectedStatus: 400,
      expectedContent: [
        '"fields":{"1":{"code":"validation_field_type_change","message":"Field type cannot be changed."}}',
      ],
    },
    {
      name: 'update: system collection name, rule and flag',
      method: 'PATCH',
      url: '/api/collections/_superusers',
      headers: superuser,
      body: { name: 'su', listRule: '', system: false },
      expectedStatus: 400,
      expectedContent: [
        '"listRule":{"code":"validation_collection_system_rule_change"',
        '"name":{"code":"validation_collection_system_name_change"',
        '"system":{"code":"validation_collection_system_flag_change"',
      ],
    },
    {
      name: 'update: a different id in the body is a 404',
      method: 'PATCH',
      url: '/api/collections/users',
      headers: superuser,
      body: { id: 'other' },
      expectedStatus: 404,
    },
    {
      name: 'update missing collection',
      method: 'PATCH',
      url: '/api/collections/missing',
      headers: superuser,
      body: {},
      expectedStatus: 404,
    },
  ])
})

async function createRefs(app: TestApp): Promise<void> {
  await createPosts(app)
  const res = await app.request('POST', '/api/collections', {
    headers: await superuser(app),
    body: {
      name: 'ref1',
      fields: [{ name: 'p', type: 'relation', collectionId: 'pbc_1125843985' }],
    },
  })
  expect(res.status, await res.clone().text()).toBe(200)
}

describe('collections API: delete and truncate', () => {
  apiScenarios([
    {
      name: 'delete',
      method: 'DELETE',
      url: '/api/collections/posts',
      headers: superuser,
      beforeTest: createPosts,
      expectedStatus: 204,
      expectedEvents: { onCollectionDelete: 1 },
      afterTest: async (app) => {
        expect(app.findCollection('posts')).toBeUndefined()
        expect(await app.db.get("SELECT 1 FROM sqlite_master WHERE name = 'posts'")).toBeUndefined()
      },
    },
    {
      name: 'delete a referenced collection',
      method: 'DELETE',
      url: '/api/collections/posts',
      headers: superuser,
      beforeTest: createRefs,
      expectedStatus: 400,
      expectedContent: [
        '"message":"Failed to delete collection probably due to existing reference in ref1."',
      ],
    },
    {
      name: 'delete a system collection',
      method: 'DELETE',
      url: '/api/collections/_superusers',
      headers: superuser,
      expectedStatus: 400,
      expectedContent: ['"message":"Failed to delete collection."'],
    },
    {
      name: 'delete missing',
      method: 'DELETE',
      url: '/api/collections/missing',
      headers: superuser,
      expectedStatus: 404,
    },
    {
      name: 'truncate deletes every record through the record pipeline',
      method: 'DELETE',
      url: '/api/collections/posts/truncate',
      headers: superuser,
      beforeTest: async (app) => {
        await createPosts(app)
        await app.db.run(
          "INSERT INTO posts (id, title) VALUES ('aaaaaaaaaaaaaaa', 'a'), ('bbbbbbbbbbbbbbb', 'b')",
        )
      },
      expectedStatus: 204,
      expectedEvents: { onRecordDelete: 2 },
      afterTest: async (app) => {
        expect(await app.db.all('SELECT * FROM posts')).toEqual([])
      },
    },
    {
      name: 'truncate a view',
      method: 'DELETE',
      url: '/api/collections/v1/truncate',
      headers: superuser,
      beforeTest: async (app) => {
        await createPosts(app)
        await app.request('POST', '/api/collections', {
          headers: await superuser(app),
          body: { name: 'v1', type: 'view', viewQuery: 'select id from posts' },
        })
      },
      expectedStatus: 400,
      expectedContent: [
        '"message":"View collections cannot be truncated since they don\'t store their own records."',
      ],
    },
  ])
})

describe('collections API: import', () => {
  apiScenarios([
    {
      name: 'import creates collections (views last)',
      method: 'PUT',
      url: '/api/collections/import',
      headers: superuser,
      body: {
        collections: [
          { name: 'imp2', type: 'view', viewQuery: 'select id from imp1' },
          { name: 'imp1', fields: [{ name: 't', type: 'text' }] },
        ],
      },
      expectedStatus: 204,
      afterTest: async (app) => {
        expect(app.findCollection('imp1')?.fields.map((f) => f.name)).toEqual(['id', 't'])
        expect(app.findCollection('imp2')?.type).toBe('view')
      },
    },
    {
      name: 'import merges fields of existing collections unless deleteMissing',
      method: 'PUT',
      url: '/api/collections/import',
      headers: superuser,
      beforeTest: createPosts,
      body: { collections: [{ name: 'posts', fields: [{ name: 'u', type: 'text' }] }] },
      expectedStatus: 204,
      afterTest: async (app) => {
        expect(app.findCollection('posts')?.fields.map((f) => f.name)).toEqual(['u', 'id', 'title'])
      },
    },
    {
      name: 'import with deleteMissing drops unlisted fields and collections',
      method: 'PUT',
      url: '/api/collections/import',
      headers: superuser,
      beforeTest: createPosts,
      body: {
        deleteMissing: true,
        collections: [
          { name: 'posts', fields: [{ name: 'u', type: 'text' }] },
          ...['_mfas', '_otps', '_externalAuths', '_authOrigins', '_superusers'].map((name) => ({
            name,
          })),
        ],
      },
      expectedStatus: 204,
      afterTest: async (app) => {
        expect(app.findCollection('users')).toBeUndefined()
        expect(app.findCollection('posts')?.fields.map((f) => f.name)).toEqual(['u', 'id'])
      },
    },
    {
      name: 'import failure rolls everything back',
      method: 'PUT',
      url: '/api/collections/import',
      headers: superuser,
      body: { collections: [{ name: 'ok1' }, { name: 'imp3 x' }] },
      expectedStatus: 400,
      expectedContent: [
        '"message":"Failed to import collections."',
        '"collections":{"code":"validation_collections_import_failure","message":"Data validations failed for collection \\"imp3 x\\"',
        '\\"name\\": \\"must be in a valid format\\"',
      ],
      afterTest: async (app) => {
        expect(app.findCollection('ok1')).toBeUndefined()
      },
    },
    {
      name: 'import: empty list',
      method: 'PUT',
      url: '/api/collections/import',
      headers: superuser,
      body: { collections: [] },
      expectedStatus: 400,
      expectedContent: ['"collections":{"code":"validation_required"'],
    },
  ])
})
