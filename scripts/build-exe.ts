// `npm run build:exe [-- --out=DIR] [-- --embed=DIR …]`: builds the single `satchel` executable
// (default `dist/exe/satchel`), which runs without Node.js and without node_modules.
//
// How: esbuild bundles `src/main-exe.ts` into one CommonJS file; every `require()` of a native
// addon (`.node`: better-sqlite3, @node-rs/bcrypt, sharp) becomes a call to
// `src/tools/sea/embedded-assets.ts`'s `loadAddon`, which extracts the addon (and the shared
// libraries it links to, e.g. sharp's libvips; stored brotli-compressed) from the executable to `~/.cache/satchel/<hash>/`
// the first time the package needs it, and loads it with `process.dlopen`. Folders of static
// files (`--embed=DIR`, and `ui/dist` whenever it exists) are embedded the same way and
// reached through `embeddedDir(name)`. The bundle and those files become a Node single executable
// application: `node --experimental-sea-config` writes the blob, `postject` injects it into a
// copy of this Node binary (stripped of its debug symbols when `strip` is installed).
//
// The build is skipped when its inputs (bundle, assets, this script, the Node binary) have not
// changed since the last one in the same folder.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, constants as zlib } from 'node:zlib'
import { type BuildResult, build, type Plugin } from 'esbuild'
import { type EmbeddedManifest, JSVM_WORKER_KEY } from '../src/tools/sea/embedded-assets.ts'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const ENTRY = join(ROOT, 'src', 'main-exe.ts')
const RUNTIME = join(ROOT, 'src', 'tools', 'sea', 'embedded-assets.ts')
const WORKER_ENTRY = join(ROOT, 'src', 'plugins', 'jsvm', 'worker', 'worker.ts')
const MANIFEST_KEY = 'satchel/manifest.json'
/** Node's SEA fuse: postject flips it so the binary runs its embedded blob. */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2'

interface BuildOptions {
  out: string
  embed: string[]
}

function parseArgs(argv: readonly string[]): BuildOptions {
  let out = join(ROOT, 'dist', 'exe')
  const embed: string[] = []
  for (const arg of argv) {
    const [name, value] = arg.split(/=(.*)/s, 2) as [string, string | undefined]
    if (name === '--out' && value) out = resolve(value)
    else if (name === '--embed' && value) {
      // the name is also the folder's path below the extraction dir: keep it inside
      const clean = value.replace(/\/+$/, '')
      if (isAbsolute(clean) || clean.split(/[\\/]/).includes('..')) {
        throw new Error(`--embed takes a folder inside the repository, not "${value}".`)
      }
      embed.push(clean)
    } else throw new Error(`Unknown argument "${arg}" (use --out=DIR, --embed=DIR).`)
  }
  if (!embed.includes('ui/dist') && existsSync(join(ROOT, 'ui', 'dist'))) embed.push('ui/dist')
  return { out, embed }
}

/** The key of a file below some node_modules: `node_modules/<path after the last one>`. */
function nodeModulesKey(file: string): string {
  const parts = file.split(sep)
  const i = parts.lastIndexOf('node_modules')
  if (i < 0) throw new Error(`Native addon outside node_modules: ${file}`)
  return ['node_modules', ...parts.slice(i + 1)].join('/')
}

/**
 * Shared libraries an addon loads through its rpath, which must sit at the same relative place:
 * sharp's `@img/sharp-<platform>/lib/sharp-*.node` links `../../sharp-libvips-<platform>/lib/`.
 */
function companionsOf(file: string): string[] {
  const m = /[\\/]@img[\\/]sharp-([\w-]+)[\\/]lib[\\/][^\\/]+\.node$/.exec(file)
  if (m === null) return []
  const lib = join(file, '..', '..', '..', `sharp-libvips-${m[1]}`, 'lib')
  return readdirSync(lib)
    .filter((f) => /\.so(\.\d+)*$|\.dylib$|\.dll$/.test(f))
    .map((f) => join(lib, f))
}

/** Every regular file below `dir`, as paths relative to it with `/` separators. */
function walk(dir: string, prefix = ''): string[] {
  const out: string[] = []
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name
    if (entry.isDirectory()) out.push(...walk(dir, rel))
    else if (entry.isFile()) out.push(rel)
  }
  return out.sort()
}

/**
 * The esbuild plugin that replaces native addons: a `.node` file becomes a module calling
 * `loadAddon(key)`; `addons` collects each addon's file and its companion libraries.
 */
function nativeAddons(addons: Map<string, { file: string; companions: string[] }>): Plugin {
  return {
    name: 'satchel-native-addons',
    setup(b) {
      // better-sqlite3's default entry searches the disk for its addon at run time; its
      // per-platform entry requires the prebuilt one statically, which this plugin can replace.
      b.onResolve({ filter: /^better-sqlite3$/ }, (args) =>
        b.resolve(`better-sqlite3/${process.platform}-${process.arch}`, {
          kind: args.kind,
          resolveDir: args.resolveDir,
        }),
      )
      // sharp's ES module build loads its addon through createRequire(import.meta.url), which a
      // bundle cannot follow; its CommonJS build requires it statically.
      b.onResolve({ filter: /^sharp$/ }, (args) =>
        args.kind === 'require-call'
          ? undefined
          : b.resolve('sharp', { kind: 'require-call', resolveDir: args.resolveDir }),
      )
      // ...after globs over a local build folder (empty here), which become the failure a missing
      // file gives, caught by their try/catch.
      b.onLoad({ filter: /[\\/]sharp[\\/]dist[\\/]sharp\.cjs$/ }, (args) => ({
        contents: readFileSync(args.path, 'utf8').replace(
          /require\((`\.\.\/src\/build\/[^`]*`)\)/g,
          "((p) => { throw new Error('Cannot find module ' + p) })($1)",
        ),
        loader: 'js',
        resolveDir: dirname(args.path),
      }))
      b.onLoad({ filter: /\.node$/ }, (args) => {
        const key = nodeModulesKey(args.path)
        addons.set(key, { file: args.path, companions: companionsOf(args.path) })
        return {
          contents: `module.exports = require(${JSON.stringify(RUNTIME)}).loadAddon(${JSON.stringify(key)})`,
          loader: 'js',
          resolveDir: dirname(args.path),
        }
      })
    },
  }
}

/**
 * Bundles `entry` into the CommonJS file `out`, its native addons collected into `addons`;
 * `metafile` keeps what the bundle is made of in the result.
 */
async function bundle(
  entry: string,
  out: string,
  addons: Map<string, { file: string; companions: string[] }>,
  metafile: boolean,
): Promise<BuildResult> {
  const result = await build({
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: `node${process.versions.node}`,
    minify: true,
    keepNames: true,
    legalComments: 'none',
    plugins: [nativeAddons(addons)],
    // NOTE: CommonJS has no import.meta; in the executable __filename is the executable itself,
    // so a path computed from a module's URL (e.g. the dashboard's default folder) stays valid
    // and points beside it, where nothing of ours is: embedded folders come from embeddedDir().
    // A worker started from its text has no __filename: it gets the executable's URL too.
    banner: {
      js: 'var __importMetaUrl = require("node:url").pathToFileURL(process.execPath).href;',
    },
    define: { 'import.meta.url': '__importMetaUrl' },
    metafile,
    logLevel: 'warning',
    // NOTE: packages probe optional per-platform builds with require() inside try/catch; the
    // ones not installed here are expected misses.
    logOverride: { 'require-resolve-not-external': 'silent' },
  })
  if (result.errors.length > 0) throw new Error('esbuild failed.')
  return result
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2))
  const major = Number(process.versions.node.split('.')[0])
  if (major < 24)
    throw new Error(`Building the executable needs Node 24 (this is ${process.version}).`)
  mkdirSync(opts.out, { recursive: true })
  const started = Date.now()

  const addons = new Map<string, { file: string; companions: string[] }>()
  const bundleFile = join(opts.out, 'satchel.cjs')
  // NOTE: the PocketBase JS hooks run on worker threads, whose code is a bundle of its own:
  // embedded as it is, and started from its text (src/plugins/jsvm/pool.ts)
  const workerFile = join(opts.out, 'jsvm-worker.cjs')
  const [result] = await Promise.all([
    bundle(ENTRY, bundleFile, addons, true),
    bundle(WORKER_ENTRY, workerFile, addons, false),
  ])
  // what the bundle is made of (e.g. for https://esbuild.github.io/analyze/)
  writeFileSync(join(opts.out, 'meta.json'), JSON.stringify(result!.metafile))

  // asset key → source file
  const assets = new Map<string, string>()
  const manifestAddons: { [key: string]: string[] } = {}
  for (const [key, { file, companions }] of addons) {
    assets.set(key, file)
    manifestAddons[key] = companions.map((c) => {
      const k = nodeModulesKey(c)
      assets.set(k, c)
      return k
    })
  }
  const dirs: { [name: string]: string[] } = {}
  for (const name of opts.embed) {
    const abs = resolve(ROOT, name)
    const keys = walk(abs).map((rel) => `${name}/${rel}`)
    for (const key of keys) assets.set(key, join(ROOT, key))
    dirs[name] = keys
  }

  const hash = createHash('sha256')
  hash.update(readFileSync(bundleFile)).update('\0').update(readFileSync(workerFile))
  const files: { [key: string]: number } = {}
  for (const [key, file] of [...assets].sort(([a], [b]) => a.localeCompare(b))) {
    const data = readFileSync(file)
    files[key] = data.length
    hash.update(`\0${key}\0`).update(data)
  }
  const digest = hash.digest('hex').slice(0, 16)
  const manifest: EmbeddedManifest = { hash: digest, files, addons: manifestAddons, dirs }
  const manifestFile = join(opts.out, 'manifest.json')
  writeFileSync(manifestFile, JSON.stringify(manifest))

  const exe = join(opts.out, 'satchel')
  const base = statSync(process.execPath)
  const script = createHash('sha256').update(readFileSync(fileURLToPath(import.meta.url)))
  const stamp = `${digest} ${script.digest('hex').slice(0, 16)} ${process.execPath} ${base.size} ${base.mtimeMs}`
  const stampFile = join(opts.out, 'satchel.stamp')
  if (existsSync(exe) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
    console.log(`${relative(process.cwd(), exe)} is up to date (${digest}).`)
    return
  }

  // Assets are stored brotli-compressed (libvips: 18.7 → 7.5 MB); extraction inflates them once.
  const packed = join(opts.out, 'assets')
  rmSync(packed, { recursive: true, force: true })
  const seaAssets: { [key: string]: string } = {
    [MANIFEST_KEY]: manifestFile,
    [JSVM_WORKER_KEY]: workerFile,
  }
  for (const [key, file] of assets) {
    const out = join(packed, `${key}.br`)
    mkdirSync(dirname(out), { recursive: true })
    writeFileSync(
      out,
      brotliCompressSync(readFileSync(file), { params: { [zlib.BROTLI_PARAM_QUALITY]: 5 } }),
    )
    seaAssets[key] = out
  }

  const blob = join(opts.out, 'satchel.blob')
  const seaConfig = join(opts.out, 'sea-config.json')
  writeFileSync(
    seaConfig,
    JSON.stringify({
      main: bundleFile,
      output: blob,
      disableExperimentalSEAWarning: true,
      useCodeCache: true,
      assets: seaAssets,
    }),
  )
  execFileSync(process.execPath, ['--experimental-sea-config', seaConfig], { stdio: 'pipe' })

  const tmp = `${exe}.tmp`
  rmSync(tmp, { force: true })
  copyFileSync(process.execPath, tmp)
  chmodSync(tmp, 0o755)
  try {
    // NOTE: Node's binary carries its debug symbols (~18 MB); the executable does not need them.
    execFileSync('strip', ['--strip-all', tmp], { stdio: 'ignore' })
  } catch {
    console.warn('strip is not installed: the executable keeps Node’s debug symbols.')
  }
  // postject's CLI (rather than its API) keeps LIEF's harmless ELF warnings off our output
  const postject = join(ROOT, 'node_modules', 'postject', 'dist', 'cli.js')
  try {
    execFileSync(
      process.execPath,
      [postject, tmp, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE],
      { stdio: 'pipe', encoding: 'utf8' },
    )
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string }
    throw new Error(`postject failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`, { cause: err })
  }
  renameSync(tmp, exe)
  writeFileSync(stampFile, stamp)
  const mb = (statSync(exe).size / 1024 / 1024).toFixed(1)
  console.log(
    `${relative(process.cwd(), exe)}: ${mb} MiB (${addons.size} native addons, ` +
      `${assets.size} embedded files, ${digest}) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  )
}

await main()
