// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the fixtures are source code lines
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, expect, test } from 'vitest'

// The SQL lints (lint/dialect-sql.grit and lint/apis-no-sql.grit, enabled by biome.json) run by
// the real Biome on a scratch project that uses this repo's biome.json: SQLite-only SQL is
// reported in core/apis/tools files, never in dialect-*.ts, the SQLite driver, tests or test
// helpers; a query run from apis/ is reported, the same call in core/ is not.

const run = promisify(execFile)
const BIOME = resolve('node_modules/.bin/biome')
let dir: string

const BAD = [
  "export const a = 'SELECT * FROM `posts`'",
  'export const b = (t: string) => `DELETE FROM \\`${t}\\` WHERE id = ?`',
  "export const c = 'PRAGMA table_info(posts)'",
  'export const d = "SELECT name FROM sqlite_master WHERE type = \'view\'"',
  "export const e = `SELECT strftime('%Y', created) FROM logs`",
  'export const f = (x: string) => `SELECT value FROM json_each(${x})`',
  "export const g = 'SELECT * FROM users WHERE email = ? COLLATE NOCASE'",
  "export const h = 'SELECT * FROM _collections ORDER BY rowid'",
  "export const i = 'INSERT INTO kv (k) VALUES (?) ON CONFLICT(k) DO NOTHING'",
  "export const j = 'CREATE TABLE kv (k TEXT PRIMARY KEY) WITHOUT ROWID'",
  'export const k = (f: string) => `VACUUM INTO ${f}`',
  "export const l = 'SELECT * FROM posts ORDER BY RANDOM()'",
  "export const m = 'VACUUM'",
]

const GOOD = [
  'type D = { quoteIdent(n: string): string; rowid(t: string): string }',
  'export const a = (d: D, t: string) => `SELECT * FROM ${d.quoteIdent(t)} ORDER BY ${d.rowid(t)}`',
  "export const b = '@rowid sorting is not supported'",
  "export const c = 'strftime() expects 2 to 10 arguments'",
  "export const d = 'Failed to VACUUM aux database'",
  "export const e = 'The dashboard is not built: run `npm run build:ui`.'",
]

const QUERY = [
  'type App = { db: { get(sql: string): Promise<unknown> } }',
  "export const q = (app: App) => app.db.get('SELECT 1')",
  "export const r = (c: Map<string, string>) => c.get('app')",
]

function write(rel: string, lines: readonly string[]): void {
  const file = join(dir, rel)
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, `${lines.join('\n')}\n`)
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'satchel-dialect-lint-'))
  const config = JSON.parse(readFileSync('biome.json', 'utf8'))
  config.$schema = undefined
  config.vcs = { enabled: false }
  config.linter.rules = { recommended: false }
  for (const o of config.overrides) {
    if (o.plugins) o.plugins = o.plugins.map((p: string) => resolve(p))
    if (o.linter) o.linter = undefined
  }
  writeFileSync(join(dir, 'biome.json'), JSON.stringify(config))
  write('src/core/bad.ts', BAD)
  write('src/apis/bad.ts', BAD.slice(0, 1))
  write('src/core/good.ts', GOOD)
  write('src/tools/db/dialect-postgres.ts', BAD)
  write('src/tools/db/sqlite.ts', BAD)
  write('src/core/thing.test.ts', BAD)
  write('src/tests/pb-data.ts', BAD)
  write('src/apis/query.ts', QUERY)
  write('src/core/query.ts', QUERY)
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

test('flags SQLite-only SQL outside the dialect files and queries in apis/, and only there', async () => {
  const out = await run(BIOME, ['lint', '--max-diagnostics=200', 'src'], { cwd: dir }).then(
    (r) => r.stdout + r.stderr,
    (err: { stdout: string; stderr: string }) => err.stdout + err.stderr,
  )
  const hits = [...out.matchAll(/^(src\/\S+\.ts):(\d+):\d+ plugin/gm)].map((m) => `${m[1]}:${m[2]}`)
  expect([...new Set(hits)].sort()).toEqual(
    [
      ...BAD.map((_, i) => `src/core/bad.ts:${i + 1}`),
      'src/apis/bad.ts:1',
      'src/apis/query.ts:2',
    ].sort(),
  )
  expect(out).toContain('SQLite-only SQL belongs in src/tools/db/dialect-*.ts')
  expect(out).toContain('apis/ holds no SQL')
})
