// pb_data interop with the real PocketBase: a data dir written by one server opens in the other
// with the same collections, records, passwords and tokens.
// A: PocketBase writes, Satchel reads. B: Satchel writes, PocketBase reads.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { describeSchema, queryDataDb } from '../src/tests/pb-data.ts'
import {
  cleanupAll,
  makeTempDir,
  pocketBaseExecutable,
  type ServerProcess,
} from '../src/tests/process.ts'
import {
  client,
  runCli,
  type ServerKind,
  startServer,
  targetKind,
  upsertSuperuser,
} from '../src/tests/sdk.ts'
import {
  normaliseSnapshot,
  SEED_MEMBER,
  SEED_SU,
  SEED_USERS,
  type SeedResult,
  type SeedSnapshot,
  seedExtras,
  seedThroughSdk,
  snapshot,
  snapshotExtras,
} from '../src/tests/sdk-seed.ts'

// resolve (and on a clean machine download) the real PocketBase before any test's timeout runs
beforeAll(() => {
  pocketBaseExecutable()
}, 180_000)

afterAll(() => {
  cleanupAll()
})

// token secrets are random per data dir; email template texts are Satchel's own wording
const hideDiffering = (key: string, value: unknown) =>
  typeof value === 'string' && ['secret', 'subject', 'body'].includes(key) ? `<${key}>` : value

describe('fresh data dirs', () => {
  const pbDir = makeTempDir('satchel-interop-')
  const satDir = makeTempDir('satchel-interop-')

  test('each CLI creates the same schema, migrations and system collections', async () => {
    upsertSuperuser('pocketbase', pbDir, SEED_SU.email, SEED_SU.password)
    upsertSuperuser(subject, satDir, SEED_SU.email, SEED_SU.password)
    for (const file of ['data.db', 'auxiliary.db']) {
      expect(await describeSchema(join(satDir, file))).toEqual(
        await describeSchema(join(pbDir, file)),
      )
    }
    const migrations = 'SELECT file FROM _migrations ORDER BY file'
    expect(await queryDataDb(satDir, migrations)).toEqual(await queryDataDb(pbDir, migrations))
    const collections = async (dir: string) =>
      (
        await queryDataDb<{ [k: string]: unknown }>(dir, 'SELECT * FROM _collections ORDER BY name')
      ).map(({ created: _c, updated: _u, ...rest }) =>
        Object.fromEntries(
          Object.entries(rest).map(([k, v]) => [
            k,
            typeof v === 'string' && /^[[{]/.test(v) ? JSON.parse(v, hideDiffering) : v,
          ]),
        ),
      )
    expect(await collections(satDir)).toEqual(await collections(pbDir))
    const su =
      'SELECT email, verified, length(tokenKey) AS tk, substr(password, 1, 7) AS algo FROM _superusers'
    expect(await queryDataDb(satDir, su)).toEqual(await queryDataDb(pbDir, su))
  })

  test('a superuser saved by one CLI authenticates in the other server', async () => {
    // Satchel's CLI writes into PocketBase's dir; PocketBase serves both dirs
    runCli(subject, ['superuser', 'upsert', 'other@example.com', 'other-pass-1', `--dir=${pbDir}`])
    for (const [dir, email, password] of [
      [satDir, SEED_SU.email, SEED_SU.password],
      [pbDir, 'other@example.com', 'other-pass-1'],
    ] as const) {
      const pb = await startServer('pocketbase', dir)
      try {
        const res = await client(pb.url).collection('_superusers').authWithPassword(email, password)
        expect(res.record.email).toBe(email)
      } finally {
        expect(await pb.stop('SIGTERM')).toBe(0)
      }
    }
  })
})

describe('settings encrypted with --encryptionEnv', () => {
  const dir = makeTempDir('satchel-interop-')
  const key = { INTEROP_ENC_KEY: 'abcdefghijklmnopqrstuvwxyz012345' }
  const extras = { args: ['--encryptionEnv=INTEROP_ENC_KEY'], env: key }
  const stored = async () =>
    (
      await queryDataDb<{ value: string }>(dir, "SELECT value FROM _params WHERE id = 'settings'")
    )[0]!.value

  test('PocketBase encrypts, Satchel reads and re-encrypts, PocketBase reads back', async () => {
    upsertSuperuser('pocketbase', dir, SEED_SU.email, SEED_SU.password)
    const chain: [ServerKind, string][] = [
      ['pocketbase', 'Written by PocketBase'],
      [subject, 'Written by Satchel'],
      ['pocketbase', ''],
    ]
    let expected = ''
    for (const [kind, appName] of chain) {
      const server = await startServer(kind, dir, undefined, extras)
      try {
        const su = client(server.url)
        await su.collection('_superusers').authWithPassword(SEED_SU.email, SEED_SU.password)
        const settings = await su.settings.getAll()
        if (expected !== '') expect(settings.meta.appName).toBe(expected)
        if (appName !== '') {
          await su.settings.update({ meta: { appName }, smtp: { password: `${kind}-secret` } })
          expected = appName
        }
      } finally {
        const code = await server.stop('SIGTERM')
        expect(code, `${kind} exit after SIGTERM; output:\n${server.output().slice(-2000)}`).toBe(0)
      }
      expect(await stored()).not.toContain('appName')
    }
  })
})

interface Direction {
  readonly writer: ServerKind
  readonly reader: ServerKind
  seed?: SeedResult
  extras?: { memberId: string; memberToken: string }
  before?: SeedSnapshot
  beforeExtras?: unknown
  after?: SeedSnapshot
}

// SATCHEL_E2E_TARGET=pocketbase puts PocketBase in Satchel's place (checks the test itself)
const subject = targetKind()
const directions: Direction[] = [
  { writer: 'pocketbase', reader: subject },
  { writer: subject, reader: 'pocketbase' },
]

for (const d of directions) {
  describe(`${d.writer} writes pb_data, ${d.reader} opens it`, () => {
    let server: ServerProcess | undefined
    const dir = makeTempDir('satchel-interop-')

    afterAll(async () => {
      await server?.stop('SIGKILL')
    })

    test(`${d.writer}: superuser via CLI, seed through the SDK, stop`, async () => {
      upsertSuperuser(d.writer, dir, SEED_SU.email, SEED_SU.password)
      server = await startServer(d.writer, dir)
      d.seed = await seedThroughSdk(server.url)
      d.extras = await seedExtras(server.url, d.seed)
      d.before = await snapshot(server.url, d.seed)
      d.beforeExtras = await snapshotExtras(server.url, d.seed)
      expect(await server.stop('SIGTERM')).toBe(0)
      server = undefined
    })

    test(`${d.reader}: same collections and records JSON`, async () => {
      const seed = d.seed!
      server = await startServer(d.reader, dir)
      d.after = await snapshot(server.url, seed)
      expect(d.after.collections).toEqual(d.before!.collections)
      expect(d.after.records).toEqual(d.before!.records)
      expect(d.after.aliceThings).toEqual(d.before!.aliceThings)
    })

    test(`${d.reader}: same settings (secrets masked) and auth collection options`, async () => {
      expect(await snapshotExtras(server!.url, d.seed!)).toEqual(d.beforeExtras)
    })

    test(`${d.reader}: username identity, password field and token of another auth collection`, async () => {
      const { memberId, memberToken } = d.extras!
      const byName = await client(server!.url)
        .collection('members')
        .authWithPassword(SEED_MEMBER.username.toUpperCase(), SEED_MEMBER.password)
      expect(byName.record).toMatchObject({ id: memberId, username: SEED_MEMBER.username })
      expect(byName.record).not.toHaveProperty('pin')
      const refreshed = await client(server!.url, memberToken).collection('members').authRefresh()
      expect(refreshed.record.id).toBe(memberId)
      // the token's collection is checked: a members token is not a users token
      const wrong = await client(server!.url, memberToken)
        .collection('users')
        .authRefresh()
        .catch((e: { status: number }) => e.status)
      expect(wrong).toBe(403)
    })

    test(`${d.reader}: tokens issued by ${d.writer} still work`, async () => {
      const seed = d.seed!
      const su = client(server!.url, seed.tokens.su)
      expect((await su.collections.getOne('things')).name).toBe('things')
      const alice = client(server!.url, seed.tokens.alice)
      const refreshed = await alice.collection('users').authRefresh()
      expect(refreshed.record).toMatchObject({ id: seed.ids.alice, email: 'alice@example.com' })
      const bob = client(server!.url, seed.tokens.bob)
      const bobs = await bob.collection('things').getFullList()
      expect(bobs.map((r) => r.id)).toEqual([seed.ids.thing3])
    })

    test(`${d.reader}: passwords hashed by ${d.writer} authenticate`, async () => {
      for (const u of SEED_USERS) {
        const pb = client(server!.url)
        const res = await pb.collection('users').authWithPassword(u.email, u.password)
        expect(res.record.id).toBe(d.seed!.ids[u.key])
      }
      const su = client(server!.url)
      await su.collection('_superusers').authWithPassword(SEED_SU.email, SEED_SU.password)
      expect(su.authStore.isSuperuser).toBe(true)
    })

    test(`${d.reader}: writes keep working on the opened dir`, async () => {
      const seed = d.seed!
      const alice = client(server!.url, seed.tokens.alice)
      const created = await alice
        .collection('things')
        .create({ title: 'Made after the switch', owner: seed.ids.alice, tags: [seed.ids.tagRed] })
      const updated = await alice
        .collection('things')
        .update(seed.ids.thing2!, { amount: 7, labels: ['y'] })
      expect(updated).toMatchObject({ amount: 7, labels: ['y'] })
      const list = await alice.collection('things').getFullList({ sort: 'title', expand: 'tags' })
      expect(list.map((r) => r.title)).toEqual([
        'First thing',
        'Made after the switch',
        'Second thing',
      ])
      expect(list[1]!.expand?.tags?.[0]?.name).toBe('red')
      const su = client(server!.url, seed.tokens.su)
      const dup = await su
        .collection('tags')
        .create({ name: 'red' })
        .catch((e: { status: number; response: { data: object } }) => e)
      expect(dup).toMatchObject({
        status: 400,
        response: { data: { name: { code: 'validation_not_unique' } } },
      })
      expect(
        await alice
          .collection('things')
          .delete(created.id)
          .catch((e) => e.status),
      ).toBe(403)
      await su.collection('things').delete(created.id)
      await su.settings.update({ meta: { appName: `Changed by ${d.reader}` } })
      expect(await server!.stop('SIGTERM')).toBe(0)
      server = undefined
    })

    test(`${d.writer} again: sees what ${d.reader} wrote`, async () => {
      const seed = d.seed!
      server = await startServer(d.writer, dir)
      const su = client(server.url, seed.tokens.su)
      expect((await su.settings.getAll()).meta.appName).toBe(`Changed by ${d.reader}`)
      const thing2 = await su.collection('things').getOne(seed.ids.thing2!)
      expect(thing2).toMatchObject({ amount: 7, labels: ['y'] })
      const titles = (await su.collection('things').getFullList({ sort: 'title' })).map(
        (r) => r.title,
      )
      expect(titles).toEqual(['Bob thing', 'First thing', 'Second thing'])
      const alice = client(server.url)
      await alice.collection('users').authWithPassword('alice@example.com', 'alice-pass-1')
      expect(alice.authStore.record?.id).toBe(seed.ids.alice)
    })
  })
}

describe('both servers produce the same JSON for the same SDK calls', () => {
  test('collections and records (ids and autodates normalised)', () => {
    const [a, b] = directions
    if (a?.before === undefined || b?.before === undefined) {
      throw new Error('both seeds must have run')
    }
    expect(normaliseSnapshot(b.before, b.seed!)).toEqual(normaliseSnapshot(a.before, a.seed!))
  })
})
