import type PocketBase from 'pocketbase'
import type { CollectionModel, RecordModel } from 'pocketbase'
import { client } from './sdk.ts'

/** The superuser every seeded data dir gets (created with the server's CLI). */
export const SEED_SU = { email: 'root@example.com', password: 'root-pass-123' } as const

/** The regular users the seed signs up (passwords in clear, for later authWithPassword). */
export const SEED_USERS = [
  { key: 'alice', email: 'alice@example.com', password: 'alice-pass-1', name: 'Alice' },
  { key: 'bob', email: 'bob@example.com', password: 'bob-pass-123', name: 'Bob' },
] as const

/** What `seedThroughSdk` created: record ids by key and tokens issued by the seeding server. */
export interface SeedResult {
  readonly ids: { readonly [key: string]: string }
  readonly tokens: { readonly su: string; readonly alice: string; readonly bob: string }
}

/**
 * Seeds a running server only through the official SDK, the way an application would: a `tags`
 * base collection with a unique index, a `things` base collection with one field of each common
 * kind (incl. hidden text, geoPoint, single and multiple relations) and owner rules, a view
 * collection, two signed-up users, tags and things. The superuser must already exist.
 */
export async function seedThroughSdk(url: string): Promise<SeedResult> {
  const su = client(url)
  await su.collection('_superusers').authWithPassword(SEED_SU.email, SEED_SU.password)
  const ids: { [key: string]: string } = {}
  const users = await su.collections.getOne('users')

  const tags = await su.collections.create({
    name: 'tags',
    type: 'base',
    fields: [
      { name: 'name', type: 'text', required: true, max: 50 },
      { name: 'created', type: 'autodate', onCreate: true },
    ],
    indexes: ['CREATE UNIQUE INDEX `idx_tags_name` ON `tags` (`name`)'],
    listRule: '',
    viewRule: '',
  })
  await su.collections.create({
    name: 'things',
    type: 'base',
    fields: [
      { name: 'title', type: 'text', required: true, max: 100 },
      { name: 'body', type: 'editor' },
      { name: 'amount', type: 'number', min: 0 },
      { name: 'active', type: 'bool' },
      { name: 'contact', type: 'email' },
      { name: 'site', type: 'url' },
      { name: 'due', type: 'date' },
      { name: 'kind', type: 'select', values: ['a', 'b', 'c'], maxSelect: 1 },
      { name: 'labels', type: 'select', values: ['x', 'y', 'z'], maxSelect: 3 },
      { name: 'data', type: 'json' },
      { name: 'location', type: 'geoPoint' },
      { name: 'owner', type: 'relation', collectionId: users.id, maxSelect: 1 },
      { name: 'tags', type: 'relation', collectionId: tags.id, maxSelect: 5 },
      { name: 'secret', type: 'text', hidden: true },
      { name: 'created', type: 'autodate', onCreate: true },
      { name: 'updated', type: 'autodate', onCreate: true, onUpdate: true },
    ],
    listRule: 'owner = @request.auth.id',
    viewRule: 'owner = @request.auth.id',
    createRule: '@request.auth.id != "" && owner = @request.auth.id',
    updateRule: 'owner = @request.auth.id',
    deleteRule: null,
  })
  await su.collections.create({
    name: 'thing_owners',
    type: 'view',
    listRule: '',
    viewRule: '',
    viewQuery:
      // NOTE: the quotes keep the alias's case on PostgreSQL too (it folds bare names)
      'SELECT t.id, t.title, u.name AS "ownerName" FROM things t LEFT JOIN users u ON u.id = t.owner',
  })

  const guest = client(url)
  const tokens: { [key: string]: string } = {}
  for (const u of SEED_USERS) {
    const rec = await guest.collection('users').create({
      email: u.email,
      emailVisibility: u.key === 'alice',
      password: u.password,
      passwordConfirm: u.password,
      name: u.name,
    })
    ids[u.key] = rec.id
    const pb = client(url)
    await pb.collection('users').authWithPassword(u.email, u.password)
    tokens[u.key] = pb.authStore.token
  }
  await su.collection('users').update(ids.alice!, { verified: true })

  ids.tagRed = (await su.collection('tags').create({ name: 'red' })).id
  ids.tagBlue = (await su.collection('tags').create({ name: 'blue' })).id

  const alice = client(url, tokens.alice)
  const bob = client(url, tokens.bob)
  ids.thing1 = (
    await alice.collection('things').create({
      title: 'First thing',
      body: '<p>Hello <b>world</b></p>',
      amount: 12.5,
      active: true,
      contact: 'contact@example.com',
      site: 'https://example.com/a',
      due: '2025-06-30 12:00:00.000Z',
      kind: 'b',
      labels: ['x', 'z'],
      data: { nested: { list: [1, 'two', null] }, ok: true },
      location: { lon: 23.32, lat: 42.69 },
      owner: ids.alice,
      tags: [ids.tagRed, ids.tagBlue],
      secret: 'alice-secret',
    })
  ).id
  ids.thing2 = (
    await alice.collection('things').create({ title: 'Second thing', owner: ids.alice })
  ).id
  ids.thing3 = (
    await bob.collection('things').create({
      title: 'Bob thing',
      amount: 3,
      kind: 'a',
      data: [1, 2, 3],
      owner: ids.bob,
      tags: [ids.tagBlue],
    })
  ).id
  return { ids, tokens: { su: su.authStore.token, alice: tokens.alice!, bob: tokens.bob! } }
}

/** Everything a superuser can read about the seeded data: collections and records by name. */
export interface SeedSnapshot {
  readonly collections: CollectionModel[]
  readonly records: { readonly [collection: string]: RecordModel[] }
  /** `things` as alice sees them (list rule + hidden field applied). */
  readonly aliceThings: RecordModel[]
}

/** The seeded collections whose records `snapshot` reads. */
export const SEED_COLLECTIONS = ['users', 'tags', 'things', 'thing_owners'] as const

/** Reads collections and records of the seed through the SDK (superuser + alice tokens). */
export async function snapshot(url: string, seed: SeedResult): Promise<SeedSnapshot> {
  const su: PocketBase = client(url, seed.tokens.su)
  const collections = await su.collections.getFullList({ sort: 'name' })
  const records: { [name: string]: RecordModel[] } = {}
  for (const name of SEED_COLLECTIONS) {
    records[name] = await su.collection(name).getFullList({ sort: 'id', expand: expandOf(name) })
  }
  const aliceThings = await client(url, seed.tokens.alice)
    .collection('things')
    .getFullList({ sort: 'title', expand: 'owner,tags' })
  return { collections, records, aliceThings }
}

function expandOf(name: string): string | undefined {
  return name === 'things' ? 'owner,tags' : undefined
}

const DATE_RE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?Z$/

/**
 * Replaces what naturally differs between two servers seeded the same way: record ids (mapped to
 * `<id:N>` in the given order, so references stay comparable), autodate timestamps (`<date>`)
 * and the random ids of view fields cloned from source fields (`<clone>`). Collection ids and
 * other field ids are deterministic in PocketBase, so they are kept as they are.
 */
export function normalise(value: unknown, recordIds: readonly string[]): unknown {
  const map = new Map<string, string>()
  for (const id of recordIds) if (!map.has(id)) map.set(id, `<id:${map.size}>`)
  const walk = (v: unknown, key: string): unknown => {
    if (typeof v === 'string') {
      if (map.has(v)) return map.get(v)
      if (key === 'id' && /^_clone_\w+$/.test(v)) return '<clone>'
      if ((key === 'created' || key === 'updated') && DATE_RE.test(v)) return '<date>'
      return v
    }
    if (Array.isArray(v)) return v.map((x) => walk(x, key))
    if (v !== null && typeof v === 'object') {
      const out: { [k: string]: unknown } = {}
      for (const [k, x] of Object.entries(v)) out[k] = walk(x, k)
      return out
    }
    return v
  }
  return walk(value, '')
}

/** The record ids of a seed in a stable order (for `normalise`). */
export function seedIdOrder(seed: SeedResult): string[] {
  return ['alice', 'bob', 'tagRed', 'tagBlue', 'thing1', 'thing2', 'thing3'].map(
    (k) => seed.ids[k]!,
  )
}

/**
 * `normalise`s a snapshot, orders every record list by its normalised id and hides email template
 * texts, so snapshots of two servers seeded the same way compare equal.
 */
export function normaliseSnapshot(snap: SeedSnapshot, seed: SeedResult): unknown {
  const n = normalise(snap, seedIdOrder(seed)) as {
    collections: unknown
    records: { [name: string]: { id: string }[] }
  }
  for (const list of Object.values(n.records)) list.sort((a, b) => a.id.localeCompare(b.id))
  n.collections = hideEmailTemplates(n.collections)
  return n
}

/**
 * Replaces the texts of email templates (`{subject, body}` objects) with placeholders: Satchel
 * ships its own wording, only the shape and the placeholders' presence must match.
 */
export function hideEmailTemplates(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(hideEmailTemplates)
  if (value === null || typeof value !== 'object') return value
  const keys = Object.keys(value).sort().join(',')
  if (keys === 'body,subject') return { subject: '<subject>', body: '<body>' }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, hideEmailTemplates(v)]))
}

/** The member the extra seed signs up in the `members` auth collection. */
export const SEED_MEMBER = {
  email: 'member@example.com',
  username: 'member_one',
  password: 'member-pass-1',
} as const

/**
 * Seeds what only the interop test needs on top of `seedThroughSdk`: app settings with secrets
 * (SMTP password, S3 secret), batch and rate limits, and a `members` auth collection with a
 * username identity field, a hidden password field, a manage rule and custom token durations.
 * Returns the member's id and a token issued for it.
 */
export async function seedExtras(
  url: string,
  seed: SeedResult,
): Promise<{ memberId: string; memberToken: string }> {
  const su = client(url, seed.tokens.su)
  await su.settings.update({
    meta: { appName: 'Interop App', senderName: 'Interop', senderAddress: 'noreply@example.com' },
    smtp: {
      enabled: true,
      host: 'smtp.example.com',
      port: 2525,
      username: 'mailer',
      password: 'smtp-secret',
      tls: false,
    },
    s3: {
      enabled: false,
      bucket: 'b',
      region: 'r',
      endpoint: 'https://s3.example.com',
      accessKey: 'ak',
      secret: 's3-secret',
    },
    batch: { enabled: true, maxRequests: 20, timeout: 5 },
    rateLimits: {
      enabled: true,
      rules: [{ label: '/api/', audience: '', duration: 10, maxRequests: 1000 }],
    },
  })
  await su.collections.create({
    name: 'members',
    type: 'auth',
    fields: [
      { name: 'username', type: 'text', required: true, min: 3, max: 30, pattern: '^[a-z_]+$' },
      { name: 'pin', type: 'password', min: 4, max: 8, hidden: true },
    ],
    indexes: [
      'CREATE UNIQUE INDEX `idx_members_username` ON `members` (`username` COLLATE NOCASE)',
    ],
    passwordAuth: { enabled: true, identityFields: ['email', 'username'] },
    authToken: { duration: 3600 },
    manageRule: '@request.auth.collectionName = "users" && @request.auth.verified = true',
    listRule: 'id = @request.auth.id',
    viewRule: 'id = @request.auth.id',
    createRule: '',
  })
  const m = await client(url)
    .collection('members')
    .create({ ...SEED_MEMBER, passwordConfirm: SEED_MEMBER.password, pin: '1234' })
  const pb = client(url)
  await pb.collection('members').authWithPassword(SEED_MEMBER.username, SEED_MEMBER.password)
  return { memberId: m.id, memberToken: pb.authStore.token }
}

/** Settings and members as a superuser sees them (secrets are masked by the API). */
export async function snapshotExtras(url: string, seed: SeedResult): Promise<unknown> {
  const su = client(url, seed.tokens.su)
  const settings = await su.settings.getAll()
  const members = await su.collection('members').getFullList({ sort: 'id' })
  return { settings, members }
}
