import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Command } from 'commander'
import { App } from '../core/app.ts'
import {
  applyMigrations,
  lastAppliedMigrations,
  removeMissingAppliedMigrations,
  revertMigrations,
} from '../core/migrations-runner.ts'
import { formatHooksFailure, loadHooks } from '../plugins/hooks-loader.ts'
import { listMigrationFiles, migrationSources } from '../plugins/migrations-loader.ts'
import { blankTemplate, snapshotTemplate, templateLang } from '../plugins/migrations-templates.ts'
import { configFromFlags, type GlobalFlags } from '../pocketbase.ts'
import { snakeCase } from '../tools/inflector/inflector.ts'
import { goLogLine } from './log-line.ts'
import { yesNoPrompt } from './yes-no-prompt.ts'

/** PocketBase's `migrate` help text (its `Long` description). */
const DESCRIPTION = `Supported arguments are:
- up            - runs all available migrations
- down [number] - reverts the last [number] applied migrations
- create name   - creates new blank migration template file
- collections   - creates new migration file with snapshot of the local collections configuration
- history-sync  - ensures that the _migrations history table doesn't have references to deleted migration files
`

/**
 * `satchel migrate [up | down [n] | create NAME | collections | history-sync]` (PocketBase's
 * `migrate` command, `up` by default) on the `--migrationsDir` files, with PocketBase's
 * messages, prompts (on stderr, answered from stdin) and exit codes. `down` reverts app
 * migrations only (PocketBase would also revert its system ones); a negative count reverts all.
 * `create` and `collections` write JS like PocketBase, or TypeScript with `--migrationsLang=ts`
 * (the default when the folder holds `.ts` files and no `.js`).
 */
export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .summary('Executes app DB migration scripts')
    .description(DESCRIPTION)
    .argument('[args...]')
    .action(async (args: string[], _o: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals() as GlobalFlags
      // the pb_hooks too, as PocketBase: a migration's saves fire their record hooks
      const app = new App(configFromFlags(flags))
      const { failures } = await loadHooks(app, app.config.hooksDir ?? '')
      for (const f of failures) process.stderr.write(goLogLine(formatHooksFailure(f)))
      await app.bootstrap()
      try {
        await runMigrate(app, flags, args)
      } finally {
        await app.close()
      }
    })
}

async function runMigrate(app: App, flags: GlobalFlags, args: string[]): Promise<void> {
  const dir = app.config.migrationsDir!
  const sources = migrationSources(dir)
  const out = (line: string) => process.stdout.write(`${line}\n`)
  const sub = args[0] ?? 'up'
  switch (sub) {
    case 'create':
    case 'collections': {
      const name = sub === 'collections' ? 'collections_snapshot' : args[1]
      if (name === undefined) throw new Error('missing migration file name')
      const lang = templateLang(app.config)
      const file = `${Math.floor(Date.now() / 1000)}_${snakeCase(name)}.${lang}`
      const shown = join(displayDir(flags), file)
      if (!(await yesNoPrompt(`Do you really want to create migration "${shown}"?`, false))) {
        out('The command has been cancelled')
        return
      }
      const text =
        sub === 'create' ? blankTemplate(lang) : snapshotTemplate(lang, app.collections())
      mkdirSync(dir, { recursive: true })
      writeFileSync(join(dir, file), text)
      out(`Successfully created file "${shown}"`)
      return
    }
    case 'up': {
      const applied = await applyMigrations(app, sources)
      if (applied.length === 0) out('No new migrations to apply.')
      for (const file of applied) out(`Applied ${file}`)
      return
    }
    case 'down': {
      let count = args[1] === undefined ? 1 : goToInt(args[1])
      if (count < 0) count = sources.length
      const files = sources.map((s) => s.file)
      const names = await lastAppliedMigrations(app, files, count)
      const question = `\n${names.join('\n')}\nDo you really want to revert the last ${count} applied migration(s)?`
      if (!(await yesNoPrompt(question, false))) {
        out('The command has been cancelled')
        return
      }
      const reverted = await revertMigrations(app, sources, count)
      if (reverted.length === 0) out('No migrations to revert.')
      for (const file of reverted) out(`Reverted ${file}`)
      return
    }
    case 'history-sync':
      await removeMissingAppliedMigrations(app, listMigrationFiles(dir))
      out('The _migrations table was synced with the available migrations.')
      return
    default:
      throw new Error(`unsupported command: "${sub}"`)
  }
}

/** The migrations folder as PocketBase prints it: as given, or `<--dir>/../pb_migrations` cleaned. */
function displayDir(flags: GlobalFlags): string {
  return flags.migrationsDir || join(flags.dir ?? 'pb_data', '..', 'pb_migrations')
}

/** Go's `cast.ToInt` on a command-line word: the decimal integer, else 0. */
function goToInt(s: string): number {
  return /^[+-]?\d+$/.test(s) ? Number.parseInt(s, 10) : 0
}
