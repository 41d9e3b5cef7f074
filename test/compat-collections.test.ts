// Collections API scenarios (import, auth defaults, view queries, …) sent to the real PocketBase
// and to Satchel, both seeded the same way: status and JSON body must be equal. Cases change
// the schema, so they run on their own pair, in order; the destructive import comes last.
import type PocketBase from 'pocketbase'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type CompatCase, type CompatPair, outcome, startCompatPair } from '../src/tests/compat.ts'
import { pocketBaseExecutable } from '../src/tests/process.ts'

let pair: CompatPair

beforeAll(async () => {
  pocketBaseExecutable()
  pair = await startCompatPair()
}, 180_000)

afterAll(async () => {
  await pair?.close()
})

/** `PUT /api/collections/import` with a raw body (the SDK always sends a well-formed one). */
const importRaw = (pb: PocketBase, body: unknown) =>
  outcome(pb.send('/api/collections/import', { method: 'PUT', body }))

/** A collection without its timestamps (they differ between the two servers). */
const shape = async (pb: PocketBase, name: string) => {
  const { created: _c, updated: _u, ...rest } = await pb.collections.getOne(name)
  return rest
}

const cases: CompatCase[] = [
  {
    name: 'import: relations to a collection that comes later, both ways (superuser)',
    as: 'su',
    status: 200,
    call: async (pb) => {
      await pb.collections.import([
        {
          name: 'imp_a',
          fields: [{ name: 'b', type: 'relation', collectionId: 'impbbbbbbbbbbbb', maxSelect: 1 }],
        },
        {
          id: 'impbbbbbbbbbbbb',
          name: 'imp_b',
          fields: [
            { name: 't', type: 'text' },
            { name: 'a', type: 'relation', collectionId: 'pbc_57477905' },
          ],
        },
      ])
      return { a: await shape(pb, 'imp_a'), b: await shape(pb, 'imp_b') }
    },
  },
  {
    name: 'import: a relation to a missing collection rolls back (superuser)',
    as: 'su',
    status: 200,
    call: async (pb) => ({
      res: await outcome(
        pb.collections.import([
          { name: 'imp_c', fields: [{ name: 't', type: 'text' }] },
          { name: 'imp_d', fields: [{ name: 'r', type: 'relation', collectionId: 'nope' }] },
        ]),
      ),
      left: await pb.collections.getFullList({ filter: 'name ~ "imp_"', fields: 'name' }),
    }),
  },
  {
    name: 'import: a view with a failing query (superuser)',
    as: 'su',
    status: 400,
    call: (pb) =>
      pb.collections.import([
        { name: 'imp_v1', type: 'view', viewQuery: 'SELECT nope FROM zzz' },
        { name: 'imp_v2', type: 'view', viewQuery: 'SELECT 1 AS x' },
      ]),
  },
  {
    name: 'import: a view without an id column (superuser)',
    as: 'su',
    status: 400,
    call: (pb) =>
      pb.collections.import([{ name: 'imp_v2', type: 'view', viewQuery: 'SELECT 1 AS x' }]),
  },
  {
    name: 'import: an index on a missing column (superuser)',
    as: 'su',
    status: 400,
    call: (pb) =>
      pb.collections.import([
        { name: 'imp_e', indexes: ['CREATE INDEX idx_imp_e ON imp_e (nope)'] },
      ]),
  },
  {
    name: 'import: a reserved field name (superuser)',
    as: 'su',
    status: 400,
    call: (pb) =>
      pb.collections.import([
        { name: 'imp_f' },
        { name: 'imp_g', fields: [{ id: 'koih1lqx', name: 'expand', type: 'text' }] },
      ]),
  },
  {
    name: 'import: unknown identity field of an auth collection (superuser)',
    as: 'su',
    status: 400,
    call: (pb) =>
      pb.collections.import([
        { name: 'imp_h', type: 'auth', passwordAuth: { identityFields: ['email', 'nope'] } },
      ]),
  },
  {
    name: 'import: bodies that do not fit the form (superuser)',
    as: 'su',
    status: 200,
    call: async (pb) => ({
      empty: await importRaw(pb, { collections: [] }),
      missing: await importRaw(pb, {}),
      notList: await importRaw(pb, { collections: 'x' }),
      notObject: await importRaw(pb, { collections: [[]] }),
      nullItem: await importRaw(pb, { collections: [null] }),
      deleteMissing: await importRaw(pb, { collections: [{ name: 'q' }], deleteMissing: 'yes' }),
    }),
  },
  {
    name: 'import: update keeps unlisted fields; same name and type keeps the stored field (superuser)',
    as: 'su',
    status: 200,
    call: async (pb) => {
      await pb.collections.import([
        {
          name: 'tags',
          fields: [
            { id: 'other_id', name: 'name', type: 'text', max: 10 },
            { name: 'extra', type: 'bool' },
          ],
        },
      ])
      return shape(pb, 'tags')
    },
  },
  {
    name: 'import: update of an auth collection (superuser)',
    as: 'su',
    status: 200,
    call: async (pb) => {
      await pb.collections.import([
        {
          name: 'users',
          passwordAuth: { identityFields: ['email'] },
          fields: [{ name: 'nickname', type: 'text' }],
        },
      ])
      return shape(pb, 'users')
    },
  },
  {
    name: 'import: create, update and delete with deleteMissing (superuser, last)',
    as: 'su',
    status: 200,
    call: async (pb) => {
      const system = await pb.collections.getFullList({ filter: 'system = true' })
      const tags = await pb.collections.getOne('tags')
      const res = await outcome(
        pb.collections.import(
          [
            ...system,
            { name: 'imp_new', fields: [{ name: 'tag', type: 'relation', collectionId: tags.id }] },
            { ...tags, fields: tags.fields.filter((f: { name: string }) => f.name !== 'extra') },
            { name: 'imp_bare' },
          ],
          true,
        ),
      )
      const after = await pb.collections.getFullList({ sort: 'name', fields: 'name,type' })
      return { res, after, tags: await shape(pb, 'tags') }
    },
  },
]

describe('PocketBase vs Satchel: collections scenarios', () => {
  test.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const res = await pair.run(c)
    expect(res.pocketbase.status).toBe(c.status)
    const log = pair.servers.satchel.proc.output().slice(-3000)
    expect(res.satchel, `satchel output (tail):\n${log}`).toEqual(res.pocketbase)
  })
})
