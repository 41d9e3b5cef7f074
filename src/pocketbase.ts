import { dirname, join, resolve } from 'node:path'
import { Command } from 'commander'
import { FlagError, flag, goFlagsHelp, normalizeArgs } from './cmd/flags.ts'
import { goLogLine } from './cmd/log-line.ts'
import { registerMigrateCommand } from './cmd/migrate.ts'
import { registerMigrateDbCommand } from './cmd/migrate-db.ts'
import { registerServeCommand } from './cmd/serve.ts'
import { registerSuperuserCommand } from './cmd/superuser.ts'
import { registerTypegenCommand } from './cmd/typegen.ts'
import { App, type AppConfig } from './core/app.ts'
import './migrations/index.ts'

/** The Satchel version printed by `--version`. */
export const VERSION = '0.1.0'

/** The global flags every command accepts (PocketBase 0.40's root flags, parsed like Go's). */
export interface GlobalFlags {
  dir?: string
  dev?: boolean
  encryptionEnv?: string
  queryTimeout?: number
  /** `--publicDir`: the folder served at `/` (default `pb_public` beside the data dir). */
  publicDir?: string
  /** `--indexFallback`: SPA fallback to `index.html` (default true). */
  indexFallback?: boolean
  /** `--hooksDir` (default `pb_hooks` beside the data dir). */
  hooksDir?: string
  /** `--hooksWatch` (default true). */
  hooksWatch?: boolean
  /** `--hooksPool` (default 15). */
  hooksPool?: number
  /** `--migrationsDir` (default `pb_migrations` beside the data dir). */
  migrationsDir?: string
  /** `--automigrate` (default true). */
  automigrate?: boolean
  /** `--migrationsLang` (Satchel's): `js` or `ts`, the language of written migration files. */
  migrationsLang?: string
  /** `--db`: a `postgres://` URL (Satchel); else the `SATCHEL_DB_URL` variable; else SQLite. */
  db?: string
}

/** The environment variable read when `--db` is not given. */
export const DB_URL_ENV = 'SATCHEL_DB_URL'

/** `name` beside the data dir (PocketBase's default for `pb_public`, `pb_hooks`, `pb_migrations`). */
function besideDataDir(flags: GlobalFlags, name: string): string {
  return join(dirname(resolve(flags.dir ?? 'pb_data')), name)
}

/** The folder served at `/`: `--publicDir`, else `pb_public` beside the data dir. */
export function publicDirFromFlags(flags: GlobalFlags): string {
  return resolve(flags.publicDir ?? besideDataDir(flags, 'pb_public'))
}

/**
 * Builds the boot config from the global flags and the environment (the only place besides
 * `cmd/` that reads `process.env`). Throws when `--encryptionEnv` names an unset or
 * non-32-character variable.
 */
export function configFromFlags(flags: GlobalFlags, extra: Partial<AppConfig> = {}): AppConfig {
  let encryptionKey: string | undefined
  if (flags.encryptionEnv) {
    encryptionKey = process.env[flags.encryptionEnv]
    if (encryptionKey !== undefined && encryptionKey.length !== 32) {
      throw new Error(
        `The ${flags.encryptionEnv} environment variable must be exactly 32 characters.`,
      )
    }
  }
  const lang = flags.migrationsLang
  if (lang !== undefined && lang !== 'js' && lang !== 'ts') {
    throw new Error(`invalid --migrationsLang "${lang}" (expected js or ts)`)
  }
  return Object.freeze({
    dataDir: resolve(flags.dir ?? 'pb_data'),
    dev: flags.dev ?? false,
    encryptionKey: encryptionKey || undefined,
    queryTimeoutMs: (flags.queryTimeout ?? 30) * 1000,
    hooksDir: resolve(flags.hooksDir || besideDataDir(flags, 'pb_hooks')),
    hooksWatch: flags.hooksWatch ?? true,
    hooksPool: flags.hooksPool ?? 15,
    migrationsDir: resolve(flags.migrationsDir || besideDataDir(flags, 'pb_migrations')),
    automigrate: flags.automigrate ?? true,
    migrationsLang: lang,
    databaseUrl: flags.db || process.env[DB_URL_ENV] || undefined,
    ...extra,
  })
}

/** Creates and bootstraps an app for the given flags (`extra` overrides config fields). */
export async function openApp(flags: GlobalFlags, extra: Partial<AppConfig> = {}): Promise<App> {
  const app = new App(configFromFlags(flags, extra))
  await app.bootstrap()
  return app
}

/**
 * The `satchel` command line: PocketBase 0.40's commands and flags (`serve`, `superuser`), plus
 * Satchel's own `serve --workers/--tlsCert/--tlsKey`. Parse it with {@link runCli}, which
 * accepts Go's flag forms.
 */
export function createCli(): Command {
  const program = new Command('satchel')
    .description('Satchel: a PocketBase-compatible backend in one package.')
    .version(`satchel version ${VERSION}`, '-v, --version')
    .configureHelp(goFlagsHelp)
    .configureOutput({
      // commander's own errors (missing arguments, unknown sub-commands) in PocketBase's shape
      outputError: (str, write) => write(goLogLine(str.replace(/^error: /, '').trimEnd())),
    })
    .addOption(flag('dir', 'string', 'the PocketBase data directory', 'pb_data'))
    .addOption(
      flag(
        'db',
        'string',
        `Satchel: keep the data and logs in PostgreSQL (postgres://user:pass@host:port/db) instead of the SQLite files in --dir (default: the ${DB_URL_ENV} variable)`,
      ),
    )
    .addOption(
      flag('dev', 'bool', 'enable dev mode, aka. printing logs and sql statements to the console'),
    )
    .addOption(
      flag(
        'encryptionEnv',
        'string',
        'the env variable whose value of 32 characters will be used as encryption key for the app settings (default none)',
      ),
    )
    .addOption(
      flag(
        'queryTimeout',
        'int',
        'the default SELECT queries timeout in seconds (checked between result rows: see README)',
        30,
      ),
    )
    .addOption(
      flag(
        'publicDir',
        'string',
        'the directory to serve static files (default "pb_public" beside --dir)',
      ),
    )
    .addOption(
      flag(
        'indexFallback',
        'bool',
        'fallback the request to index.html on missing static path, e.g. when pretty urls are used with SPA',
        true,
      ),
    )
    .addOption(
      flag(
        'hooksDir',
        'string',
        'the directory with the app hooks: *.pb.ts and ES-module *.pb.js files exporting hooks(app) (default "pb_hooks" beside --dir)',
      ),
    )
    .addOption(
      flag(
        'hooksWatch',
        'bool',
        'auto reload the app hooks on pb_hooks file change (with --workers of 2 or more: the workers are replaced one by one, so no request is dropped)',
        true,
      ),
    )
    .addOption(
      flag(
        'hooksPool',
        'int',
        'the total prewarm runtime instances for the JS app hooks execution (stored, no effect yet)',
        15,
      ),
    )
    .addOption(
      flag(
        'migrationsDir',
        'string',
        'the directory with the user defined migrations: *.ts (export default migrate(up, down)) and PocketBase *.js (default "pb_migrations" beside --dir)',
      ),
    )
    .addOption(
      flag(
        'automigrate',
        'bool',
        'enable/disable auto migrations: serve writes a migration file for every collection change made through the API or dashboard',
        true,
      ),
    )
    .addOption(
      flag(
        'migrationsLang',
        'string',
        'Satchel: the language of the migration files "migrate create|collections" and automigrate write, js or ts (default ts when --migrationsDir holds .ts files and no .js, else js)',
      ),
    )
  registerServeCommand(program)
  registerSuperuserCommand(program)
  registerMigrateCommand(program)
  registerMigrateDbCommand(program)
  registerTypegenCommand(program)
  return program
}

/**
 * Runs the command line `argv` (`process.argv` shape). Flag errors and commands that fail print
 * one line like PocketBase's (`2026/01/02 03:04:05 unknown flag: --nope` on stderr) and set exit
 * code 1.
 */
export async function runCli(argv: readonly string[]): Promise<void> {
  const program = createCli()
  let args: string[]
  try {
    args = normalizeArgs(program, argv.slice(2))
  } catch (err) {
    if (!(err instanceof FlagError)) throw err
    process.stderr.write(goLogLine(err.message))
    process.exitCode = 1
    return
  }
  try {
    await program.parseAsync(args, { from: 'user' })
  } catch (err) {
    // NOTE: a command that fails to start (bad --encryptionEnv, unreadable data dir) reports
    // like PocketBase's log.Fatal: one line, exit 1, no stack trace.
    process.stderr.write(goLogLine(err instanceof Error ? err.message : String(err)))
    process.exitCode = 1
  }
}
