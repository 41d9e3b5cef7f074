import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runCli } from './pocketbase.ts'

// The entry of the bundle `dist/bundle/satchel.js` (scripts/build-bundle.ts), which
// `bin/satchel.js` runs: the command line, and the public API, so that `import … from 'satchel'`
// in a hooks file gets the running bundle's own classes (see plugins/hooks-loader.ts).
export * from './index.ts'
export { runCli }

// `node dist/bundle/satchel.js …` runs the command line itself.
// NOTE: not awaited: a hooks file's `import … from 'satchel'` imports this module, which must
// have finished evaluating by then (a top-level await of `serve` would never finish).
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  void runCli(process.argv)
}
