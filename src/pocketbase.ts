import { dirname, join, resolve } from 'node:path'
import { Command, Option } from 'commander'
import { registerServeCommand } from './cmd/serve.ts'
import { registerSuperuserCommand } from './cmd/superuser.ts'
import { App, type AppConfig } from './core/app.ts'
import './migrations/index.ts'

/** The Satchel version printed by `--version`. */
export const VERSION = '0.1.0'

/** The global flags every command accepts (PocketBase's root flags). */
export interface GlobalFlags {
  dir?: string
  dev?: boolean
  encryptionEnv?: string
  queryTimeout?: number
  /** `--publicDir`: the folder served at `/` (default `pb_public` beside the data dir). */
  publicDir?: string
  /** `--indexFallback`: SPA fallback to `index.html` (default true). */
  indexFallback?: boolean
}

/** The folder served at `/`: `--publicDir`, else `pb_public` beside the data dir. */
export function publicDirFromFlags(flags: GlobalFlags): string {
  return resolve(flags.publicDir ?? join(dirname(resolve(flags.dir ?? 'pb_data')), 'pb_public'))
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
  return Object.freeze({
    dataDir: resolve(flags.dir ?? 'pb_data'),
    dev: flags.dev ?? false,
    encryptionKey: encryptionKey || undefined,
    queryTimeoutMs: (flags.queryTimeout ?? 30) * 1000,
    ...extra,
  })
}

/** Creates and bootstraps an app for the given flags (`extra` overrides config fields). */
export async function openApp(flags: GlobalFlags, extra: Partial<AppConfig> = {}): Promise<App> {
  const app = new App(configFromFlags(flags, extra))
  await app.bootstrap()
  return app
}

/** The `satchel` command line (PocketBase's command names and flags). */
export function createCli(): Command {
  const program = new Command('satchel')
    .description('Satchel: a PocketBase-compatible backend in one package.')
    .version(VERSION, '-v, --version')
    .addOption(new Option('--dir <dir>', 'the PocketBase data directory').default('pb_data'))
    .addOption(new Option('--dev', 'enable dev mode (verbose logs)').default(false))
    .addOption(
      new Option(
        '--encryptionEnv <name>',
        'env variable whose value (32 chars) encrypts the app settings',
      ),
    )
    .addOption(
      new Option('--queryTimeout <seconds>', 'the default SELECT queries timeout in seconds')
        .default(30)
        .argParser(Number),
    )
    .addOption(
      new Option(
        '--publicDir <dir>',
        'the directory to serve static files (default pb_public beside --dir)',
      ),
    )
    .addOption(
      new Option(
        '--indexFallback [bool]',
        'fallback the request to index.html on missing static path (SPA pretty urls)',
      )
        .default(true)
        .argParser((v) => v !== 'false'),
    )
    .enablePositionalOptions(false)
    .showHelpAfterError()
  registerServeCommand(program)
  registerSuperuserCommand(program)
  return program
}
