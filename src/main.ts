import module from 'node:module'

// The `satchel` entry under `node` (`npm start`, and `bin/satchel.js` when no bundle is built).
// V8's compiled code (and the type-stripped sources) is cached on disk for the next launch.
module.enableCompileCache?.()
const { runCli } = await import('./pocketbase.ts')
await runCli(process.argv)
