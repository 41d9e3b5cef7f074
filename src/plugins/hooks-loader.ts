import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { registerHooks } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { App } from '../core/app.ts'
import { isPocketBaseScript, JsHooks } from './jsvm/jsvm.ts'

/**
 * The contract of a hooks file (`pb_hooks/*.pb.ts` or `*.pb.js` as an ES module): it exports a
 * function named `hooks` that receives the app and binds hooks on it. It may be async; the
 * server starts once every file's `hooks` has returned.
 *
 * @example
 * // pb_hooks/posts.pb.ts
 * import type { App } from 'satchel'
 * import { slugify } from './lib/slugify.ts'
 *
 * export function hooks(app: App) {
 *   app.onRecordCreate('posts').bind(async (e) => {
 *     e.record.set('slug', slugify(String(e.record.get('title'))))
 *     await e.next()
 *   })
 *   app.onServe.bind(async (e) => {
 *     e.router.get('/api/hello/{name}', (e) => e.json(200, { hello: e.pathValue('name') }))
 *     await e.next()
 *   })
 * }
 */
export type HooksFunction = (app: App) => void | Promise<void>

/** A hooks file that failed to load, with where it failed. */
export interface HooksLoadFailure {
  /** The absolute path of the hooks file. */
  readonly file: string
  /** `path:line[:column]` of the failure when known (the file or a module it imports), else the file. */
  readonly location: string
  /** The error message. */
  readonly message: string
  readonly error: unknown
}

/** What `loadHooks` did. */
export interface HooksLoadResult {
  /** The files whose `hooks(app)` ran to the end, in load order. */
  readonly loaded: string[]
  readonly failures: HooksLoadFailure[]
}

/** The hooks files of a folder: `*.pb.ts` and `*.pb.js` (not in subfolders), by file name. */
export function listHooksFiles(dir: string): string[] {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw err
  }
  return names
    .filter((n) => /\.pb\.(ts|js)$/.test(n))
    .sort()
    .map((n) => join(dir, n))
}

/**
 * Loads the hooks files of `dir` in file-name order (PocketBase's `pb_hooks` order) with
 * `import()`, so `.pb.ts` runs under Node's type stripping and files can import npm packages
 * and local modules; then calls each file's exported `hooks(app)`. Call it before
 * `app.bootstrap()` so hooks can bind `onBootstrap`.
 *
 * A file that throws (at import or in `hooks`), or exports no `hooks` function, is reported in
 * `failures` with its file:line and skipped; the other files still load, as PocketBase keeps
 * serving when one hooks file fails. Handlers a failing `hooks` bound before it threw stay bound.
 *
 * PocketBase's own `.pb.js` files (scripts using `routerAdd`, `$app`… globals, without `import`
 * or `export`) run on the app's JSVM instead (see `jsvm/jsvm.ts`), in the same name order.
 */
export async function loadHooks(app: App, dir: string): Promise<HooksLoadResult> {
  resolveSatchelToThisInstance()
  const loaded: string[] = []
  const failures: HooksLoadFailure[] = []
  let jsvm: JsHooks | undefined
  for (const file of listHooksFiles(dir)) {
    if (file.endsWith('.js') && isPocketBaseScript(readFileSync(file, 'utf8'))) {
      jsvm ??= JsHooks.start(app, dir)
      const failed = await jsvm.load(file)
      for (const f of failed) failures.push({ file, ...f })
      if (!failed.some((f) => f.error !== undefined)) loaded.push(file)
      continue
    }
    try {
      const mod = (await import(pathToFileURL(file).href)) as { hooks?: unknown }
      if (typeof mod.hooks !== 'function') {
        throw new HooksContractError('The file exports no hooks(app) function.')
      }
      await (mod.hooks as HooksFunction)(app)
      loaded.push(file)
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err)
      failures.push({
        file,
        location: err instanceof HooksContractError ? file : failureLocation(err, file, dir),
        message,
        error: err,
      })
    }
  }
  return { loaded, failures }
}

class HooksContractError extends Error {}

/**
 * The package entry of the running server: `src/index.ts` from the sources, `dist/index.js` built
 * by tsc, and in the bundle (`dist/bundle/satchel.js`, which exports the public API) the bundle.
 */
const SELF_INDEX = /\/hooks-loader\.[jt]s$/.test(import.meta.url)
  ? new URL(import.meta.url.endsWith('.ts') ? '../index.ts' : '../index.js', import.meta.url).href
  : import.meta.url

// NOTE: process-wide on purpose (module resolution is per process, not per app).
let selfResolving = false

/**
 * Makes `import … from 'satchel'` in hooks files (and what they import) resolve to the package
 * instance that is running them, installed or not: a second copy would have its own
 * `ApiError` class, which the error handler would not recognise, and its own `App` prototype.
 */
export function resolveSatchelToThisInstance(): void {
  if (selfResolving) return
  selfResolving = true
  registerHooks({
    resolve: (specifier, context, nextResolve) =>
      specifier === 'satchel'
        ? { url: SELF_INDEX, shortCircuit: true }
        : nextResolve(specifier, context),
  })
}

/**
 * Where an error thrown while loading `file` happened: the first stack frame inside the hooks
 * folder, else the `path:line` header Node puts on syntax errors, else (plain JavaScript syntax
 * errors carry no location) what `node --check` prints for the file.
 */
function failureLocation(err: unknown, file: string, dir: string): string {
  const stack = err instanceof Error ? (err.stack ?? '') : ''
  // ES modules' frames name file URLs, CommonJS ones (a .pb.js without import/export) paths
  for (const m of stack.matchAll(/(file:\/\/)?(\/[^\s():]+):(\d+)(?::(\d+))?/g)) {
    const path = m[1] ? fileURLToPath(`file://${m[2]}`) : m[2]!
    if (path.startsWith(dir)) return `${path}:${m[3]}${m[4] ? `:${m[4]}` : ''}`
  }
  const header = /^(\/[^\n]+?):(\d+)\n/.exec(stack)
  if (header !== null) return `${header[1]}:${header[2]}`
  if (err instanceof SyntaxError) {
    const check = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' })
    const m = new RegExp(`(${escapeRegExp(file)}):(\\d+)`).exec(check.stderr ?? '')
    if (m !== null) return `${m[1]}:${m[2]}`
  }
  return file
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** One line per failure, PocketBase-like: `Failed to load hooks file PATH:LINE: MESSAGE`. */
export function formatHooksFailure(f: HooksLoadFailure): string {
  return `Failed to load hooks file ${f.location}: ${f.message}`
}
