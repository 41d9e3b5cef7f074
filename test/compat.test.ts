// The same SDK calls against the real PocketBase and against Satchel, both seeded the same way:
// status and JSON body (record ids and autodates normalised) must be equal.
import { generateKeyPairSync } from 'node:crypto'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import type PocketBase from 'pocketbase'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type CompatCase, type CompatPair, outcome, startCompatPair } from '../src/tests/compat.ts'
import { satchelUsesPostgres } from '../src/tests/postgres.ts'
import { pocketBaseExecutable } from '../src/tests/process.ts'
import { client, type ServerKind } from '../src/tests/sdk.ts'

let pair: CompatPair

/** `pb.sql.run` with `execTime` zeroed (it is a timing). */
async function sqlRun(
  pb: PocketBase,
  query: string,
): Promise<{ execTime: number; affectedRows: number; columns: unknown[]; rows: unknown[][] }> {
  const r = (await pb.sql.run(query)) as {
    execTime: number
    affectedRows: number
    columns: unknown[]
    rows: unknown[][]
  }
  return { ...r, execTime: 0 }
}

const pkcs8 = (k: ReturnType<typeof generateKeyPairSync>['privateKey']) =>
  k.export({ type: 'pkcs8', format: 'pem' }).toString()
const APPLE_KEY = pkcs8(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)
const APPLE_RSA_KEY = pkcs8(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey)

beforeAll(async () => {
  pocketBaseExecutable() // on a clean machine this downloads PocketBase first
  pair = await startCompatPair()
}, 180_000)

afterAll(async () => {
  await pair?.close()
})

const cases: CompatCase[] = [
  // reads
  {
    name: 'list things (alice: list rule filters to her own)',
    as: 'alice',
    status: 200,
    call: (pb) => pb.collection('things').getList(1, 10, { sort: 'title' }),
  },
  {
    name: 'list things (guest: empty page)',
    as: 'guest',
    status: 200,
    call: (pb) => pb.collection('things').getList(1, 10),
  },
  {
    name: 'list things with expand, fields, skipTotal (superuser)',
    as: 'su',
    status: 200,
    call: (pb) =>
      pb.collection('things').getList(1, 2, {
        sort: '-amount,title',
        expand: 'owner,tags',
        fields: 'id,title,amount,secret,expand.owner.name,expand.tags.name',
        skipTotal: true,
      }),
  },
  {
    name: 'view a thing with back-relation expand (superuser)',
    as: 'su',
    status: 200,
    call: (pb, ids) => pb.collection('users').getOne(ids.alice!, { expand: 'things_via_owner' }),
  },
  {
    name: 'view collection list (guest)',
    as: 'guest',
    status: 200,
    call: (pb) => pb.collection('thing_owners').getList(1, 10, { sort: 'title' }),
  },
  {
    name: 'users list (bob sees only himself, no email of others)',
    as: 'bob',
    status: 200,
    call: (pb) => pb.collection('users').getList(),
  },
  {
    name: 'collection by name (superuser)',
    as: 'su',
    status: 200,
    call: (pb) => pb.collections.getOne('things'),
  },
  {
    name: 'settings (superuser)',
    as: 'su',
    status: 200,
    call: async (pb) => {
      const s = await pb.settings.getAll()
      return { batch: s.batch, rateLimits: s.rateLimits, trustedProxy: s.trustedProxy }
    },
  },
  {
    name: 'auth methods (guest)',
    as: 'guest',
    status: 200,
    call: (pb) => pb.collection('users').listAuthMethods(),
  },
  // 400 validation
  {
    name: 'create thing with invalid values (alice)',
    as: 'alice',
    status: 400,
    call: (pb, ids) =>
      pb.collection('things').create({
        title: '',
        amount: -1,
        contact: 'not-an-email',
        kind: 'zzz',
        labels: ['x', 'q'],
        owner: ids.alice,
        tags: ['missing0000000'],
      }),
  },
  {
    name: 'create thing for someone else (alice: create rule fails)',
    as: 'alice',
    status: 400,
    call: (pb, ids) => pb.collection('things').create({ title: 'x', owner: ids.bob }),
  },
  {
    name: 'sign up with a taken email and short password',
    as: 'guest',
    status: 400,
    call: (pb) =>
      pb
        .collection('users')
        .create({ email: 'alice@example.com', password: 'short', passwordConfirm: 'short' }),
  },
  {
    name: 'duplicate tag name (unique index)',
    as: 'su',
    status: 400,
    call: (pb) => pb.collection('tags').create({ name: 'red' }),
  },
  {
    name: 'wrong password',
    as: 'guest',
    status: 400,
    call: (pb) => pb.collection('users').authWithPassword('alice@example.com', 'wrong-pass'),
  },
  {
    name: 'create collection with an invalid name and rule',
    as: 'su',
    status: 400,
    call: (pb) => pb.collections.create({ name: 'bad name', type: 'base', listRule: 'nope = 1' }),
  },
  {
    name: 'create on a view collection',
    as: 'su',
    status: 400,
    call: (pb) => pb.collection('thing_owners').create({ title: 'x' }),
  },
  // filters
  {
    name: 'filter: JSON values ordered as SQLite orders them (superuser)',
    as: 'su',
    status: 200,
    call: async (pb) => {
      const titles = async (filter: string) =>
        (await pb.collection('things').getFullList({ filter, sort: 'title' })).map((r) => r.title)
      const out: { [filter: string]: string[] } = {}
      for (const filter of [
        'data.2 < 10', // 3 < 10 as numbers ('3' > '10' as texts)
        'data.2 >= 3',
        'data.0 > "0"', // a number is below every text
        'data.0 < "0"',
        'data.nested.list.1 > 100', // a text is above every number
        'data.nested.list.1 < "zz"',
        'data.ok > 0', // true is 1
        'data.ok <= 1',
        'data.nested.list.2 < 5', // JSON null: unknown, never true
        'data.nested.list.2 >= 5',
        'data.missing > 0',
        'data.0 < amount', // 1 < 3 (Bob), against a number column
      ]) {
        out[filter] = await titles(filter)
      }
      return out
    },
  },
  {
    name: 'filter syntax error',
    as: 'su',
    status: 400,
    call: (pb) => pb.collection('things').getList(1, 10, { filter: 'title ~' }),
  },
  {
    name: 'filter on an unknown field',
    as: 'su',
    status: 400,
    call: (pb) => pb.collection('things').getList(1, 10, { filter: 'nope = 1' }),
  },
  {
    name: 'filter on a hidden field (alice)',
    as: 'alice',
    status: 400,
    call: (pb) => pb.collection('things').getList(1, 10, { filter: 'secret = "x"' }),
  },
  {
    name: 'filter with @request (alice)',
    as: 'alice',
    status: 403,
    call: (pb) => pb.collection('things').getList(1, 10, { filter: '@request.auth.id != ""' }),
  },
  ...[
    'owner.name = "Alice"',
    'data.ok = true',
    'data.nested.ok = true',
    'geoDistance(location.lon, location.lat, 23.3, 42.7) < 5',
    'tags.name ?= "red"',
    'tags.name = "blue"',
    'tags:length = 2',
    'labels:each ?= "x"',
    'amount > 3.2 && active = true',
    'due > "2025-01-01" || kind = "a"',
    'title ~ "thing%"',
    'title ~ "%thing"',
    'created <= @now && updated >= @yesterday',
  ].map(
    (filter): CompatCase => ({
      name: `filter ${filter} (superuser)`,
      as: 'su',
      status: 200,
      call: (pb) => pb.collection('things').getFullList({ filter, sort: 'title' }),
    }),
  ),
  // 401/403/404
  {
    name: 'delete with a locked rule (alice)',
    as: 'alice',
    status: 403,
    call: (pb, ids) => pb.collection('things').delete(ids.thing1!),
  },
  {
    name: 'collections list (guest)',
    as: 'guest',
    status: 401,
    call: (pb) => pb.collections.getList(),
  },
  {
    name: 'collections list (regular user)',
    as: 'alice',
    status: 403,
    call: (pb) => pb.collections.getList(),
  },
  {
    name: "view someone else's thing (bob)",
    as: 'bob',
    status: 404,
    call: (pb, ids) => pb.collection('things').getOne(ids.thing1!),
  },
  {
    name: "update someone else's thing (bob)",
    as: 'bob',
    status: 404,
    call: (pb, ids) => pb.collection('things').update(ids.thing1!, { title: 'x' }),
  },
  {
    name: 'missing collection',
    as: 'guest',
    status: 404,
    call: (pb) => pb.collection('nope').getList(),
  },
  {
    name: 'batch while disabled',
    as: 'alice',
    status: 403,
    call: (pb) => {
      const b = pb.createBatch()
      b.collection('tags').create({ name: 'green' })
      return b.send()
    },
  },
  {
    name: 'auth refresh without a token',
    as: 'guest',
    status: 401,
    call: (pb) => pb.collection('users').authRefresh(),
  },
  // more reads
  {
    name: 'sort by a relation field, then @rowid (superuser)',
    as: 'su',
    status: 200,
    call: (pb) =>
      pb.collection('things').getFullList({ sort: '-owner.name,@rowid', fields: 'title' }),
  },
  {
    name: 'fields with excerpt and wildcard (superuser)',
    as: 'su',
    status: 200,
    call: (pb, ids) =>
      pb.collection('things').getOne(ids.thing1!, { fields: '*,body:excerpt(8,true)' }),
  },
  {
    name: 'first list item (alice)',
    as: 'alice',
    status: 200,
    call: (pb) => pb.collection('things').getFirstListItem('amount > 10'),
  },
  {
    name: 'auth with password returns token and record (bob)',
    as: 'guest',
    status: 200,
    call: async (pb) => {
      const res = await pb.collection('users').authWithPassword('bob@example.com', 'bob-pass-123')
      return { record: res.record, hasToken: typeof res.token === 'string', meta: res.meta }
    },
  },
  ...[
    'due = null',
    'due = ""',
    'contact != ""',
    'kind ?!= "b"',
    'title:lower = "bob thing"',
    'amount ~ "2"',
    'tags.name ?~ "bl" && owner.verified = true',
    'strftime("%Y", due) = "2025"',
    '@collection.tags.name ?= "red" && tags ?= @collection.tags.id',
    'owner.things_via_owner.title ?= "Bob thing"',
    'location.lat > 40',
    'data.nested.list.0 = 1',
    '(kind = "a" || kind = "b") && amount >= 3',
  ].map(
    (filter): CompatCase => ({
      name: `filter ${filter} (superuser)`,
      as: 'su',
      status: 200,
      call: (pb) => pb.collection('things').getFullList({ filter, sort: 'title', fields: 'title' }),
    }),
  ),
  {
    name: 'list paging edge: page beyond the end, perPage over the max (superuser)',
    as: 'su',
    status: 200,
    call: async (pb) => ({
      beyond: await pb.collection('things').getList(5, 2, { fields: 'id' }),
      big: await pb.collection('tags').getList(1, 5000, { fields: 'id', sort: 'name' }),
      zero: await pb.collection('tags').getList(0, 0, { fields: 'id', sort: 'name' }),
    }),
  },
  {
    name: 'sort by an unknown field',
    as: 'su',
    status: 400,
    call: (pb) => pb.collection('things').getList(1, 10, { sort: 'nope' }),
  },
  {
    name: 'expand that the viewer may not see (bob expands alice via things)',
    as: 'bob',
    status: 200,
    call: (pb, ids) =>
      pb.collection('things').getOne(ids.thing3!, { expand: 'owner,tags,owner.things_via_owner' }),
  },
  {
    name: 'expand an unknown relation (superuser)',
    as: 'su',
    status: 200,
    call: (pb, ids) => pb.collection('things').getOne(ids.thing1!, { expand: 'nope,owner' }),
  },
  {
    name: 'view another user (bob: users viewRule)',
    as: 'bob',
    status: 404,
    call: (pb, ids) => pb.collection('users').getOne(ids.alice!),
  },
  {
    name: 'health (superuser)',
    as: 'su',
    status: 200,
    call: async (pb) => {
      const h = await pb.health.check()
      return { ...h, data: { canBackup: h.data?.canBackup } }
    },
  },
  {
    name: 'auth refresh (alice)',
    as: 'alice',
    status: 200,
    call: async (pb) => {
      const r = await pb.collection('users').authRefresh()
      return { record: r.record, meta: r.meta }
    },
  },
  {
    name: 'auth refresh with a token of another collection (superuser on users)',
    as: 'su',
    status: 403,
    call: (pb) => pb.collection('users').authRefresh(),
  },
  {
    name: 'auth with password on a base collection',
    as: 'guest',
    status: 404,
    call: (pb) => pb.collection('things').authWithPassword('a', 'b'),
  },
  {
    name: 'invalid settings values (superuser)',
    as: 'su',
    status: 400,
    call: (pb) =>
      pb.settings.update({
        meta: { appName: '', appURL: 'not a url' },
        batch: { enabled: true, maxRequests: -1 },
      }),
  },
  {
    name: 'collection create: auth collection defaults (superuser)',
    as: 'su',
    status: 200,
    call: (pb) => pb.collections.create({ name: 'members', type: 'auth' }),
  },
  {
    name: 'collection delete while referenced by a relation (superuser)',
    as: 'su',
    status: 400,
    call: (pb) => pb.collections.delete('tags'),
  },
  {
    name: 'collection update: rename a field, add an index (superuser)',
    as: 'su',
    status: 200,
    call: async (pb) => {
      const c = await pb.collections.getOne('tags')
      const fields = c.fields.map((f: { name: string }) =>
        f.name === 'name' ? { ...f, name: 'label' } : f,
      )
      return pb.collections.update('tags', {
        fields,
        indexes: ['CREATE UNIQUE INDEX `idx_tags_label` ON `tags` (`label`)'],
      })
    },
  },
  {
    name: 'records after a field rename (guest)',
    as: 'guest',
    status: 200,
    call: (pb) => pb.collection('tags').getFullList({ sort: 'label' }),
  },
  {
    name: 'raw: invalid JSON body on create (alice)',
    as: 'alice',
    status: 400,
    call: (pb) =>
      pb.send('/api/collections/things/records', {
        method: 'POST',
        body: '{"title": ',
        headers: { 'content-type': 'application/json' },
      }),
  },
  {
    name: 'raw: urlencoded body on create (alice)',
    as: 'alice',
    status: 400,
    call: (pb) =>
      pb.send('/api/collections/things/records', {
        method: 'POST',
        body: 'title=&amount=abc',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
  },
  {
    name: 'raw: list with page=abc and perPage=-5 (superuser)',
    as: 'su',
    status: 400,
    call: (pb) =>
      pb.send('/api/collections/tags/records', {
        query: { page: 'abc', perPage: '-5', sort: 'created', fields: 'id' },
      }),
  },
  {
    name: 'raw: record id path on a missing record (superuser)',
    as: 'su',
    status: 404,
    call: (pb) => pb.send('/api/collections/things/records/zzzzzzzzzzzzzzz', {}),
  },
  {
    name: 'raw: method not allowed on records (guest)',
    as: 'guest',
    status: 404,
    call: (pb) => pb.send('/api/collections/things/records', { method: 'PUT' }),
  },
  {
    name: 'scaffolds (superuser)',
    as: 'su',
    status: 200,
    // index names of a scaffold carry a random suffix
    call: async (pb) =>
      JSON.parse(
        JSON.stringify(await pb.collections.getScaffolds()).replace(
          /(idx_\w+?_)[a-z0-9]{10}\b/g,
          '$1<random>',
        ),
      ),
  },
  {
    name: 'settings: full GET (superuser, secrets hidden)',
    as: 'su',
    status: 200,
    call: async (pb) => {
      const all = await pb.settings.getAll()
      return { ...all, meta: { ...all.meta, appURL: '<url>' } }
    },
  },
  {
    name: 'settings as a regular user (alice)',
    as: 'alice',
    status: 403,
    call: (pb) => pb.settings.getAll(),
  },
  {
    name: 'view collection with expressions (superuser)',
    sqliteOnly: "json_group_array and REAL are SQLite's",
    as: 'su',
    status: 200,
    call: async (pb) => {
      const c = await pb.collections.create({
        name: 'thing_stats',
        type: 'view',
        listRule: '',
        viewQuery:
          'SELECT owner AS id, COUNT(*) AS n, SUM(amount) AS total, MAX(due) AS lastDue, CAST(AVG(amount) AS REAL) AS avg, json_group_array(title) AS titles FROM things GROUP BY owner',
      })
      const rows = await pb.collection('thing_stats').getFullList({ sort: '-n' })
      return { fields: c.fields, rows }
    },
  },
  {
    name: 'view collection with an invalid query (superuser)',
    as: 'su',
    status: 400,
    call: (pb) =>
      pb.collections.create({ name: 'bad_view', type: 'view', viewQuery: 'SELECT * FROM things' }),
  },
  {
    name: 'truncate a collection, then count (superuser)',
    as: 'su',
    status: 200,
    call: async (pb) => {
      await pb.collections.create({
        name: 'scratch',
        type: 'base',
        fields: [{ name: 'n', type: 'number' }],
      })
      await pb.collection('scratch').create({ n: 1 })
      await pb.collections.truncate('scratch')
      return pb.collection('scratch').getList(1, 1)
    },
  },
  {
    name: 'batch: unsupported action and too many requests (superuser)',
    as: 'su',
    status: 200,
    call: async (pb) => {
      await pb.settings.update({ batch: { enabled: true, maxRequests: 2 } })
      const tooMany = pb.createBatch()
      for (let i = 0; i < 3; i++) tooMany.collection('scratch').create({ n: i })
      const many = await outcome(tooMany.send())
      const bad = await outcome(
        pb.send('/api/batch', {
          method: 'POST',
          body: { requests: [{ method: 'GET', url: '/api/collections/scratch/records' }] },
        }),
      )
      await pb.settings.update({ batch: { enabled: false, maxRequests: 50 } })
      return { many, bad }
    },
  },
  {
    name: 'auth methods of _superusers (guest)',
    as: 'guest',
    status: 200,
    call: (pb) => pb.collection('_superusers').listAuthMethods(),
  },
  {
    name: 'collections list with filter, sort and fields (superuser)',
    sqliteOnly: 'lists the view of the SQLite-only case above',
    as: 'su',
    status: 200,
    call: (pb) =>
      pb.collections.getList(1, 50, {
        filter: 'type = "auth" || name ~ "thing"',
        sort: '-type,name',
        fields: 'id,name,type,system',
      }),
  },
  {
    name: 'superusers list (superuser)',
    as: 'su',
    status: 200,
    call: (pb) => pb.collection('_superusers').getFullList({ fields: 'email,verified' }),
  },
  {
    name: 'delete the only superuser (superuser)',
    as: 'su',
    status: 400,
    call: async (pb) => {
      const [me] = await pb.collection('_superusers').getFullList()
      return pb.collection('_superusers').delete(me!.id)
    },
  },
  {
    name: 'expand through a view relation and 3 levels deep (superuser)',
    as: 'su',
    status: 200,
    call: (pb) =>
      pb.collection('things').getFullList({
        sort: 'title',
        expand: 'owner.things_via_owner.tags',
        fields: 'title,expand.owner.name,expand.owner.expand.things_via_owner.expand.tags.name',
      }),
  },
  {
    name: 'list totals with rule and filter (alice)',
    as: 'alice',
    status: 200,
    call: (pb) => pb.collection('things').getList(1, 1, { filter: 'amount >= 0', sort: 'title' }),
  },
  {
    name: 'sort with empty values and mixed numbers (superuser)',
    as: 'su',
    status: 200,
    call: (pb) =>
      pb.collection('things').getFullList({ sort: 'due,-amount,kind', fields: 'title' }),
  },
  {
    name: 'collections import: invalid payload (superuser)',
    as: 'su',
    status: 400,
    call: (pb) => pb.collections.import([{ name: 'x y', type: 'base' }], false),
  },
  ...(
    [
      ['json field from strings', { data: 'null' }],
      ['json field from a numeric string', { data: '12.50' }],
      ['json field from a plain string', { data: 'hello' }],
      ['json field from a JSON string', { data: '{"a":[1,{"b":null}]}' }],
      ['json field empty string', { data: '' }],
      ['number from strings', { amount: '12.5' }],
      ['number from a bad string', { amount: '12abc' }],
      ['bool from strings', { active: '1' }],
      ['bool from "false"', { active: 'false' }],
      ['date as a day', { due: '2024-02-03' }],
      ['date in ISO with T and offset', { due: '2024-02-03T10:20:30+02:00' }],
      ['date invalid', { due: 'yesterday' }],
      ['single select from an array (keeps the last)', { kind: ['a', 'c'] }],
      ['multi select from a JSON string', { labels: '["x","y","x"]' }],
      ['multi select too many', { labels: ['x', 'y', 'z', 'x'] }],
      ['single relation from an array', { tags: [] }],
      ['text from a number', { body: 42 }],
      ['text over max', { title: 'x'.repeat(101) }],
      ['geoPoint out of range', { location: { lon: 200, lat: 10 } }],
      ['geoPoint partial', { location: { lat: 10 } }],
      ['email with spaces', { contact: ' a@example.com ' }],
      ['url without scheme', { site: 'example.com' }],
    ] as const
  ).map(
    ([what, data]): CompatCase => ({
      name: `values: ${what} (superuser)`,
      as: 'su',
      status: 200,
      call: async (pb, ids) => {
        const r = await outcome(
          pb.collection('things').create(
            { title: 'values', owner: ids.alice, ...data },
            {
              fields: 'title,amount,active,due,kind,labels,data,tags,body,location,contact,site',
            },
          ),
        )
        return r
      },
    }),
  ),
  // writes (run on both servers, so both states stay alike)
  {
    name: 'update with modifiers (alice)',
    as: 'alice',
    status: 200,
    call: (pb, ids) =>
      pb.collection('things').update(ids.thing2!, { 'amount+': 2, 'labels+': 'z', title: 'Two' }),
  },
  {
    name: 'update another user (alice: users updateRule)',
    as: 'alice',
    status: 404,
    call: (pb, ids) => pb.collection('users').update(ids.bob!, { name: 'x' }),
  },
  {
    name: 'change own password without the old one (alice)',
    as: 'alice',
    status: 400,
    call: (pb, ids) =>
      pb
        .collection('users')
        .update(ids.alice!, { password: 'new-pass-123', passwordConfirm: 'new-pass-123' }),
  },
  {
    name: 'batch enabled: a failing request rolls back the whole batch (superuser)',
    as: 'su',
    status: 400,
    call: async (pb) => {
      await pb.settings.update({ batch: { enabled: true, maxRequests: 5 } })
      const b = pb.createBatch()
      b.collection('tags').create({ name: 'green' })
      b.collection('tags').create({ name: 'red' })
      return b.send()
    },
  },
  {
    name: 'batch enabled: create, update, delete (alice)',
    as: 'alice',
    status: 200,
    call: async (pb, ids) => {
      const b = pb.createBatch()
      b.collection('things').create({ title: 'In batch', owner: ids.alice })
      b.collection('things').update(ids.thing2!, { amount: 1 })
      b.collection('users').update(ids.alice!, { name: 'Alice B.' })
      const res = await b.send()
      const tags = await pb.collection('tags').getFullList({ sort: 'label' })
      return { res: res.map((r) => ({ status: r.status, title: r.body?.title })), tags }
    },
  },
  {
    name: 'create with a custom id, expand and fields on the response (alice)',
    as: 'alice',
    status: 200,
    call: (pb, ids) =>
      pb
        .collection('things')
        .create(
          { id: 'customthing0001', title: 'Custom', owner: ids.alice, unknownKey: 1 },
          { expand: 'owner', fields: 'id,title,expand.owner.email' },
        ),
  },
  {
    name: 'create with an invalid id (alice)',
    as: 'alice',
    status: 400,
    call: (pb, ids) =>
      pb.collection('things').create({ id: 'bad id!', title: 'x', owner: ids.alice }),
  },
  {
    name: 'create with a duplicate id (alice)',
    as: 'alice',
    status: 400,
    call: (pb, ids) =>
      pb.collection('things').create({ id: 'customthing0001', title: 'x', owner: ids.alice }),
  },
  {
    name: 'multipart create through FormData (superuser)',
    as: 'su',
    status: 200,
    call: (pb) => {
      const fd = new FormData()
      fd.append('label', 'from-form')
      return pb.collection('tags').create(fd, { fields: 'label' })
    },
  },
  {
    name: 'sign up with verified=true and a mismatched confirm (guest)',
    as: 'guest',
    status: 400,
    call: (pb) =>
      pb.collection('users').create({
        email: 'carol@example.com',
        password: 'carol-pass-1',
        passwordConfirm: 'carol-pass-2',
        verified: true,
      }),
  },
  {
    name: 'change own email without manage access (alice)',
    as: 'alice',
    status: 400,
    call: (pb, ids) => pb.collection('users').update(ids.alice!, { email: 'new@example.com' }),
  },
  {
    name: 'impersonate a user (superuser)',
    as: 'su',
    status: 200,
    call: async (pb, ids) => {
      const other = await pb.collection('users').impersonate(ids.bob!, 600)
      const mine = await other.collection('things').getFullList({ fields: 'title' })
      return { record: other.authStore.record, mine }
    },
  },
  {
    name: 'batch: upsert, expand in the sub-request URL (alice)',
    as: 'alice',
    status: 200,
    call: async (pb, ids) => {
      const b = pb.createBatch()
      b.collection('things').upsert(
        { id: 'upsertthing0001', title: 'Upserted', owner: ids.alice },
        { expand: 'owner', fields: 'id,title,expand.owner.name' },
      )
      b.collection('things').upsert({ id: ids.thing2, title: 'Two again' }, { fields: 'title' })
      return b.send()
    },
  },
  {
    name: 'rules with @request.body, :isset, :changed and @collection (superuser sets up)',
    as: 'su',
    status: 200,
    call: (pb) =>
      pb.collections.create({
        name: 'notes',
        type: 'base',
        fields: [
          { name: 'text', type: 'text' },
          { name: 'owner', type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 1 },
          { name: 'locked', type: 'bool' },
        ],
        listRule: '@request.auth.id != "" && @collection.things.owner ?= @request.auth.id',
        viewRule: 'owner = @request.auth.id',
        createRule:
          '@request.body.text ~ "note" && @request.body.owner = @request.auth.id && @request.body.locked:isset = false && @request.auth.name != "Bob"',
        updateRule: 'owner = @request.auth.id && @request.body.owner:changed = false',
        deleteRule: 'owner = @request.auth.id && locked = false',
      }),
  },
  {
    name: 'rules: create refused by @request.body (alice)',
    as: 'alice',
    status: 400,
    call: (pb, ids) => pb.collection('notes').create({ text: 'abc', owner: ids.alice }),
  },
  {
    name: 'rules: create refused by :isset (alice)',
    as: 'alice',
    status: 400,
    call: (pb, ids) =>
      pb.collection('notes').create({ text: 'a note', owner: ids.alice, locked: false }),
  },
  {
    name: 'rules: create allowed, then list through @collection (alice)',
    as: 'alice',
    status: 200,
    call: async (pb, ids) => {
      await pb
        .collection('notes')
        .create({ id: 'alicenote000001', text: 'my note', owner: ids.alice })
      return pb.collection('notes').getList(1, 10, { fields: 'id,text,owner,locked' })
    },
  },
  {
    name: 'rules: update refused by :changed (alice)',
    as: 'alice',
    status: 404,
    call: (pb, ids) =>
      pb.collection('notes').update('alicenote000001', { owner: ids.bob, text: 'x' }),
  },
  {
    name: 'rules: list for a user without things (guest gets nothing)',
    as: 'guest',
    status: 200,
    call: (pb) => pb.collection('notes').getList(),
  },
  {
    name: 'delete a tag referenced by relations (superuser)',
    as: 'su',
    status: 200,
    call: async (pb, ids) => {
      await pb.collection('tags').delete(ids.tagRed!)
      return pb.collection('things').getOne(ids.thing1!, { fields: 'tags' })
    },
  },
  {
    name: 'delete a user referenced by things and notes (superuser)',
    as: 'su',
    status: 200,
    call: async (pb, ids) => {
      await pb.collection('users').delete(ids.bob!)
      return pb.collection('things').getOne(ids.thing3!, { fields: 'owner,title' })
    },
  },
  // Apple client secret (the JWT differs per call: compare its header and claims)
  ...(
    [
      ['valid key (superuser)', { privateKey: APPLE_KEY }],
      [
        'blank form (superuser)',
        { clientId: '', teamId: '', keyId: '', privateKey: '', duration: 0 },
      ],
      [
        'bad lengths and format (superuser)',
        { teamId: '123', keyId: 'x', privateKey: 'abc', duration: 15_777_001 },
      ],
      ['RSA key (superuser)', { privateKey: APPLE_RSA_KEY }],
    ] as const
  ).map(
    ([label, input]): CompatCase => ({
      name: `apple client secret: ${label}`,
      as: 'su',
      status: label.startsWith('valid') ? 200 : 400,
      call: async (pb) => {
        const f = {
          clientId: 'com.example.app',
          teamId: 'ABCDEFGHIJ',
          keyId: 'KEYID12345',
          duration: 3600,
          ...input,
        }
        const { secret } = await pb.settings.generateAppleClientSecret(
          f.clientId,
          f.teamId,
          f.keyId,
          f.privateKey,
          f.duration,
        )
        const claims = decodeJwt(secret)
        return {
          header: decodeProtectedHeader(secret),
          claims: { ...claims, iat: 0, exp: claims.exp! - claims.iat! },
        }
      },
    }),
  ),
  // crons (PocketBase apis/cron.go)
  { name: 'crons list (guest)', as: 'guest', status: 401, call: (pb) => pb.crons.getFullList() },
  { name: 'crons list (alice)', as: 'alice', status: 403, call: (pb) => pb.crons.getFullList() },
  { name: 'crons list (superuser)', as: 'su', status: 200, call: (pb) => pb.crons.getFullList() },
  {
    name: 'crons run an unknown job (superuser)',
    as: 'su',
    status: 404,
    call: (pb) => pb.crons.run('missing'),
  },
  {
    name: 'crons run __pbOTPCleanup__ (superuser)',
    as: 'su',
    status: 200,
    call: (pb) => pb.crons.run('__pbOTPCleanup__'),
  },
  // SQL console (PocketBase 0.39+ apis/sql.go); execTime is timing, not compared
  { name: 'sql (guest)', as: 'guest', status: 401, call: (pb) => sqlRun(pb, 'select 1') },
  { name: 'sql (alice)', as: 'alice', status: 403, call: (pb) => sqlRun(pb, 'select 1') },
  {
    name: 'sql literals: every cell a string or null, Go number formatting (superuser)',
    sqliteOnly: 'SQLite literals and types',
    as: 'su',
    status: 200,
    call: (pb) =>
      sqlRun(
        pb,
        "SELECT 1 AS a, 'x' AS b, NULL AS c, 1.5 AS d, x'68690a' AS e, 9223372036854775807 AS big, 1e300*1e300, -0.0, 0.1+0.2, 1e20, 1234567.0, 100000.0, 0.00001, 123456789012345678901234567890",
      ),
  },
  {
    name: 'sql blank, too long, wrong type (superuser)',
    as: 'su',
    status: 200,
    call: async (pb) => ({
      empty: await outcome(sqlRun(pb, '')),
      blank: await outcome(sqlRun(pb, '   ')),
      max: (await outcome(sqlRun(pb, `select 1${' '.repeat(4992)}`))).status,
      tooLong: await outcome(sqlRun(pb, `select 1${' '.repeat(4993)}`)),
      bytes: await outcome(sqlRun(pb, `select 'é'${' '.repeat(4990)}`)),
      number: await outcome(pb.send('/api/sql', { method: 'POST', body: { query: 1 } })),
    }),
  },
  {
    name: 'sql raw errors (superuser)',
    sqliteOnly: "SQLite's raw error texts",
    as: 'su',
    status: 200,
    call: async (pb) => ({
      syntax: await outcome(sqlRun(pb, 'selec 1')),
      table: await outcome(sqlRun(pb, 'select * from nope')),
      overflow: await outcome(sqlRun(pb, 'select abs(-9223372036854775808)')),
      param: await outcome(sqlRun(pb, 'select ?')),
      named: await outcome(sqlRun(pb, 'select :x')),
      second: await outcome(sqlRun(pb, 'select 1; selec 2')),
    }),
  },
  {
    name: 'sql writes: one transaction, affectedRows, then reads (superuser)',
    sqliteOnly: "SQLite's statements and types",
    as: 'su',
    status: 200,
    call: async (pb) => {
      // NOTE: a DDL statement reports the connection's previous change count; not compared
      const created = await sqlRun(
        pb,
        'create table sqlc (id integer primary key, name text not null unique, d datetime, e date, f timestamp, vc varchar(20), b bool, r real)',
      )
      return {
        created: { ...created, affectedRows: 0 },
        insert: await outcome(
          sqlRun(
            pb,
            "insert into sqlc (name, d, e, f, r) values ('a', '2024-01-02 03:04:05.678Z', '2024-01-02', '2024-01-02T03:04:05+02:00', 2.5), ('b', 1700000000, 'x', 12.5, null)",
          ),
        ),
        duplicate: await outcome(sqlRun(pb, "insert into sqlc (name) values ('a')")),
        rolledBack: await outcome(
          sqlRun(pb, "insert into sqlc (name) values ('c'); insert into sqlc (name) values ('a')"),
        ),
        two: await outcome(
          sqlRun(pb, "insert into sqlc (name) values ('d'); insert into sqlc (name) values ('e')"),
        ),
        thenSelect: await outcome(sqlRun(pb, "insert into sqlc (name) values ('f'); select 1")),
        update: await outcome(sqlRun(pb, 'update sqlc set b = 1 where id > 1')),
        replace: await outcome(sqlRun(pb, "replace into sqlc (id, name) values (6, 'ff')")),
        alter: (await outcome(sqlRun(pb, 'alter table sqlc add column z text'))).status,
        rows: await outcome(sqlRun(pb, 'select * from sqlc order by id')),
        readRunsWrites: await outcome(
          sqlRun(pb, "with x as (select 1) insert into sqlc (name) select 'w' from x"),
        ),
        count: await outcome(sqlRun(pb, 'select count(*), max(id) from sqlc')),
        last: await outcome(sqlRun(pb, 'select 1; select 2 as two;')),
        capped: await outcome(
          sqlRun(
            pb,
            'with recursive c(x) as (select 1 union all select x+1 from c where x < 1200) select x from c',
          ).then((r) => ({ n: r.rows.length, last: r.rows.at(-1), columns: r.columns })),
        ),
        dropped: (await outcome(sqlRun(pb, 'drop table sqlc'))).status,
      }
    },
  },
  {
    name: 'sql over _superusers: columns and declared types (superuser)',
    sqliteOnly: "SQLite's declared column types",
    as: 'su',
    status: 200,
    call: (pb) =>
      sqlRun(pb, 'select * from _superusers').then((r) => ({ ...r, rows: r.rows.length })),
  },
  {
    name: 'password change invalidates old tokens (alice, last)',
    as: 'alice',
    status: 200,
    call: async (pb, ids) => {
      const old = pb.authStore.token
      const wrong = await outcome(
        pb.collection('users').update(ids.alice!, {
          oldPassword: 'nope-nope-1',
          password: 'alice-pass-2',
          passwordConfirm: 'alice-pass-2',
        }),
      )
      await pb.collection('users').update(ids.alice!, {
        oldPassword: 'alice-pass-1',
        password: 'alice-pass-2',
        passwordConfirm: 'alice-pass-2',
      })
      pb.authStore.save(old, null)
      const stale = await outcome(pb.collection('users').authRefresh())
      const fresh = await outcome(
        pb.collection('users').authWithPassword('alice@example.com', 'alice-pass-2'),
      )
      return { wrong, stale, freshStatus: fresh.status }
    },
  },
]

describe('PocketBase vs Satchel: same call, same answer', () => {
  // NOTE: on PostgreSQL (compat-postgres.test.ts) the cases whose answer is SQLite's own are out.
  const run = satchelUsesPostgres() ? cases.filter((c) => c.sqliteOnly === undefined) : cases
  test.each(run.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const res = await pair.run(c)
    expect(res.pocketbase.status).toBe(c.status)
    // on a mismatch, show what the Satchel process printed (crashes, stack traces)
    const log = pair.servers.satchel.proc.output().slice(-3000)
    expect(res.satchel, `satchel output (tail):\n${log}`).toEqual(res.pocketbase)
  })
})

// Issue 10 item 10: filters and rules through a relation to the caller's own record (single and
// multiple relations to `users` and `things`; autodate, date, bool, number, text; `!= ""`,
// `= ""`, `= null`, `@request.auth.*`) return the same notes on both servers.
describe("relation filters to the caller's own record match PocketBase", () => {
  const KINDS = ['pocketbase', 'satchel'] as const
  const notes: { [K in ServerKind]: string[] } = { pocketbase: [], satchel: [] }
  const tokens: { [K in ServerKind]: string } = { pocketbase: '', satchel: '' }

  beforeAll(async () => {
    for (const kind of KINDS) {
      const { proc, seed } = pair.servers[kind]
      const su = client(proc.url, seed.tokens.su)
      const users = await su.collections.getOne('users')
      const things = await su.collections.getOne('things')
      await su.collections.create({
        name: 'own_notes',
        type: 'base',
        fields: [
          { name: 'title', type: 'text' },
          { name: 'owner', type: 'relation', collectionId: users.id, maxSelect: 1 },
          { name: 'owners', type: 'relation', collectionId: users.id, maxSelect: 5 },
          { name: 'thing', type: 'relation', collectionId: things.id, maxSelect: 1 },
          { name: 'things', type: 'relation', collectionId: things.id, maxSelect: 5 },
          { name: 'created', type: 'autodate', onCreate: true },
        ],
        listRule: 'owner = @request.auth.id',
        createRule: '',
      })
      // NOTE: the cases above edited the seed: make the related records here.
      const alice = seed.ids.alice!
      // (alice's seed token may be stale: a case above changed her password)
      const pb = await su.collection('users').impersonate(alice, 3600)
      tokens[kind] = pb.authStore.token
      const other = (
        await su.collection('users').create({
          email: 'carol@example.com',
          password: 'carol-pass-1',
          passwordConfirm: 'carol-pass-1',
          name: 'Carol',
        })
      ).id
      const thing1 = (
        await su.collection('things').create({
          title: 'own 1',
          owner: alice,
          due: '2025-01-02 03:04:05.000Z',
          amount: 2,
          active: true,
        })
      ).id
      const thing2 = (await su.collection('things').create({ title: 'own 2', owner: alice })).id
      const shapes = [
        { owners: [], thing: '', things: [] },
        { owners: [alice], thing: thing1, things: [thing1] },
        { owners: [alice, other], thing: thing2, things: [thing1, thing2] },
        { owners: [other], thing: '', things: [thing2] },
      ]
      for (const [i, shape] of shapes.entries()) {
        const r = await pb
          .collection('own_notes')
          .create({ title: `n${i}`, owner: alice, ...shape })
        notes[kind].push(r.id)
      }
    }
  }, 60_000)

  /** The note numbers the caller gets (or the error status), on one server. */
  async function listed(kind: ServerKind, filter: string): Promise<unknown> {
    const r = await outcome(
      client(pair.servers[kind].proc.url, tokens[kind])
        .collection('own_notes')
        .getFullList({ filter, sort: 'title', fields: 'id' }),
    )
    if (r.status !== 200) return r
    return (r.body as { id: string }[]).map((x) => notes[kind].indexOf(x.id))
  }

  const conds = ['!= ""', '= ""', '= null', '!= null']
  const family = [
    'owner.verified = true && owner.created != ""',
    'owners.verified = true && owners.created != ""',
    'owner.verified = true && owner.created != "" && owner.updated != ""',
    'owners.verified ?= true && owners.created ?!= ""',
    ...['created', 'updated', 'verified', 'emailVisibility', 'name', 'email', 'id'].flatMap((f) =>
      conds.flatMap((c) => [`owner.${f} ${c}`, `owners.${f} ${c}`]),
    ),
    ...['created', 'due', 'active', 'amount', 'title', 'owner'].flatMap((f) =>
      conds.flatMap((c) => [`thing.${f} ${c}`, `things.${f} ${c}`]),
    ),
    'thing.owner.verified = true && thing.owner.created != ""',
    'things.owner.created != "" && thing.due = ""',
    'owner.created < @now && owner.created > "2000-01-01"',
    'thing.amount > 0 && thing.active = true',
  ]
  test('the reported filter returns all four of her notes on both', async () => {
    const filter = 'owner.verified = true && owner.created != ""'
    for (const kind of KINDS) expect(await listed(kind, filter)).toEqual([0, 1, 2, 3])
  })

  test.each(family)('filter %s', async (filter) => {
    const [p, s] = await Promise.all(KINDS.map((k) => listed(k, filter)))
    expect(s).toEqual(p)
  })

  const rules = [
    '@request.auth.verified = true && @request.auth.created != ""',
    'owner = @request.auth.id && owner.created = @request.auth.created',
    'owners.created ?= @request.auth.created',
    'owner.verified = @request.auth.verified && owner.name = @request.auth.name',
    ...['created', 'updated', 'verified', 'name', 'email'].flatMap((f) =>
      conds.map((c) => `owner = @request.auth.id && @request.auth.${f} ${c}`),
    ),
  ]
  test.each(rules)('list rule %s', async (rule) => {
    const got: unknown[] = []
    for (const kind of KINDS) {
      const { proc, seed } = pair.servers[kind]
      await client(proc.url, seed.tokens.su).collections.update('own_notes', { listRule: rule })
      got.push(await listed(kind, ''))
    }
    expect(got[1]).toEqual(got[0])
  })
})
