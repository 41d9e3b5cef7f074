#!/usr/bin/env node
// The `satchel` executable. It runs the bundle `dist/bundle/satchel.js` (`npm run build`): always
// when installed as a package (Node does not strip types of files under node_modules), and in the
// repository when the bundle is newer than every source file and the lockfile. Otherwise it runs
// the TypeScript sources directly (Node 24 strips types), e.g. on a fresh clone.
import { readdirSync, statSync } from 'node:fs'
import module from 'node:module'

// V8's compiled code of the bundle (or the sources) is kept on disk, in the OS temp dir, for the
// next launch and for the worker processes (Node ≥ 22.1; NODE_DISABLE_COMPILE_CACHE=1 turns it off).
module.enableCompileCache?.()

const installed = import.meta.url.includes('/node_modules/')
const bundle = new URL('../dist/bundle/satchel.js', import.meta.url)

/** Whether the bundle exists and was built after the last change to the sources (≈4 ms). */
function bundleIsFresh() {
  const built = statSync(bundle, { throwIfNoEntry: false })?.mtimeMs
  if (built === undefined) return false
  const root = new URL('../', import.meta.url)
  const lock = statSync(new URL('package-lock.json', root), { throwIfNoEntry: false })
  if (lock !== undefined && lock.mtimeMs > built) return false
  for (const entry of readdirSync(new URL('src/', root), {
    recursive: true,
    withFileTypes: true,
  })) {
    if (!entry.isFile() || entry.name.endsWith('.test.ts')) continue
    if (statSync(`${entry.parentPath}/${entry.name}`).mtimeMs > built) return false
  }
  return true
}

let cli
if (installed || bundleIsFresh()) {
  try {
    cli = await import(bundle.href)
  } catch (err) {
    // removed since the check (a rebuild in progress): the sources are right beside it
    if (installed || err?.code !== 'ERR_MODULE_NOT_FOUND') throw err
  }
}
if (cli !== undefined) await cli.runCli(process.argv)
else await import('../src/main.ts')
