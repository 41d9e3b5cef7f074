import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { queryDataDb } from '../src/tests/pb-data.ts'
import {
  cleanupAll,
  freePort,
  makeTempDir,
  pocketBaseExecutable,
  REPO_ROOT,
  spawnProcess,
  spawnSatchel,
  startSatchel,
} from '../src/tests/process.ts'
import { client, upsertSuperuser } from '../src/tests/sdk.ts'

// `satchel serve` applies the app's `pb_migrations` (TypeScript ES modules here) after the
// system migrations, once per data dir even with --workers, recorded in `_migrations` like
// PocketBase; a migration that throws rolls every pending one back and the server refuses to
// start, as PocketBase 0.40.4 does with the same failing JS migration.

afterAll(cleanupAll)

const TS_MIGRATIONS: { [file: string]: string } = {
  '1700000001_create_posts.ts': `
import { appendFileSync } from 'node:fs'
import { deleteCollection, importCollections, migrate } from 'satchel'
import { MARKER } from './lib/marker.ts'

export default migrate(
  async (app) => {
    appendFileSync(MARKER, 'up\\n')
    await importCollections(app, [{ name: 'posts', type: 'base', listRule: '', fields: [{ name: 'title', type: 'text' }] }], false)
  },
  async (app) => {
    await deleteCollection(app, app.findCollectionByNameOrId('posts'))
  },
)
`,
  '1700000002_seed.ts': `
import { migrate, Record, saveRecord } from 'satchel'

export default migrate(async (app) => {
  const r = new Record(app.findCollectionByNameOrId('posts'))
  r.set('title', 'hello from a migration')
  await saveRecord(app, r)
  await app.db.run("UPDATE posts SET title = title || '!'")
})
`,
  'lib/marker.ts': `
import { join } from 'node:path'
export const MARKER = join(import.meta.dirname, '..', '..', 'marker.txt')
`,
}

/** A project folder: `pb_data` (returned), `pb_migrations` with `files`, and node_modules. */
function project(files: { [file: string]: string }): string {
  const dir = makeTempDir('satchel-migrations-')
  const root = dirname(dir)
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, 'pb_migrations', path)), { recursive: true })
    writeFileSync(join(root, 'pb_migrations', path), text)
  }
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'))
  return dir
}

const appMigrationRows = async (dir: string) =>
  (
    await queryDataDb<{ file: string; applied: number }>(
      dir,
      "SELECT file, applied FROM _migrations WHERE file NOT LIKE '%.go' ORDER BY file",
    )
  ).map((r) => r.file)

const collectionNames = async (dir: string) =>
  (await queryDataDb<{ name: string }>(dir, 'SELECT name FROM _collections ORDER BY name')).map(
    (r) => r.name,
  )

describe('serve applies pb_migrations', () => {
  test.each([1, 2])('TypeScript migrations, once, with --workers=%i', async (workers) => {
    const dir = project(TS_MIGRATIONS)
    upsertSuperuser('satchel', dir, 'admin@example.com', '1234567890')
    const server = await startSatchel(dir, undefined, { args: [`--workers=${workers}`] })
    try {
      const list = await client(server.url).collection('posts').getFullList()
      expect(list.map((r) => r.title)).toEqual(['hello from a migration!'])
    } finally {
      await server.stop()
    }
    expect(await appMigrationRows(dir)).toEqual([
      '1700000001_create_posts.ts',
      '1700000002_seed.ts',
    ])
    // a restart applies nothing again
    const again = await startSatchel(dir, undefined, { args: [`--workers=${workers}`] })
    await again.stop()
    expect(readFileSync(join(dirname(dir), 'marker.txt'), 'utf8')).toBe('up\n')
    const rows = await queryDataDb<{ applied: number }>(
      dir,
      "SELECT applied FROM _migrations WHERE file = '1700000002_seed.ts'",
    )
    // Unix microseconds, like PocketBase's
    expect(String(rows[0]!.applied)).toMatch(/^1\d{15}$/)
  })
})

describe('PocketBase JS migrations', () => {
  const FILES = {
    '1700000001_schema.js': `/// <reference path="../pb_data/types.d.ts" />
migrate((app) => {
  const tags = new Collection({ name: "tags", type: "base", fields: [{ name: "label", type: "text", required: true }] })
  app.save(tags)
  const posts = new Collection({
    name: "posts",
    type: "base",
    listRule: "",
    fields: [
      { name: "title", type: "text" },
      { name: "tags", type: "relation", collectionId: tags.id, maxSelect: 5 },
    ],
    indexes: ["CREATE INDEX idx_posts_title ON posts (title)"],
  })
  app.save(posts)
}, (app) => {
  app.delete(app.findCollectionByNameOrId("posts"))
  app.delete(app.findCollectionByNameOrId("tags"))
})
`,
    '1700000002_more.js': `migrate((app) => {
  const posts = app.findCollectionByNameOrId("posts")
  posts.fields.add(new Field({ name: "views", type: "number" }))
  app.save(posts)
  app.db().newQuery("INSERT INTO tags (id, label) VALUES ('tag000000000001', 'first')").execute()
  const users = app.findCollectionByNameOrId("users")
  users.fields.add(new Field({ name: "bio", type: "text" }))
  app.save(users)
})
`,
  }

  test('the same pb_migrations give the same collections and _migrations rows as PocketBase', async () => {
    const pbDir = project(FILES)
    const pb = spawnProcess(pocketBaseExecutable(), [
      'serve',
      `--http=127.0.0.1:${await freePort()}`,
      `--dir=${pbDir}`,
    ])
    const satDir = project(FILES)
    upsertSuperuser('satchel', satDir, 'admin@example.com', '1234567890')
    const sat = await startSatchel(satDir, undefined, { args: ['--workers=2'] })
    await sat.stop()
    // PocketBase has applied them once it answers
    const deadline = Date.now() + 20_000
    while (!pb.output().includes('Server started') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50))
    }
    await pb.stop()
    for (const dir of [pbDir, satDir]) {
      expect(await appMigrationRows(dir)).toEqual(['1700000001_schema.js', '1700000002_more.js'])
    }
    const collections = (dir: string) =>
      queryDataDb(
        dir,
        "SELECT id, name, type, fields, indexes, listRule FROM _collections WHERE name IN ('tags', 'posts', 'users') ORDER BY name",
      )
    expect(await collections(satDir)).toEqual(await collections(pbDir))
    expect(await queryDataDb(satDir, 'SELECT id, label FROM tags')).toEqual([
      { id: 'tag000000000001', label: 'first' },
    ])
  })
})

describe('pb_hooks during migrations', () => {
  const HOOK = `onRecordCreate((e) => {
  e.record.set("title", e.record.get("title") + " [hooked]")
  e.next()
}, "posts")
`
  const MIGRATION = `migrate((app) => {
  const c = new Collection({ name: "posts", type: "base", fields: [{ name: "title", type: "text" }] })
  app.save(c)
  const r = new Record(c)
  r.set("title", "hello")
  app.save(r)
})
`
  /** A project with the migration and the hooks file. */
  const withHooks = () => {
    const dir = project({ '1700000001_posts.js': MIGRATION })
    mkdirSync(join(dirname(dir), 'pb_hooks'))
    writeFileSync(join(dirname(dir), 'pb_hooks', 'main.pb.js'), HOOK)
    return dir
  }
  const titles = async (dir: string) =>
    (await queryDataDb<{ title: string }>(dir, 'SELECT title FROM posts')).map((r) => r.title)

  test("a migration's save fires the JS record hooks (migrate up, serve, serve --workers=2), as in PocketBase", async () => {
    const pbDir = withHooks()
    const pb = spawnProcess(pocketBaseExecutable(), ['migrate', 'up', `--dir=${pbDir}`])
    const cliDir = withHooks()
    const cli = spawnSatchel(['migrate', 'up', `--dir=${cliDir}`])
    const serveDir = withHooks()
    const served = await startSatchel(serveDir, undefined, { args: ['--workers=1'] })
    await served.stop()
    // with workers the primary applies them, the hooks loaded for it
    const workersDir = withHooks()
    const primary = await startSatchel(workersDir, undefined, { args: ['--workers=2'] })
    await primary.stop()
    expect(await titles(workersDir)).toEqual(['hello [hooked]'])
    expect(await pb.exited).toBe(0)
    expect(await cli.exited).toBe(0)
    expect(await titles(pbDir)).toEqual(['hello [hooked]'])
    expect(await titles(cliDir)).toEqual(await titles(pbDir))
    expect(await titles(serveDir)).toEqual(await titles(pbDir))
  })
})

describe('a failing migration', () => {
  const GOOD_JS = `migrate((app) => {
  app.save(new Collection({ name: "posts", type: "base", fields: [{ name: "title", type: "text" }] }))
}, (app) => {})
`
  const SEED_JS = `migrate((app) => {
  const posts = app.findCollectionByNameOrId("posts")
  posts.listRule = ""
  app.save(posts)
  const r = new Record(posts)
  r.set("title", "from a JS migration")
  app.save(r)
  app.db().newQuery("UPDATE posts SET title = title || {:suffix}").bind({ suffix: "!" }).execute()
})
`
  const BAD_JS = `migrate((app) => {
  app.db().newQuery("INSERT INTO posts (id, title) VALUES ('abcdefghijklmno', 'x')").execute()
  throw new Error("boom here")
}, (app) => {})
`
  const GOOD_TS = `import { importCollections, migrate } from 'satchel'
export default migrate(async (app) => {
  await importCollections(app, [{ name: 'posts', type: 'base', fields: [{ name: 'title', type: 'text' }] }], false)
})
`
  const BAD_TS = `import { migrate } from 'satchel'
export default migrate(async (app) => {
  await app.db.run("INSERT INTO posts (id, title) VALUES ('abcdefghijklmno', 'x')")
  throw new Error('boom here')
})
`
  test.each([
    ['the same JS migrations', '.js'],
    ['TypeScript twins', '.ts'],
  ])(
    'rolls everything back and stops the server with the file named, like PocketBase (%s)',
    async (_, ext) => {
      const pbDir = project({ '1700000001_posts.js': GOOD_JS, '1700000002_bad.js': BAD_JS })
      const pbPort = await freePort()
      const pb = spawnProcess(pocketBaseExecutable(), [
        'serve',
        `--http=127.0.0.1:${pbPort}`,
        `--dir=${pbDir}`,
      ])
      const satDir = project(
        ext === '.js'
          ? { '1700000001_posts.js': GOOD_JS, '1700000002_bad.js': BAD_JS }
          : { '1700000001_posts.ts': GOOD_TS, '1700000002_bad.ts': BAD_TS },
      )
      const satPort = await freePort()
      const sat = spawnSatchel(['serve', `--http=127.0.0.1:${satPort}`, `--dir=${satDir}`])
      expect(await pb.exited).toBe(1)
      expect(await sat.exited).toBe(1)
      const line =
        /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d failed to apply migration 1700000002_bad\.(js|ts): Error: boom here at (\S+)\n$/
      expect(pb.output()).toMatch(line)
      expect(sat.output()).toMatch(line)
      // Satchel names the migration file itself (PocketBase's goja names a pseudo file)
      expect(line.exec(sat.output())?.[2]).toBe(
        `${join(dirname(satDir), 'pb_migrations', `1700000002_bad${ext}`)}:${ext === '.js' ? '3:9' : '4:9'}`,
      )
      for (const dir of [pbDir, satDir]) {
        expect(await appMigrationRows(dir)).toEqual([])
        expect(await collectionNames(dir)).not.toContain('posts')
      }
    },
  )

  test('PocketBase JS migrations apply once, recorded under their names', async () => {
    const dir = project({ '1700000001_posts.js': GOOD_JS, '1700000002_seed.js': SEED_JS })
    const server = await startSatchel(dir)
    try {
      const list = await client(server.url).collection('posts').getFullList()
      expect(list.map((r) => r.title)).toEqual(['from a JS migration!'])
    } finally {
      await server.stop()
    }
    expect(await appMigrationRows(dir)).toEqual(['1700000001_posts.js', '1700000002_seed.js'])
  })

  test('a .ts file without a migrate() default export is refused', async () => {
    const dir = project({ '1700000001_nothing.ts': 'export const up = 1\n' })
    const sat = spawnSatchel(['serve', `--http=127.0.0.1:${await freePort()}`, `--dir=${dir}`])
    expect(await sat.exited).toBe(1)
    expect(sat.output()).toContain(
      'failed to run migration 1700000001_nothing.ts: MigrationFileError: the file has no default export made by migrate(up, down)',
    )
  })
})
