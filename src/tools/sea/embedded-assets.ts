import { randomBytes } from 'node:crypto'
import { lstatSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { brotliDecompressSync } from 'node:zlib'

/**
 * The SEA asset (`satchel/manifest.json`) that `scripts/build-exe.ts` writes beside the embedded
 * files: what to extract, and the content hash that names the extraction folder.
 */
export interface EmbeddedManifest {
  /** Hex digest of the bundle and every asset: a new build extracts into a new folder. */
  readonly hash: string
  /**
   * Every embedded file: its key (= path below the extraction folder) → its size in bytes. The
   * asset of the same key holds it brotli-compressed.
   */
  readonly files: { readonly [key: string]: number }
  /**
   * Native addons: the `.node` key → keys that must be on disk before it is loaded (shared
   * libraries it links against, e.g. sharp's libvips, found through the addon's rpath).
   */
  readonly addons: { readonly [key: string]: readonly string[] }
  /** Embedded folders (e.g. `ui/dist`) → the keys of their files. */
  readonly dirs: { readonly [name: string]: readonly string[] }
}

/**
 * Node's `node:sea`, or undefined where it does not exist (Bun): looked up at run time so that
 * importing this module never fails.
 */
function sea(): typeof import('node:sea') | undefined {
  // NOTE: process.getBuiltinModule is Node ≥ 22.3
  return process.getBuiltinModule?.('node:sea')
}

/** The asset key of the manifest. */
export const MANIFEST_KEY = 'satchel/manifest.json'

/** The asset key of the PocketBase JS hooks worker's bundle (read with `embeddedFile`). */
export const JSVM_WORKER_KEY = 'satchel/jsvm-worker.cjs'

/** Reports whether this process is the single `satchel` executable (Node SEA), not `node`. */
export function isExecutable(): boolean {
  return sea()?.isSea() ?? false
}

/** Reads the manifest embedded in the executable. Throws outside a single executable. */
export function embeddedManifest(): EmbeddedManifest {
  const api = sea()
  if (api === undefined || !api.isSea()) throw new Error('Not running as the single executable.')
  return JSON.parse(api.getAsset(MANIFEST_KEY, 'utf8')) as EmbeddedManifest
}

/**
 * The text of the SEA asset `key`, stored as it is (not brotli-compressed, not extracted): code
 * the executable runs without a file, e.g. `satchel/jsvm-worker.cjs`, the PocketBase JS hooks
 * worker's bundle (see `scripts/build-exe.ts`). Throws outside a single executable, or when the
 * build embedded no such asset.
 */
export function embeddedFile(key: string): string {
  const api = sea()
  if (api === undefined || !api.isSea()) throw new Error('Not running as the single executable.')
  return api.getAsset(key, 'utf8')
}

/**
 * The folder the embedded files are extracted to: `~/.cache/satchel/<hash>/`, or
 * `<tmpdir>/satchel-<user>/<hash>/` when the home folder is not writable. Files keep their
 * relative layout there (native addons find their shared libraries through `$ORIGIN` rpaths).
 */
export function extractionDir(manifest: EmbeddedManifest = embeddedManifest()): string {
  const home = join(homedir(), '.cache', 'satchel', manifest.hash)
  try {
    mkdirSync(home, { recursive: true })
    return home
  } catch {
    // NOTE: a read-only or missing home (containers, service users): fall back to tmp, in a
    // folder only this user may write (tmp is shared: nobody else may plant an addon there)
    const uid = process.getuid?.() ?? 0
    const mine = join(tmpdir(), `satchel-${uid}`)
    mkdirSync(mine, { recursive: true, mode: 0o700 })
    const st = lstatSync(mine)
    if (!st.isDirectory() || st.uid !== uid || (st.mode & 0o022) !== 0) {
      throw new Error(`${mine} is not a private folder of this user: cannot extract there.`)
    }
    const tmp = join(mine, manifest.hash)
    mkdirSync(tmp, { recursive: true })
    return tmp
  }
}

/**
 * Writes the embedded file `key` below `dir` unless a file of the same size is already there;
 * returns its path. Safe when several processes extract at once: each writes a private temp file
 * and renames it into place (atomic), so a reader never sees a partly written file.
 */
export function extractFile(manifest: EmbeddedManifest, dir: string, key: string): string {
  const size = manifest.files[key]
  if (size === undefined) throw new Error(`"${key}" is not embedded in this executable.`)
  const target = join(dir, key)
  try {
    if (statSync(target).size === size) return target
  } catch {
    // not extracted yet
  }
  mkdirSync(dirname(target), { recursive: true })
  const tmp = `${target}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`
  try {
    writeFileSync(tmp, brotliDecompressSync(new Uint8Array(sea()!.getRawAsset(key))), {
      mode: 0o755,
    })
    renameSync(tmp, target)
  } catch (err) {
    rmSync(tmp, { force: true })
    throw new Error(`Cannot extract "${key}" to ${dir}.`, { cause: err })
  }
  return target
}

/**
 * Extracts the native addon `key` (a `.node` file, after the shared libraries it needs) and loads
 * it with `process.dlopen`; returns its exports. The bundle calls this in place of `require()`
 * of a `.node` file, when the package first needs its addon. Throws when it cannot be loaded.
 */
export function loadAddon(key: string): unknown {
  const manifest = embeddedManifest()
  const dir = extractionDir(manifest)
  for (const lib of manifest.addons[key] ?? []) extractFile(manifest, dir, lib)
  const mod = { exports: {} as unknown }
  process.dlopen(mod, extractFile(manifest, dir, key))
  return mod.exports
}

/**
 * Extracts the embedded folder `name` (e.g. `ui/dist`, the dashboard) and returns its path on
 * disk, so the server serves it like any folder; `undefined` when this process is not the single
 * executable or the build embedded no such folder.
 */
export function embeddedDir(name: string): string | undefined {
  if (!isExecutable()) return undefined
  const manifest = embeddedManifest()
  const keys = manifest.dirs[name]
  if (keys === undefined) return undefined
  const dir = extractionDir(manifest)
  for (const key of keys) extractFile(manifest, dir, key)
  mkdirSync(join(dir, name), { recursive: true })
  return join(dir, name)
}
