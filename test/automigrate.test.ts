import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type PocketBase from 'pocketbase'
import { afterAll, describe, expect, test } from 'vitest'
import { describeSchema, queryDataDb } from '../src/tests/pb-data.ts'
import {
  cleanupAll,
  makeTempDir,
  pocketBaseExecutable,
  REPO_ROOT,
  runPocketBaseCli,
  satchelCommand,
  startSatchel,
} from '../src/tests/process.ts'
import { client, type ServerKind, startServer, upsertSuperuser } from '../src/tests/sdk.ts'

// --automigrate (on by default): every collection create/update/delete made through the API
// writes a migration file like PocketBase 0.40.4's (same names, same content for the same SDK
// calls) and records it as applied; the files re-create the schema on a fresh data dir.

afterAll(cleanupAll)

const SU = { email: 'admin@example.com', password: '1234567890' }

/** The schema changes, sent the same way to both servers through the SDK. */
async function changeSchema(pb: PocketBase): Promise<void> {
  await pb.collection('_superusers').authWithPassword(SU.email, SU.password)
  const posts = await pb.collections.create({
    name: 'posts',
    type: 'base',
    listRule: '',
    fields: [
      { name: 'title', type: 'text', required: true, max: 200 },
      { name: 'n', type: 'number' },
      { name: 'author', type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 1 },
    ],
  })
  await pb.collections.update(posts.id, {
    name: 'articles',
    listRule: null,
    indexes: ['CREATE INDEX idx_title ON articles (title)'],
    fields: [
      ...posts.fields
        .filter((f) => f.name !== 'n')
        .map((f) => (f.name === 'title' ? { ...f, max: 300 } : f)),
      { name: 'tags', type: 'select', values: ['a', 'b'], maxSelect: 2 },
    ],
  })
  const members = await pb.collections.create({
    name: 'members',
    type: 'auth',
    fields: [{ name: 'nick', type: 'text' }],
  })
  await pb.collections.update(members.id, {
    passwordAuth: { enabled: true, identityFields: ['email', 'nick'] },
    indexes: [...members.indexes, 'CREATE UNIQUE INDEX idx_nick ON members (nick)'],
    authToken: { duration: 3600 },
  })
  const tmp = await pb.collections.create({ name: 'unit_test', type: 'base' })
  await pb.collections.delete(tmp.id)
  // (named so that it sorts after what it reads: files of the same second apply by name)
  await pb.collections.create({
    name: 'nicks_view',
    type: 'view',
    viewQuery: 'SELECT id, nick FROM members',
  })
  // no change: no file (PocketBase writes one for a view, whose field ids it regenerates)
  await pb.collections.update('articles', {})
  // an import writes no file (as in PocketBase)
  await pb.collections.import([{ name: 'imported', type: 'base' }], false)
}

/** The migration files of a project, their unix prefix blanked, by name. */
function migrationFiles(dataDir: string): { name: string; text: string }[] {
  const dir = join(dirname(dataDir), 'pb_migrations')
  return readdirSync(dir)
    .map((f) => ({ name: f.replace(/^\d+_/, 'UNIX_'), text: readFileSync(join(dir, f), 'utf8') }))
    .sort((a, b) => (a.name < b.name ? -1 : 1))
}

/** Satchel's email texts are its own: blank them (the placeholders and everything else match). */
// PocketBase's view fields get random `_clone_xxxx` ids.
const blankTexts = (t: string) =>
  t
    .replace(/"(body|subject)": "(?:[^"\\]|\\.)*"/g, '"$1": "…"')
    .replace(/"_clone_\w+"/g, '"_clone_…"')

async function automigrated(kind: ServerKind, args: string[] = []) {
  const dir = makeTempDir('satchel-automigrate-')
  upsertSuperuser(kind, dir, SU.email, SU.password)
  const server = await startServer(kind, dir, undefined, { args })
  try {
    await changeSchema(client(server.url))
  } finally {
    await server.stop()
  }
  return dir
}

const collectionsJSON = async (dir: string) =>
  (
    await queryDataDb<{ [k: string]: unknown }>(
      dir,
      'SELECT id, name, type, system, fields, indexes, listRule, viewRule, createRule, updateRule, deleteRule FROM _collections ORDER BY name',
    )
  ).map((r) => ({
    ...r,
    fields: JSON.parse(String(r.fields)),
    indexes: JSON.parse(String(r.indexes)),
  }))

/** A new project holding only a copy of `dataDir`'s migration files; returns its data dir. */
function copyMigrations(dataDir: string): string {
  const fresh = makeTempDir('satchel-automigrate-fresh-')
  const root = dirname(fresh)
  mkdirSync(join(root, 'pb_migrations'))
  for (const f of readdirSync(join(dirname(dataDir), 'pb_migrations'))) {
    writeFileSync(
      join(root, 'pb_migrations', f),
      readFileSync(join(dirname(dataDir), 'pb_migrations', f)),
    )
  }
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'))
  return fresh
}

/** The data.db tables and indexes, but for `imported` (imports write no migration). */
const schema = async (dir: string) =>
  (await describeSchema(join(dir, 'data.db'))).filter((o) => o.name !== 'imported')

/**
 * `migrate down N` on `dir` for its N migration files, confirmed (PocketBase's down would go on
 * into its system migrations); returns stdout (throws on a non-zero exit).
 */
function revertAll(kind: ServerKind, dir: string): string {
  const count = readdirSync(join(dirname(dir), 'pb_migrations')).length
  const sc = satchelCommand()
  const [command, args] =
    kind === 'pocketbase' ? [pocketBaseExecutable(), []] : [sc.command, [...sc.args]]
  return execFileSync(command, [...args, 'migrate', 'down', String(count), `--dir=${dir}`], {
    input: 'y\n',
    stdio: ['pipe', 'pipe', 'pipe'],
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, ...(kind === 'satchel' ? sc.env : {}) },
  })
}

describe('automigrate', () => {
  test('writes the files PocketBase writes and records them as applied', async () => {
    const [pbDir, satDir] = await Promise.all([
      automigrated('pocketbase'),
      automigrated('satchel', ['--workers=1']),
    ])
    const pbFiles = migrationFiles(pbDir)
    const satFiles = migrationFiles(satDir)
    expect(satFiles.map((f) => f.name)).toEqual(pbFiles.map((f) => f.name))
    expect(pbFiles.map((f) => f.name)).toEqual([
      'UNIX_created_members.js',
      'UNIX_created_nicks_view.js',
      'UNIX_created_posts.js',
      'UNIX_created_unit_test_.js',
      'UNIX_deleted_unit_test_.js',
      'UNIX_updated_members.js',
      'UNIX_updated_posts.js',
    ])
    for (let i = 0; i < pbFiles.length; i++) {
      expect(blankTexts(satFiles[i]!.text), satFiles[i]!.name).toBe(blankTexts(pbFiles[i]!.text))
    }
    const rows = (dir: string) =>
      queryDataDb<{ file: string }>(dir, "SELECT file FROM _migrations WHERE file LIKE '%.js'")
    const recorded = (await rows(satDir)).map((r) => r.file).sort()
    expect(recorded).toEqual(readdirSync(join(dirname(satDir), 'pb_migrations')).sort())
    expect((await rows(pbDir)).length).toBe(recorded.length)

    // PocketBase applies Satchel's files on a fresh data dir: the same tables and indexes
    const fresh = copyMigrations(satDir)
    runPocketBaseCli(['migrate', 'up', `--dir=${fresh}`])
    expect(await schema(fresh)).toEqual(await schema(satDir))
    expect((await rows(fresh)).map((r) => r.file).sort()).toEqual(recorded)

    // and so does Satchel
    const again = copyMigrations(satDir)
    const server = await startSatchel(again, undefined, { args: ['--workers=1'] })
    await server.stop()
    expect(await schema(again)).toEqual(await schema(satDir))
    expect(await collectionsJSON(again)).toEqual(
      (await collectionsJSON(satDir)).filter((c) => c.name !== 'imported'),
    )

    // reverting them all (each file's down, newest first) leaves what a new data dir has, on
    // both servers
    const pristine = makeTempDir('satchel-automigrate-pristine-')
    upsertSuperuser('satchel', pristine, SU.email, SU.password)
    expect(revertAll('satchel', again)).toContain('Reverted ')
    expect(revertAll('pocketbase', fresh)).toContain('Reverted ')
    expect(await schema(again)).toEqual(await schema(pristine))
    expect(await schema(fresh)).toEqual(await schema(pristine))
  })

  test('with --dev it also keeps pb_types.ts (satchel typegen) up to date', async () => {
    const dir = await automigrated('satchel', ['--dev', '--workers=1'])
    const types = readFileSync(join(dirname(dir), 'pb_types.ts'), 'utf8')
    // the last automigrated change is in it (the view), and the rename of posts
    expect(types).toContain('export interface NicksViewRecord {')
    expect(types).toContain('export interface ArticlesRecord {')
    expect(types).not.toContain('interface PostsRecord')
    expect(types).toContain('export type ArticlesTagsOptions = "a" | "b"')
  })

  test('two updates of a collection within a second keep both files', async () => {
    const dir = makeTempDir('satchel-automigrate-')
    upsertSuperuser('satchel', dir, SU.email, SU.password)
    const server = await startSatchel(dir, undefined, { args: ['--workers=1'] })
    try {
      const pb = client(server.url)
      await pb.collection('_superusers').authWithPassword(SU.email, SU.password)
      const c = await pb.collections.create({ name: 'posts', type: 'base' })
      await pb.collections.update(c.id, { listRule: '' })
      await pb.collections.update(c.id, { listRule: 'id != ""' })
    } finally {
      await server.stop()
    }
    const files = migrationFiles(dir)
    expect(files.map((f) => f.name)).toEqual([
      'UNIX_created_posts.js',
      'UNIX_updated_posts.js',
      'UNIX_updated_posts.js',
    ])
    // the last one (by name, so by the order they apply) holds the last change
    const names = readdirSync(join(dirname(dir), 'pb_migrations')).sort()
    const last = readFileSync(join(dirname(dir), 'pb_migrations', names[2]!), 'utf8')
    expect(last).toContain('"listRule": "id != \\"\\""')
  })

  test('--automigrate=false writes nothing', async () => {
    const dir = await automigrated('satchel', ['--automigrate=false', '--workers=1'])
    expect(() => readdirSync(join(dirname(dir), 'pb_migrations'))).toThrow(/ENOENT/)
  })

  test('TypeScript files (--migrationsLang=ts, --workers=2) re-create the schema on a fresh data dir', async () => {
    const dir = await automigrated('satchel', ['--migrationsLang=ts', '--workers=2'])
    const files = readdirSync(join(dirname(dir), 'pb_migrations')).sort()
    expect(files).toHaveLength(7)
    expect(files.every((f) => f.endsWith('.ts'))).toBe(true)
    const fresh = copyMigrations(dir)
    const server = await startSatchel(fresh, undefined, { args: ['--workers=1'] })
    await server.stop()
    const without = (list: { [k: string]: unknown }[]) => list.filter((c) => c.name !== 'imported')
    expect(await collectionsJSON(fresh)).toEqual(without(await collectionsJSON(dir)))
    expect(await schema(fresh)).toEqual(await schema(dir))
  })
})
