import { spawnSync } from 'node:child_process'
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  cleanupAll,
  makeTempDir,
  REPO_ROOT,
  runSatchelCli,
  type ServerProcess,
  startSatchel,
} from '../src/tests/process.ts'
import { client, upsertSuperuser } from '../src/tests/sdk.ts'

// `satchel typegen --out=FILE`: the generated types describe what the records API really
// returns (checked on live records) and type-check an SDK program that uses them, while wrong
// uses (a bad select value, a missing required field, an unknown collection field) fail.

const SU = { email: 'admin@example.com', password: '1234567890' }
let dir: string
let server: ServerProcess
let typesFile: string

beforeAll(async () => {
  dir = makeTempDir('satchel-typegen-')
  upsertSuperuser('satchel', dir, SU.email, SU.password)
  server = await startSatchel(dir, undefined, { args: ['--workers=1', '--automigrate=false'] })
  const pb = client(server.url)
  await pb.collection('_superusers').authWithPassword(SU.email, SU.password)
  const tags = await pb.collections.create({
    name: 'tags',
    type: 'base',
    fields: [{ name: 'label', type: 'text', required: true }],
  })
  await pb.collections.create({
    name: 'blog_posts',
    type: 'base',
    listRule: '',
    viewRule: '',
    fields: [
      { name: 'title', type: 'text', required: true },
      { name: 'body', type: 'editor' },
      { name: 'views', type: 'number' },
      { name: 'draft', type: 'bool' },
      { name: 'status', type: 'select', values: ['draft', 'live'], maxSelect: 1 },
      { name: 'topics', type: 'select', values: ['a', 'b-c'], maxSelect: 2 },
      { name: 'author', type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 1 },
      { name: 'tags', type: 'relation', collectionId: tags.id, maxSelect: 5 },
      { name: 'cover', type: 'file', maxSelect: 1 },
      { name: 'gallery', type: 'file', maxSelect: 3 },
      { name: 'meta', type: 'json' },
      { name: 'where', type: 'geoPoint' },
      { name: 'published', type: 'date' },
      { name: 'link', type: 'url' },
      { name: 'contact', type: 'email' },
      { name: 'secret', type: 'text', hidden: true },
      { name: 'created', type: 'autodate', onCreate: true },
    ],
  })
  await pb.collections.create({
    name: 'post_titles',
    type: 'view',
    viewQuery: 'SELECT id, title FROM blog_posts',
  })
  typesFile = join(dirname(dir), 'types', 'pb.ts')
  expect(runSatchelCli(['typegen', `--out=${typesFile}`, `--dir=${dir}`])).toBe(
    `Successfully created file "${typesFile}"\n`,
  )
}, 60_000)

afterAll(async () => {
  await server?.stop()
  cleanupAll()
})

/** The property names declared by `export interface NAME { … }` in the types file. */
function declared(name: string): { all: string[]; required: string[] } {
  const text = readFileSync(typesFile, 'utf8')
  const body = new RegExp(`export interface ${name} \\{\\n([^}]*)\\n\\}`).exec(text)?.[1] ?? ''
  const props = body.split('\n').map((l) => /^ {2}("?)([^"?:]+)\1(\?)?:/.exec(l))
  return {
    all: props.flatMap((m) => (m ? [m[2]!] : [])),
    required: props.flatMap((m) => (m && m[3] === undefined ? [m[2]!] : [])),
  }
}

describe('typegen', () => {
  test('Record types match what the records API returns', async () => {
    const pb = client(server.url)
    await pb.collection('_superusers').authWithPassword(SU.email, SU.password)
    const tag = await pb.collection('tags').create({ label: 'x' })
    const post = await pb.collection('blog_posts').create({ title: 'Hi', tags: [tag.id] })
    const guest = await client(server.url).collection('blog_posts').getOne(post.id)
    const full = await pb.collection('blog_posts').getOne(post.id, { expand: 'tags' })
    const { all, required } = declared('BlogPostsRecord')
    // a guest gets every required key; a superuser also the hidden field (and the expand)
    expect(Object.keys(guest).sort()).toEqual(required.sort())
    expect(Object.keys(full).sort()).toEqual(all.sort())
    expect(declared('BlogPostsExpand').all).toEqual(['author', 'tags'])
    const view = await pb.collection('post_titles').getOne(post.id)
    expect(Object.keys(view).sort()).toEqual(declared('PostTitlesRecord').required.sort())
  })

  test('an SDK program type-checks against them; wrong uses do not', () => {
    const root = dirname(dir)
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'))
    writeFileSync(
      join(root, 'app.ts'),
      `import PocketBase from 'pocketbase'
import type { BlogPostsCreate, BlogPostsRecord, BlogPostsTopicsOptions, TypedPocketBase } from './types/pb.ts'

const pb = new PocketBase('http://127.0.0.1:8090') as TypedPocketBase

export async function run(): Promise<string> {
  const post = await pb.collection('blog_posts').getOne(
    'abc',
    { expand: 'author,tags' },
  )
  const status: 'draft' | 'live' | '' = post.status
  const topics: BlogPostsTopicsOptions[] = post.topics
  const tagLabels = (post.expand?.tags ?? []).map((t) => t.label.toUpperCase())
  const author = post.expand?.author?.name
  const lon: number = post.where.lon
  const body: BlogPostsCreate = { title: 'x', topics: ['b-c'], cover: new Blob(['x']) }
  await pb.collection('blog_posts').create(body)
  await pb.collection('blog_posts').update('abc', { 'views+': 1, 'tags-': ['t1'] })
  const record: BlogPostsRecord = post
  // @ts-expect-error: not one of the select values
  const wrong: BlogPostsCreate = { title: 'x', status: 'archived' }
  // @ts-expect-error: title is required
  await pb.collection('blog_posts').create({ views: 2 })
  // @ts-expect-error: no such field
  post.nope
  // @ts-expect-error: a view's records have only its columns
  await pb.collection('post_titles').create({ title: 'x' }).then((r) => r.nope)
  const title: string = (await pb.collection('post_titles').getOne('abc')).title
  return [status, topics, tagLabels, author, lon, record.id, wrong, title].join()
}
`,
    )
    writeFileSync(
      join(root, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'es2023',
          lib: ['es2023', 'dom'],
          module: 'nodenext',
          strict: true,
          noEmit: true,
          allowImportingTsExtensions: true,
          skipLibCheck: true,
          types: [],
        },
        files: ['app.ts'],
      }),
    )
    const tsc = spawnSync(join(REPO_ROOT, 'node_modules', '.bin', 'tsc'), ['-p', root], {
      encoding: 'utf8',
      timeout: 60_000,
    })
    expect(tsc.stdout + tsc.stderr).toBe('')
    expect(tsc.status).toBe(0)
  })
})
