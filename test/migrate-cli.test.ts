import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { queryDataDb } from '../src/tests/pb-data.ts'
import {
  cleanupAll,
  makeTempDir,
  pocketBaseExecutable,
  REPO_ROOT,
  satchelCommand,
} from '../src/tests/process.ts'
import type { ServerKind } from '../src/tests/sdk.ts'

// `satchel migrate up | down [n] | create NAME | collections | history-sync` against
// `pocketbase migrate …` (0.40.4) on twin projects: the same messages on the same streams, the
// same prompts answered from stdin, the same exit codes, the same files and `_migrations` rows.
// Both run the same JS migrations; Satchel also runs TypeScript twins with the same names,
// compared with the extension normalised.

afterAll(cleanupAll)

const JS = {
  a: `migrate((app) => {
  app.save(new Collection({ name: "a_posts", type: "base", fields: [{ name: "title", type: "text" }] }))
}, (app) => {
  app.delete(app.findCollectionByNameOrId("a_posts"))
})
`,
  b: `migrate((app) => {
  app.save(new Collection({ name: "b_tags", type: "base" }))
}, (app) => {
  app.delete(app.findCollectionByNameOrId("b_tags"))
})
`,
}
const TS = {
  a: `import { deleteCollection, importCollections, migrate } from 'satchel'
export default migrate(
  (app) => importCollections(app, [{ name: 'a_posts', type: 'base', fields: [{ name: 'title', type: 'text' }] }], false),
  (app) => deleteCollection(app, app.findCollectionByNameOrId('a_posts')),
)
`,
  b: `import { deleteCollection, importCollections, migrate } from 'satchel'
export default migrate(
  (app) => importCollections(app, [{ name: 'b_tags', type: 'base' }], false),
  (app) => deleteCollection(app, app.findCollectionByNameOrId('b_tags')),
)
`,
}

interface Project {
  readonly root: string
  readonly dataDir: string
}

/** A project root with `pb_migrations` holding `files` (none: no folder). */
function project(files: { [name: string]: string } = {}): Project {
  const dataDir = makeTempDir('satchel-migrate-cli-')
  const root = dirname(dataDir)
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, 'pb_migrations'), { recursive: true })
    writeFileSync(join(root, 'pb_migrations', name), text)
  }
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'))
  return { root, dataDir }
}

/** Twin projects with the same JS migrations (`ts`: Satchel's holds the TypeScript twins). */
function twins(ts = false): { [K in ServerKind]: Project } {
  return {
    pocketbase: project({ '1700000001_a.js': JS.a, '1700000002_b.js': JS.b }),
    satchel: project(
      ts
        ? { '1700000001_a.ts': TS.a, '1700000002_b.ts': TS.b }
        : { '1700000001_a.js': JS.a, '1700000002_b.js': JS.b },
    ),
  }
}

interface Run {
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs `<kind> migrate ARGS --dir=pb_data` in the project root with `input` on stdin. */
function migrate(kind: ServerKind, p: Project, args: string[], input = ''): Run {
  const sc = satchelCommand()
  const [command, pre, env] =
    kind === 'pocketbase'
      ? [pocketBaseExecutable(), [], {}]
      : [sc.command, [...sc.args], { ...sc.env, NO_COLOR: '1' }]
  const res = spawnSync(command, [...pre, 'migrate', ...args, '--dir=pb_data'], {
    cwd: p.root,
    input,
    encoding: 'utf8',
    timeout: 20_000,
    env: { ...process.env, ...env },
  })
  return { status: res.status, stdout: res.stdout, stderr: res.stderr }
}

/** Both servers' runs, with `.ts` shown as `.js`, Go log timestamps and unix names blanked. */
function both(ps: { [K in ServerKind]: Project }, args: string[], input = '') {
  const norm = (r: Run): Run => {
    const clean = (s: string) =>
      s
        .replaceAll('.ts', '.js')
        .replace(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d /gm, 'DATE ')
        .replace(/\b1[7-9][5-9]\d{7}_/g, 'UNIX_')
    return { status: r.status, stdout: clean(r.stdout), stderr: clean(r.stderr) }
  }
  return {
    pocketbase: norm(migrate('pocketbase', ps.pocketbase, args, input)),
    satchel: norm(migrate('satchel', ps.satchel, args, input)),
  }
}

const appRows = async (p: Project) =>
  (
    await queryDataDb<{ file: string }>(
      p.dataDir,
      "SELECT file FROM _migrations WHERE file NOT LIKE '%.go' ORDER BY applied, file",
    )
  ).map((r) => r.file.replace(/\.ts$/, '.js'))

const names = async (p: Project) =>
  (
    await queryDataDb<{ name: string }>(p.dataDir, 'SELECT name FROM _collections ORDER BY name')
  ).map((r) => r.name)

describe.each([
  ['the same JS files', false],
  ['TypeScript twins on Satchel', true],
])('migrate up / down / history-sync (%s)', (_name, ts) => {
  test('up, up again, down cancelled, down 2, down of nothing, down abc', async () => {
    const ps = twins(ts)
    let r = both(ps, ['up'])
    expect(r.pocketbase).toEqual({
      status: 0,
      stdout: 'Applied 1700000001_a.js\nApplied 1700000002_b.js\n',
      stderr: '',
    })
    expect(r.satchel).toEqual(r.pocketbase)
    for (const p of Object.values(ps)) {
      expect(await appRows(p)).toEqual(['1700000001_a.js', '1700000002_b.js'])
      expect(await names(p)).toEqual(expect.arrayContaining(['a_posts', 'b_tags']))
    }

    r = both(ps, [])
    expect(r.pocketbase).toEqual({ status: 0, stdout: 'No new migrations to apply.\n', stderr: '' })
    expect(r.satchel).toEqual(r.pocketbase)

    // an answer that is neither yes nor no asks again; the end of input means no
    r = both(ps, ['down'], 'maybe\n')
    const prompt =
      '\n1700000002_b.js\nDo you really want to revert the last 1 applied migration(s)? (y/N) '
    expect(r.pocketbase).toEqual({
      status: 0,
      stdout: 'The command has been cancelled\n',
      stderr: prompt + prompt,
    })
    expect(r.satchel).toEqual(r.pocketbase)

    r = both(ps, ['down', '2'], ' YES \n')
    expect(r.pocketbase).toEqual({
      status: 0,
      stdout: 'Reverted 1700000002_b.js\nReverted 1700000001_a.js\n',
      stderr:
        '\n1700000002_b.js\n1700000001_a.js\nDo you really want to revert the last 2 applied migration(s)? (y/N) ',
    })
    expect(r.satchel).toEqual(r.pocketbase)
    for (const p of Object.values(ps)) {
      expect(await appRows(p)).toEqual([])
      expect(await names(p)).not.toContain('a_posts')
    }

    r = both(ps, ['down', 'abc'], 'y\n')
    expect(r.pocketbase).toEqual({
      status: 0,
      stdout: 'No migrations to revert.\n',
      stderr: '\n\nDo you really want to revert the last 0 applied migration(s)? (y/N) ',
    })
    expect(r.satchel).toEqual(r.pocketbase)
  })

  test('history-sync drops the rows of deleted files', async () => {
    const ps = twins(ts)
    both(ps, ['up'])
    for (const p of Object.values(ps)) {
      for (const f of readdirSync(join(p.root, 'pb_migrations'))) {
        if (f.startsWith('1700000001_')) rmSync(join(p.root, 'pb_migrations', f))
      }
    }
    const r = both(ps, ['history-sync'])
    expect(r.pocketbase).toEqual({
      status: 0,
      stdout: 'The _migrations table was synced with the available migrations.\n',
      stderr: '',
    })
    expect(r.satchel).toEqual(r.pocketbase)
    for (const p of Object.values(ps)) expect(await appRows(p)).toEqual(['1700000002_b.js'])
  })

  test('unknown subcommand and a create without a name fail like PocketBase', () => {
    const ps = twins()
    for (const args of [['nope'], ['create']]) {
      const r = both(ps, args)
      expect(r.pocketbase.status).toBe(1)
      expect(r.satchel).toEqual(r.pocketbase)
    }
    expect(both(ps, ['nope']).satchel.stderr).toBe('DATE unsupported command: "nope"\n')
    expect(both(ps, ['create']).satchel.stderr).toBe('DATE missing migration file name\n')
  })
})

test('a migration failing validation prints the errors as PocketBase does', () => {
  const bad = `migrate((app) => {
  app.save(new Collection({ name: "bad name!", type: "base", fields: [{ name: "t", type: "text", min: 10, max: 5 }] }))
})
`
  const ps = {
    pocketbase: project({ '1700000001_bad.js': bad }),
    satchel: project({ '1700000001_bad.js': bad }),
  }
  const r = both(ps, ['up'])
  expect(r.pocketbase).toEqual({
    status: 1,
    stdout: '',
    stderr:
      'DATE failed to apply migration 1700000001_bad.js: fields: (1: (max: must be no less than 10.).); name: must be in a valid format.\n',
  })
  expect(r.satchel).toEqual(r.pocketbase)
})

describe('migrate create / collections', () => {
  /** The one file a run wrote into `pb_migrations` (name and text). */
  const written = (p: Project, before: string[] = []) => {
    const files = readdirSync(join(p.root, 'pb_migrations')).filter((f) => !before.includes(f))
    expect(files).toHaveLength(1)
    return { name: files[0]!, text: readFileSync(join(p.root, 'pb_migrations', files[0]!), 'utf8') }
  }

  test('create writes PocketBase’s blank JS template; a no keeps nothing', () => {
    const ps = { pocketbase: project(), satchel: project() }
    let r = both(ps, ['create', 'Add Foo barBaz'], 'n\n')
    expect(r.pocketbase).toEqual({
      status: 0,
      stdout: 'The command has been cancelled\n',
      stderr:
        'Do you really want to create migration "pb_migrations/UNIX_add_foo_bar_baz.js"? (y/N) ',
    })
    expect(r.satchel).toEqual(r.pocketbase)
    r = both(ps, ['create', 'Add Foo barBaz'], 'y\n')
    expect(r.pocketbase.stdout).toBe(
      'Successfully created file "pb_migrations/UNIX_add_foo_bar_baz.js"\n',
    )
    expect(r.satchel).toEqual(r.pocketbase)
    const pb = written(ps.pocketbase)
    const sat = written(ps.satchel)
    expect(sat.name).toMatch(/^\d{10}_add_foo_bar_baz\.js$/)
    expect(sat.text).toBe(pb.text)
  })

  test('create writes TypeScript into a folder of .ts migrations (or with --migrationsLang=ts)', async () => {
    const p = project({ '1700000001_a.ts': TS.a })
    const r = migrate('satchel', p, ['create', 'seed'], 'y\n')
    expect(r.stdout).toMatch(/^Successfully created file "pb_migrations\/\d{10}_seed\.ts"\n$/)
    const file = written(p, ['1700000001_a.ts'])
    expect(file.text).toContain("import { migrate } from 'satchel'")
    // the blank migration applies (and is recorded)
    expect(migrate('satchel', p, ['up']).stdout).toBe(
      `Applied 1700000001_a.ts\nApplied ${file.name}\n`,
    )
    const js = project()
    expect(migrate('satchel', js, ['create', 'x', '--migrationsLang=ts'], 'y').stdout).toMatch(
      /_x\.ts"\n$/,
    )
  })

  test('collections writes the same snapshot as PocketBase, which applies on a fresh data dir', async () => {
    const ps = { pocketbase: project(), satchel: project() }
    const r = both(ps, ['collections'], 'y\n')
    expect(r.pocketbase.stdout).toBe(
      'Successfully created file "pb_migrations/UNIX_collections_snapshot.js"\n',
    )
    expect(r.satchel).toEqual(r.pocketbase)
    // the email templates' texts are Satchel's own (same placeholders), the rest is identical
    const texts = (t: string) => t.replace(/"(body|subject)": "(?:[^"\\]|\\.)*"/g, '"$1": "…"')
    const sat = written(ps.satchel)
    expect(texts(sat.text)).toBe(texts(written(ps.pocketbase).text))
    expect(sat.text).toContain('{APP_URL}/_/#/auth/confirm-verification/{TOKEN}')
    // the JS snapshot applies on a new Satchel data dir (importCollections through the JSVM)
    const jsFresh = project({ [sat.name]: sat.text })
    expect(migrate('satchel', jsFresh, ['up'])).toMatchObject({
      status: 0,
      stdout: `Applied ${sat.name}\n`,
    })
    // Satchel's TypeScript snapshot re-applies on a new data dir
    const ts = project()
    migrate('satchel', ts, ['collections', '--migrationsLang=ts'], 'y\n')
    const fresh = project()
    mkdirSync(join(fresh.root, 'pb_migrations'))
    const tsFile = written(ts)
    writeFileSync(join(fresh.root, 'pb_migrations', tsFile.name), tsFile.text)
    expect(migrate('satchel', fresh, ['up'])).toMatchObject({
      status: 0,
      stdout: `Applied ${tsFile.name}\n`,
    })
  })
})
