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
import { builtinModules } from 'node:module'
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
 * Node's own modules reached through `require()` rather than `import`: an ES module import of a
 * built-in makes Node build its ES facade, which reads every export, and reading `node:http`'s
 * `WebSocket`/`EventSource` getters loads undici (≈15 ms of a ≈100 ms start).
 */
function builtinsByRequire(): Plugin {
  const names = new Set(
    builtinModules.flatMap((m) => (m.startsWith('node:') ? [m] : [m, `node:${m}`])),
  )
  return {
    name: 'satchel-builtins-by-require',
    setup(b) {
      b.onResolve({ filter: /^(node:)?[a-z0-9_/]+$/ }, (args) =>
        names.has(args.path) && args.kind !== 'require-call'
          ? { path: args.path, namespace: 'builtin' }
          : undefined,
      )
      b.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(args.path)})`,
        loader: 'js',
      }))
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
    plugins: [builtinsByRequire()],
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
