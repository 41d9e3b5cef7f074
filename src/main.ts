import { runCli } from './pocketbase.ts'

// The `satchel` executable entry.
await runCli(process.argv)
