import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { VERSION } from '../src/pocketbase.ts'
import { cleanupAll, makeTempDir, nodeExecutable, REPO_ROOT } from '../src/tests/process.ts'

// `npm install satchel` as a new project sees it: the package is built (`prepack` = `npm run
// build`), packed with `npm pack` and unpacked into a fresh project's node_modules outside the
// repository; its dependencies are linked from the repository's node_modules instead of being
// downloaded. A TypeScript app (type-checked with tsc, then run by Node's type stripping) and a
// plain JavaScript app import it by name and serve a custom route and a record hook.

const TS_APP = `
import { ApiError, type RequestEvent, requireAuth, Satchel } from 'satchel'

const app = new Satchel({ dataDir: process.argv[2]! })
app.onRecordCreate('users').bind(async (e) => {
  e.record.set('name', \`hooked \${String(e.record.get('email'))}\`)
  await e.next()
})
app.onServe.bind(async (e) => {
  e.router.get('/api/hello/{name}', (e: RequestEvent) => e.json(200, { hello: e.pathValue('name') }))
  e.router.get('/api/teapot', () => {
    throw new ApiError(418, 'short and stout')
  })
  e.router.get('/api/me', (e) => e.json(200, { id: e.auth?.id })).bind(requireAuth())
  await e.next()
})
const server = await app.start({ http: '127.0.0.1:0' })
const base = \`http://\${server.address}\`
const hello = await (await fetch(\`\${base}/api/hello/ts\`)).json()
const teapot = await fetch(\`\${base}/api/teapot\`)
const me = await fetch(\`\${base}/api/me\`)
const created = await fetch(\`\${base}/api/collections/users/records\`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ email: 'a@example.com', password: '1234567890', passwordConfirm: '1234567890' }),
})
const user = (await created.json()) as { name: string }
await server.close()
console.log(JSON.stringify({ hello, teapot: [teapot.status, await teapot.json()], me: me.status, name: user.name }))

// Checked by tsc only: the API is typed, not \`any\`.
export function typeErrors(): void {
  // @ts-expect-error dataDir is a string
  new Satchel({ dataDir: 1 })
  app.onRecordCreate('posts').bind((e) => {
    // @ts-expect-error a record event has no router
    e.router
    return e.next()
  })
}
`

const JS_APP = `
import { Satchel } from 'satchel'

const app = new Satchel({ dataDir: process.argv[2] })
app.onServe.bind(async (e) => {
  e.router.get('/api/js', (e) => e.string(200, 'plain js'))
  await e.next()
})
const server = await app.start({ http: '127.0.0.1:0' })
const res = await fetch(\`http://\${server.address}/api/js\`)
await server.close()
console.log(JSON.stringify([res.status, await res.text()]))
`

const TSCONFIG = {
  compilerOptions: {
    module: 'nodenext',
    target: 'es2023',
    strict: true,
    noEmit: true,
    types: ['node'],
    // the package's own declaration files are checked too
    skipLibCheck: false,
  },
  include: ['*.ts'],
}

afterAll(cleanupAll)

describe('the package as a library (npm pack → fresh project)', () => {
  test('imports `satchel` from TypeScript and JavaScript, typed, and serves', async () => {
    const root = dirname(makeTempDir('satchel-lib-'))
    const env = {
      ...process.env,
      PATH: `${join(REPO_ROOT, 'node_modules', '.bin')}:${process.env.PATH}`,
    }
    const run = (cmd: string, args: string[], cwd: string) =>
      execFileSync(cmd, args, {
        cwd,
        env,
        encoding: 'utf8',
        timeout: 120_000,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
    // `npm pack` runs `prepack` (the build); `--ignore-scripts` only skips `prepare`, which
    // builds the dashboard, so the build is run explicitly here.
    run('npm', ['run', 'build'], REPO_ROOT)
    run('npm', ['pack', '--ignore-scripts', '--pack-destination', root], REPO_ROOT)
    const tarball = readdirSync(root).find((f) => f.endsWith('.tgz'))
    expect(tarball).toBeDefined()

    const project = join(root, 'app')
    const pkgDir = join(project, 'node_modules', 'satchel')
    mkdirSync(pkgDir, { recursive: true })
    run('tar', ['xzf', join(root, tarball!), '-C', pkgDir, '--strip-components=1'], root)
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(pkgDir, 'node_modules'))
    mkdirSync(join(project, 'node_modules', '@types'))
    symlinkSync(
      join(REPO_ROOT, 'node_modules', '@types', 'node'),
      join(project, 'node_modules', '@types', 'node'),
    )
    writeFileSync(join(project, 'package.json'), '{ "type": "module", "private": true }\n')
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(TSCONFIG))
    writeFileSync(join(project, 'app.ts'), TS_APP)
    writeFileSync(join(project, 'app.js'), JS_APP)

    // exits non-zero (and the test fails) on any type error, an unused @ts-expect-error included
    run('tsc', ['-p', '.'], project)

    const tsOut = JSON.parse(run(nodeExecutable(), ['app.ts', join(root, 'ts_data')], project))
    expect(tsOut).toEqual({
      hello: { hello: 'ts' },
      teapot: [418, { data: {}, message: 'Short and stout.', status: 418 }],
      me: 401,
      name: 'hooked a@example.com',
    })
    const jsOut = JSON.parse(run(nodeExecutable(), ['app.js', join(root, 'js_data')], project))
    expect(jsOut).toEqual([200, 'plain js'])

    // the installed `satchel` command runs the bundle (dist/bundle/satchel.js) the package ships
    const bin = join(pkgDir, 'bin', 'satchel.js')
    expect(run(nodeExecutable(), [bin, '--version'], project)).toBe(`satchel version ${VERSION}\n`)
    expect(existsSync(join(pkgDir, 'dist', 'bundle', 'satchel.js'))).toBe(true)
  }, 180_000)
})
