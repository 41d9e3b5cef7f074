// `node scripts/build-bundle.ts [--out=FILE]` (run by `npm run build`): bundles the command line and the public
// API into one ES module, `dist/bundle/satchel.js`, which `bin/satchel.js` runs.
//
// Why: under Node's type stripping a launch reads, strips and compiles ~240 source files and
// ~300 files of dependencies before it can answer; one minified file (with Node's compile cache,
// which `bin/satchel.js` turns on) starts several times faster. Dependencies are bundled too,
// except native addons and packages that find files beside themselves at run time, which stay
// `import`s resolved from node_modules. Modules loaded with `import()` (S3, nodemailer …) are in
// the file but not evaluated until first use.
//
// The bundle sits two folders below the package root, as every source file does
// (`src/<folder>/x.ts`), so paths computed from `import.meta.url` (the dashboard's `../../ui/dist`)
// point at the same place from both. One file (no code splitting), written under a temporary
// name and renamed: a server started from it never needs another file of it later, so
// rebuilding while it runs cannot break it.
import { renameSync } from 'node:fs'
import { builtinModules, createRequire } from 'node:module'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, type Plugin } from 'esbuild'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const outArg = process.argv.slice(2).find((a) => a.startsWith('--out='))
const OUT = outArg
  ? resolve(outArg.slice('--out='.length))
  : join(ROOT, 'dist', 'bundle', 'satchel.js')

/** Loaded from node_modules at run time: native addons (and sharp, which finds libvips itself). */
const EXTERNAL = ['better-sqlite3', '@node-rs/bcrypt', 'sharp']

/**
 * Node's own modules, reached through `require()` rather than `import` and only when first used.
 * An ES module import of a built-in makes Node build its ES facade, which reads every export
 * (reading `node:http`'s `WebSocket` getter loads undici); and each built-in the bundle imports
 * would load at every launch, `--version` included (`node:cluster`, `node:child_process`,
 * `node:readline`, `node:https`…: ≈20 of Node's internal modules a CLI command never uses). So
 * each built-in whose exports are an object becomes an object of getters (and setters) that
 * `require()` it on first access; the export names are this Node's. A built-in that exports a
 * function (`events`, `stream`, `assert`, `module`) is required as it is, being used as a class.
 */
function lazyBuiltins(): Plugin {
  const names = new Set(
    builtinModules.flatMap((m) => (m.startsWith('node:') ? [m] : [m, `node:${m}`])),
  )
  const require = createRequire(import.meta.url)
  return {
    name: 'satchel-lazy-builtins',
    setup(b) {
      b.onResolve({ filter: /^(node:)?[a-z0-9_/]+$/ }, (args) =>
        names.has(args.path) && args.kind !== 'require-call'
          ? { path: args.path, namespace: 'builtin' }
          : undefined,
      )
      b.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => {
        const id = JSON.stringify(args.path)
        const real = require(args.path) as unknown
        if (typeof real !== 'object' || real === null) {
          return { contents: `module.exports = require(${id})`, loader: 'js' }
        }
        const members = Object.keys(real).map((name) => {
          const key = JSON.stringify(name)
          return `get ${key}() { return load()[${key}] }, set ${key}(v) { load()[${key}] = v }`
        })
        return {
          contents: `let m; const load = () => (m ??= require(${id}));\nmodule.exports = { ${members.join(',\n')} }`,
          loader: 'js',
        }
      })
    },
  }
}

const started = Date.now()
// NOTE: the PocketBase JS hooks run on worker threads, whose entry is a file of its own
// (`src/plugins/jsvm/pool.ts` starts `jsvm-worker.js` beside the bundle)
for (const [entry, out] of [
  [
    join(ROOT, 'src', 'plugins', 'jsvm', 'worker', 'worker.ts'),
    join(dirname(OUT), 'jsvm-worker.js'),
  ],
  // the primary process of `serve --workers` becomes this small program (see cmd/serve.ts)
  [join(ROOT, 'src', 'cmd', 'serve-primary-main.ts'), join(dirname(OUT), 'serve-primary-main.js')],
  [join(ROOT, 'src', 'main-bundle.ts'), OUT],
] as const) {
  const tmp = `${out}.tmp`
  const result = await build({
    entryPoints: [entry],
    outfile: tmp,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    minify: true,
    // class and function names stay (error names, `constructor.name` in messages)
    keepNames: true,
    legalComments: 'eof',
    external: EXTERNAL,
    plugins: [lazyBuiltins()],
    // bundled CommonJS packages call require() for Node's modules and their own JSON files
    banner: {
      js: "import { createRequire as __satchelRequire } from 'node:module'; const require = __satchelRequire(import.meta.url);",
    },
    logLevel: 'warning',
    // NOTE: packages probe optional dependencies with require() inside try/catch
    logOverride: { 'require-resolve-not-external': 'silent' },
  })
  if (result.errors.length > 0) throw new Error('esbuild failed.')
  renameSync(tmp, out)
}
console.log(`${relative(process.cwd(), OUT)} in ${Date.now() - started} ms`)
