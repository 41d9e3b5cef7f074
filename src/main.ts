import { createCli } from './pocketbase.ts'

// The `satchel` executable entry.
await createCli().parseAsync(process.argv)
