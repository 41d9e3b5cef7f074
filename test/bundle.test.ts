// The bundle `dist/bundle/satchel.js` (`npm run build`, scripts/build-bundle.ts), which
// `bin/satchel.js` runs when installed: built here into a folder of its own, it answers the CLI,
// forks `serve --workers=2` processes that re-enter it, gives hooks files its own `satchel`
// classes, runs PocketBase's pb_migrations/*.js and pb_hooks/*.pb.js on the JSVM worker bundle
// beside it, and loads what it only loads on first use — sharp (thumbs), nodemailer (mail), the
// S3 client — when that use comes.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { VERSION } from '../src/pocketbase.ts'
import {
  cleanupAll,
  freePort,
  makeTempDir,
  nodeExecutable,
  REPO_ROOT,
  spawnServer,
} from '../src/tests/process.ts'
import { startS3rver, type TestS3 } from '../src/tests/s3-server.ts'
import { client } from '../src/tests/sdk.ts'
import { type SmtpCapture, startSmtpCapture } from '../src/tests/smtp-capture.ts'
import { expectThumbnail } from '../src/tests/thumbnail.ts'

const SU_EMAIL = 'root@example.com'
const SU_PASS = 'root-pass-123'
// inside the repository (.tmp/ is ignored), so node_modules resolves for the external addons
mkdirSync(join(REPO_ROOT, '.tmp'), { recursive: true })
const BUNDLE = join(mkdtempSync(join(REPO_ROOT, '.tmp', 'bundle-')), 'bundle', 'satchel.js')
let smtp: SmtpCapture
let s3: TestS3

const cli = (args: string[]) =>
  execFileSync(nodeExecutable(), [BUNDLE, ...args], { encoding: 'utf8', timeout: 30_000 })

beforeAll(async () => {
  execFileSync(nodeExecutable(), ['scripts/build-bundle.ts', `--out=${BUNDLE}`], {
    cwd: REPO_ROOT,
    stdio: 'pipe',
    timeout: 120_000,
  })
  ;[smtp, s3] = await Promise.all([startSmtpCapture(), startS3rver()])
}, 150_000)

afterAll(async () => {
  cleanupAll()
  await Promise.all([smtp?.close(), s3?.close()])
  execFileSync('rm', ['-rf', dirname(dirname(BUNDLE))])
})

describe('the bundle', () => {
  test('answers --version and superuser upsert', () => {
    expect(cli(['--version'])).toBe(`satchel version ${VERSION}\n`)
    const dir = makeTempDir()
    expect(cli(['superuser', 'upsert', SU_EMAIL, SU_PASS, `--dir=${dir}`])).toMatch(
      /Successfully saved superuser/,
    )
  })

  test('a CLI command loads no built-in it does not use (Node built-ins load on first use)', () => {
    // the command line run from the bundle, printing which of those built-ins were loaded
    const probe = `
process.on('exit', () => console.log(JSON.stringify(process.moduleLoadList.filter((m) => /^NativeModule (https|cluster|child_process|readline)$/.test(m)))))
const { runCli } = await import(${JSON.stringify(pathToFileURL(BUNDLE).href)})
await runCli([process.argv[0], 'satchel', ...process.argv.slice(1)])
`
    const run = (args: string[]) =>
      execFileSync(nodeExecutable(), ['--input-type=module', '-e', probe, '--', ...args], {
        encoding: 'utf8',
        timeout: 30_000,
      })
    expect(run(['--version'])).toBe(`satchel version ${VERSION}\n[]\n`)
    const dir = makeTempDir()
    expect(run(['superuser', 'upsert', SU_EMAIL, SU_PASS, `--dir=${dir}`])).toMatch(
      /Successfully saved superuser.*\n\[\]\n$/s,
    )
  })

  test('serve --workers=2: hooks get its classes; thumbs, mail and S3 load on first use', async () => {
    const dir = makeTempDir()
    mkdirSync(join(dirname(dir), 'pb_hooks'))
    writeFileSync(
      join(dirname(dir), 'pb_hooks', 'teapot.pb.ts'),
      `import { ApiError, type App } from 'satchel'
export function hooks(app: App) {
  app.onServe.bind(async (e) => {
    e.router.get('/api/teapot', () => { throw new ApiError(418, 'short and stout') })
    await e.next()
  })
}
`,
    )
    mkdirSync(join(dirname(dir), 'pb_migrations'))
    writeFileSync(
      join(dirname(dir), 'pb_migrations', '1700000000_notes.js'),
      `migrate((app) => {
  app.save(new Collection({ name: "notes", type: "base", listRule: "", fields: [{ name: "text", type: "text" }] }))
})
`,
    )
    writeFileSync(
      join(dirname(dir), 'pb_hooks', 'notes.pb.js'),
      `routerAdd("GET", "/api/notes-count", (e) => e.json(200, { n: $app.countRecords("notes") }))
`,
    )
    writeFileSync(
      join(dirname(dir), 'pb_hooks', 'zz_broken.pb.js'),
      '// fails at load, in the worker bundle\nnew Record("posts")\n',
    )
    cli(['superuser', 'upsert', SU_EMAIL, SU_PASS, `--dir=${dir}`])
    const port = await freePort()
    const server = await spawnServer({
      command: nodeExecutable(),
      args: [BUNDLE, 'serve', `--http=127.0.0.1:${port}`, `--dir=${dir}`, '--workers=2'],
      port,
      dir,
    })
    // an ApiError of the hooks file's `satchel` is the server's own: sent in its error shape
    const teapot = await fetch(`${server.url}/api/teapot`)
    expect([teapot.status, await teapot.json()]).toEqual([
      418,
      { data: {}, message: 'Short and stout.', status: 418 },
    ])

    // the JSVM worker thread runs the migration and the route; a file failing at load is
    // reported at its own line, not at the worker bundle's
    const notes = await fetch(`${server.url}/api/notes-count`)
    expect([notes.status, await notes.json()]).toEqual([200, { n: 0 }])
    expect(server.output()).toContain(`${join(dirname(dir), 'pb_hooks', 'zz_broken.pb.js')}:2`)

    const su = client(server.url)
    await su.collection('_superusers').authWithPassword(SU_EMAIL, SU_PASS)
    await expectThumbnail(su)

    await su.settings.update({
      smtp: { enabled: true, host: '127.0.0.1', port: smtp.port, tls: false },
    })
    await su.settings.testEmail('_superusers', 'bundle@example.com', 'verification')
    expect((await smtp.next('bundle@example.com')).to).toEqual(['bundle@example.com'])

    await s3.createBucket('bundle')
    await su.settings.update({
      s3: {
        enabled: true,
        bucket: 'bundle',
        region: 'us-east-1',
        endpoint: s3.endpoint,
        accessKey: 'S3RVER',
        secret: 'S3RVER',
        forcePathStyle: true,
      },
    })
    await expect(su.settings.testS3('storage')).resolves.toBe(true)

    expect(await server.stop('SIGTERM')).toBe(0)
  }, 60_000)
})
