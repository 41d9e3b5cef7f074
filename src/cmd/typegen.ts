import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { Command } from 'commander'
import { typegen } from '../plugins/typegen.ts'
import { type GlobalFlags, openApp } from '../pocketbase.ts'
import { flag } from './flags.ts'

/**
 * `satchel typegen [--out=FILE]` (Satchel's own; PocketBase has none): writes TypeScript types
 * for every collection of the data dir (see `plugins/typegen.ts`) to FILE, or prints them.
 */
export function registerTypegenCommand(program: Command): void {
  program
    .command('typegen')
    .description(
      'Writes TypeScript types for every collection (records, create/update bodies, select options, expand, a typed SDK client)',
    )
    .addOption(flag('out', 'string', 'the file to write (default: print to stdout)'))
    .action(async (opts: { out?: string }, cmd: Command) => {
      const app = await openApp(cmd.optsWithGlobals() as GlobalFlags)
      let text: string
      try {
        text = typegen(app.collections())
      } finally {
        await app.close()
      }
      if (opts.out === undefined || opts.out === '') {
        process.stdout.write(text)
        return
      }
      const file = resolve(opts.out)
      mkdirSync(dirname(file), { recursive: true })
      writeFileSync(file, text)
      process.stdout.write(`Successfully created file "${opts.out}"\n`)
    })
}
