import { findFirstRecordByData, findRecordById } from '../core/record-query.ts'
import { newAuthToken } from '../core/record-tokens.ts'
import { createTestCollection, createTestRecord } from '../tests/record-fixtures.ts'
import type { TestApp } from '../tests/test-app.ts'

/** Record ids of the records-API test schema (15 chars, `[a-z0-9]`). */
export const IDS = {
  a1: 'author000000001',
  a2: 'author000000002',
  h1: 'hidden000000001',
  p1: 'post00000000001',
  p2: 'post00000000002',
  p3: 'post00000000003',
  c1: 'comment00000001',
  l1: 'like00000000001',
  pr1: 'profile00000001',
  m1: 'member000000001',
  lk1: 'locked000000001',
} as const

const open = { listRule: '', viewRule: '', createRule: '', updateRule: '', deleteRule: '' }

/**
 * The records-API test schema:
 * - `authors` (open rules): name; `hidden_authors` (list "", view null): name;
 * - `posts` (open): title, n, tags (select ≤3 of a/b/c), secret (hidden), author → authors,
 *   coauthors → authors (≤5), ghost → hidden_authors, autodates;
 * - `comments` (open): post → posts (required, cascadeDelete), body;
 * - `likes` (open): post → posts (required, no cascade);
 * - `profiles` (open): author → authors with a UNIQUE index (single back-relation);
 * - `locked` (all rules null): title; `pview` (view of posts: id, title; list/view "");
 * - `members` (auth, open rules, manageRule null): name.
 * Plus a superuser `admin@example.com` and the records in {@link IDS}.
 */
export async function seedRecordsSchema(app: TestApp): Promise<void> {
  await createTestCollection(app, {
    name: 'authors',
    ...open,
    fields: [{ name: 'name', type: 'text' }],
  })
  await createTestCollection(app, {
    name: 'hidden_authors',
    listRule: '',
    fields: [{ name: 'name', type: 'text' }],
  })
  const authors = app.findCollectionByNameOrId('authors').id
  await createTestCollection(app, {
    name: 'posts',
    ...open,
    fields: [
      { name: 'title', type: 'text' },
      { name: 'n', type: 'number' },
      { name: 'tags', type: 'select', maxSelect: 3, values: ['a', 'b', 'c'] },
      { name: 'secret', type: 'text', hidden: true },
      { name: 'author', type: 'relation', collectionId: authors, maxSelect: 1 },
      { name: 'coauthors', type: 'relation', collectionId: authors, maxSelect: 5 },
      {
        name: 'ghost',
        type: 'relation',
        collectionId: app.findCollectionByNameOrId('hidden_authors').id,
        maxSelect: 1,
      },
      { name: 'code', type: 'text', autogeneratePattern: '[0-9]{4}' },
      { name: 'created', type: 'autodate', onCreate: true },
      { name: 'updated', type: 'autodate', onCreate: true, onUpdate: true },
    ],
  })
  const posts = app.findCollectionByNameOrId('posts').id
  await createTestCollection(app, {
    name: 'comments',
    ...open,
    fields: [
      {
        name: 'post',
        type: 'relation',
        collectionId: posts,
        maxSelect: 1,
        required: true,
        cascadeDelete: true,
      },
      { name: 'body', type: 'text' },
    ],
  })
  await createTestCollection(app, {
    name: 'likes',
    ...open,
    fields: [{ name: 'post', type: 'relation', collectionId: posts, maxSelect: 1, required: true }],
  })
  await createTestCollection(app, {
    name: 'profiles',
    ...open,
    fields: [{ name: 'author', type: 'relation', collectionId: authors, maxSelect: 1 }],
    indexes: ['CREATE UNIQUE INDEX `idx_profiles_author` ON `profiles` (`author`)'],
  })
  await createTestCollection(app, { name: 'locked', fields: [{ name: 'title', type: 'text' }] })
  await createTestCollection(app, {
    name: 'pview',
    type: 'view',
    listRule: '',
    viewRule: '',
    viewQuery: 'SELECT id, title FROM posts',
    fields: [
      { name: 'id', type: 'text', primaryKey: true, system: true },
      { name: 'title', type: 'text' },
    ],
  })
  await createTestCollection(app, {
    name: 'members',
    type: 'auth',
    ...open,
    fields: [{ name: 'name', type: 'text' }],
  })

  await app.createSuperuser()
  await createTestRecord(app, 'authors', { id: IDS.a1, name: 'Alice' })
  await createTestRecord(app, 'authors', { id: IDS.a2, name: 'Bob' })
  await createTestRecord(app, 'hidden_authors', { id: IDS.h1, name: 'Ghost' })
  await createTestRecord(app, 'posts', {
    id: IDS.p1,
    title: 'first',
    n: 1,
    tags: ['a'],
    secret: 's1',
    author: IDS.a1,
    coauthors: [IDS.a1, IDS.a2],
    ghost: IDS.h1,
  })
  await createTestRecord(app, 'posts', { id: IDS.p2, title: 'second', n: 2, author: IDS.a2 })
  await createTestRecord(app, 'posts', { id: IDS.p3, title: '<p>third post</p>', n: 3 })
  await createTestRecord(app, 'comments', { id: IDS.c1, post: IDS.p1, body: 'hi' })
  await createTestRecord(app, 'likes', { id: IDS.l1, post: IDS.p2 })
  await createTestRecord(app, 'profiles', { id: IDS.pr1, author: IDS.a1 })
  await createTestRecord(app, 'locked', { id: IDS.lk1, title: 'secret' })
  await app.createAuthRecord('members', {
    id: IDS.m1,
    email: 'm1@example.com',
    password: '1234567890',
    name: 'Member',
  })
}

/** `Authorization` header of the seeded superuser. */
export async function superuserHeaders(app: TestApp): Promise<{ [key: string]: string }> {
  const su = await findFirstRecordByData(app, '_superusers', 'email', 'admin@example.com')
  return { authorization: await newAuthToken(su) }
}

/** `Authorization` header of the seeded member `m1`. */
export async function memberHeaders(app: TestApp): Promise<{ [key: string]: string }> {
  return { authorization: await newAuthToken(await findRecordById(app, 'members', IDS.m1)) }
}

/** Ids of {@link seedRulesSchema}'s extra records. */
export const RULE_IDS = {
  m2: 'member000000002',
  n1: 'note00000000001',
  n2: 'note00000000002',
} as const

/**
 * {@link seedRecordsSchema} plus a `notes` collection owned by members (list/view/delete:
 * `owner = @request.auth.id`; create: `@request.auth.id != '' && owner = @request.auth.id`;
 * update: the owner, without changing `owner`), each note optionally linked to a post; members'
 * manageRule lets a member named "Manager" manage the others; member m2 is that manager.
 */
export async function seedRulesSchema(app: TestApp): Promise<void> {
  await seedRecordsSchema(app)
  const members = app.findCollectionByNameOrId('members')
  await createTestCollection(app, {
    name: 'notes',
    listRule: 'owner = @request.auth.id',
    viewRule: 'owner = @request.auth.id',
    createRule: "@request.auth.id != '' && owner = @request.auth.id",
    updateRule: 'owner = @request.auth.id && @request.body.owner:isset = false',
    deleteRule: 'owner = @request.auth.id',
    fields: [
      { name: 'title', type: 'text' },
      { name: 'owner', type: 'relation', collectionId: members.id, maxSelect: 1 },
      {
        name: 'post',
        type: 'relation',
        collectionId: app.findCollectionByNameOrId('posts').id,
        maxSelect: 1,
      },
    ],
  })
  const q = app.db.dialect.quoteIdent
  await app.db.run(`UPDATE ${q('_collections')} SET options = ? WHERE id = ?`, [
    JSON.stringify({
      ...JSON.parse(String(members.toRow().options)),
      manageRule: "@request.auth.collectionName = 'members' && @request.auth.name = 'Manager'",
    }),
    members.id,
  ])
  await app.reloadCollections()
  await app.createAuthRecord('members', {
    id: RULE_IDS.m2,
    email: 'm2@example.com',
    password: '1234567890',
    name: 'Manager',
  })
  await createTestRecord(app, 'notes', {
    id: RULE_IDS.n1,
    title: 'mine',
    owner: IDS.m1,
    post: IDS.p1,
  })
  await createTestRecord(app, 'notes', {
    id: RULE_IDS.n2,
    title: 'theirs',
    owner: RULE_IDS.m2,
    post: IDS.p1,
  })
}

/** `Authorization` header of the manager member `m2` (see {@link seedRulesSchema}). */
export async function managerHeaders(app: TestApp): Promise<{ [key: string]: string }> {
  return { authorization: await newAuthToken(await findRecordById(app, 'members', RULE_IDS.m2)) }
}
