import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, test } from 'vitest'
import { REPO_ROOT } from '../../tests/process.ts'
import { writeHooksTypes } from './types.ts'
import { HOOK_NAMES } from './worker/hook-names.ts'

let root = ''

afterEach(() => {
  if (root !== '') rmSync(root, { recursive: true, force: true })
})

/** Type-checks `files` (JS, checkJs) against the written types with TypeScript; the errors. */
function check(dir: string, files: string[]): string {
  try {
    execFileSync(
      join(REPO_ROOT, 'node_modules/.bin/tsc'),
      [
        '--noEmit',
        '--allowJs',
        '--checkJs',
        '--strict',
        '--target',
        'es2022',
        '--lib',
        'es2022,dom',
        ...files,
      ],
      { cwd: dir, encoding: 'utf8' },
    )
    return ''
  } catch (err) {
    return String((err as { stdout?: string }).stdout ?? err)
  }
}

test('pb_data/types.d.ts declares every hook global and types a PocketBase hooks file', () => {
  root = mkdtempSync(join(tmpdir(), 'satchel-types-'))
  const file = writeHooksTypes(join(root, 'pb_data'))
  const text = readFileSync(file, 'utf8')
  for (const hook of HOOK_NAMES) expect(text).toContain(`declare function ${hook}(`)
  // unchanged content is not rewritten
  const before = statSync(file).mtimeMs
  writeHooksTypes(join(root, 'pb_data'))
  expect(statSync(file).mtimeMs).toBe(before)

  mkdirSync(join(root, 'pb_hooks'))
  writeFileSync(
    join(root, 'pb_hooks/main.pb.js'),
    `/// <reference path="../pb_data/types.d.ts" />
onRecordCreate((e) => { e.record.set("title", e.record.getString("title").trim()); e.next() }, "posts")
onMailerRecordVerificationSend((e) => { e.message.subject = "Hi " + e.record.email(); e.next() }, "users")
onModelAfterUpdateError((e) => { $app.logger().error(e.error.message); e.next() })
routerAdd("GET", "/api/hello/{name}", (e) => e.json(200, { hi: e.request.pathValue("name") }), $apis.requireAuth())
cronAdd("tick", "* * * * *", () => { const r = $app.findRecordById("posts", "x"); r.set("n", 1); $app.save(r) })
const c = new Collection({ name: "notes" }); c.fields.add(new TextField({ name: "title" })); $app.save(c)
$app.store().set("seen", $app.store().has("seen")); $app.cron().add("job", "@daily", () => $app.logger().info("ran"))
const found = arrayOf(new Record()); $app.recordQuery("posts").andWhere($dbx.hashExp({ a: 1 })).limit(2).all(found)
onServe((e) => { e.router.group("/api/g").bind($apis.requireAuth()).get("/me", (re) => re.json(200, { id: re.auth?.id })); e.next() })
throw new BadRequestError("just typed")
`,
  )
  writeFileSync(
    join(root, 'pb_hooks/bad.pb.js'),
    `/// <reference path="../pb_data/types.d.ts" />
onRecordCreate((e) => { e.record.getStrin("title"); e.next() })
`,
  )
  expect(check(root, ['pb_hooks/main.pb.js'])).toBe('')
  expect(check(root, ['pb_hooks/bad.pb.js'])).toContain(
    "Property 'getStrin' does not exist on type 'RecordModel'",
  )
}, 60_000)
