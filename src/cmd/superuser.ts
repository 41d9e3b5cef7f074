import type { Command } from 'commander'
import type { App } from '../core/app.ts'
import { newAuthRef, saveAuthRef } from '../core/auth-system-records.ts'
import { isEmailFormat } from '../core/field-email.ts'
import { deleteRecord } from '../core/record-delete.ts'
import { Record } from '../core/record-model.ts'
import { findFirstRecordByData } from '../core/record-query.ts'
import { saveRecord } from '../core/record-save.ts'
import { type GlobalFlags, openApp } from '../pocketbase.ts'
import { randomString } from '../tools/security/random.ts'
import { type ValidationErrorMap, ValidationErrors } from '../tools/validation/validation-errors.ts'
import { goLogLine } from './log-line.ts'

type Action = 'upsert' | 'create' | 'update' | 'delete'

const DESCRIPTIONS: { [A in Action]: string } = {
  upsert: 'Creates, or updates if email exists, a single superuser',
  create: 'Creates a new superuser',
  update: 'Changes the password of a single superuser',
  delete: 'Deletes an existing superuser',
}

/**
 * `satchel superuser upsert|create|update|delete|otp|ips …` (PocketBase 0.40's `superuser`
 * command): manages `_superusers` records and `settings.superuserIPs` in the data dir given by
 * `--dir`. Messages and exit codes are PocketBase's: successes on stdout (exit 0), failures as
 * a Go log line on stderr (exit 1).
 */
export function registerSuperuserCommand(program: Command): void {
  const cmd = program.command('superuser').description('Manage superusers')
  for (const action of ['upsert', 'create', 'update'] as const) {
    cmd
      .command(action)
      .description(DESCRIPTIONS[action])
      .argument('[args...]', 'EMAIL PASSWORD')
      .addHelpText('after', `\nExample:\n  satchel superuser ${action} test@example.com 1234567890`)
      .action(async (args: string[], _o: unknown, sub: Command) => {
        if (args.length !== 2) return fail('missing email and password arguments')
        if (!isEmailFormat(args[0]!)) return fail('missing or invalid email address')
        await withApp(sub, (app) => superuserAction(app, action, args[0]!, args[1]!))
      })
  }
  cmd
    .command('delete')
    .description(DESCRIPTIONS.delete)
    .argument('[args...]', 'EMAIL')
    .action(async (args: string[], _o: unknown, sub: Command) => {
      if (args.length === 0 || !isEmailFormat(args[0]!))
        return fail('invalid or missing email address')
      await withApp(sub, (app) => superuserAction(app, 'delete', args[0]!, ''))
    })
  cmd
    .command('otp')
    .description('Creates a new OTP for the specified superuser')
    .argument('[args...]', 'EMAIL')
    .action(async (args: string[], _o: unknown, sub: Command) => {
      if (args.length === 0 || !isEmailFormat(args[0]!))
        return fail('invalid or missing email address')
      await withApp(sub, (app) => superuserOTP(app, args[0]!))
    })
  cmd
    .command('ips')
    .description(
      'Updates the superuser IPs whitelist setting (the IPs/subnets arguments must be space separated; leave empty to clear the whitelist restriction)',
    )
    .argument('[ips...]', 'IPs or CIDR subnets')
    .action(async (ips: string[], _o: unknown, sub: Command) => {
      await withApp(sub, (app) => superuserIPs(app, ips))
    })
}

/** Prints a PocketBase-style failure (Go log line on stderr) and sets exit code 1. */
function fail(message: string): void {
  process.stderr.write(goLogLine(message))
  process.exitCode = 1
}

/** Opens the app of `sub`'s flags, runs `fn`, prints its message or the failure, closes. */
async function withApp(sub: Command, fn: (app: App) => Promise<string>): Promise<void> {
  const app = await openApp(sub.optsWithGlobals() as GlobalFlags)
  try {
    process.stdout.write(ensureNewline(await fn(app)))
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err))
  } finally {
    await app.close()
  }
}

function ensureNewline(s: string): string {
  return s.endsWith('\n') ? s : `${s}\n`
}

/**
 * Performs one superuser action and returns PocketBase's success message; throws an Error with
 * PocketBase's failure message (validation errors in Go's `ozzo-validation` text form, e.g.
 * `failed to create new superuser account: password: Must be at least 8 character(s).`).
 */
export async function superuserAction(
  app: App,
  action: Action,
  email: string,
  password: string,
): Promise<string> {
  const collection = app.findCollectionByNameOrId('_superusers')
  let existing: Record | undefined
  try {
    existing = await findFirstRecordByData(app, collection, 'email', email)
  } catch {
    existing = undefined
  }
  if (action === 'delete') {
    if (existing === undefined) return `superuser "${email}" is missing or already deleted`
    await deleteRecord(app, existing)
    return `Successfully deleted superuser "${email}"!`
  }
  if (action === 'update' && existing === undefined)
    throw new Error(`superuser with email "${email}" doesn't exist`)
  // NOTE: like PocketBase, create does not reuse an existing row: the unique check reports it.
  const record = action === 'create' ? new Record(collection) : (existing ?? new Record(collection))
  if (action !== 'update') record.set('email', email)
  record.set('password', password)
  try {
    await saveRecord(app, record)
  } catch (err) {
    const prefix = {
      create: 'failed to create new superuser account',
      update: `failed to change superuser "${email}" password`,
      upsert: 'failed to upsert superuser account',
    }[action]
    throw new Error(`${prefix}: ${goErrorText(err)}`, { cause: err })
  }
  return {
    create: `Successfully created new superuser "${email}"!`,
    update: `Successfully changed superuser "${email}" password!`,
    upsert: `Successfully saved superuser "${email}"!`,
  }[action]
}

/**
 * `superuser ips [IP…]`: replaces `settings.superuserIPs` (none clears it). Returns PocketBase's
 * message; throws `superuserIPs: (0: invalid IP or CIDR subnet.).` for an invalid entry.
 */
export async function superuserIPs(app: App, ips: string[]): Promise<string> {
  const next = structuredClone(app.settings())
  next.superuserIPs = ips
  try {
    const { validateSettings } = await import('../core/settings-validate.ts')
    await app.saveSettings(validateSettings(next))
  } catch (err) {
    throw new Error(goErrorText(err), { cause: err })
  }
  if (ips.length === 0) return 'Successfully cleared SuperuserIPs setting!'
  const lines = ips.map((ip, i) => `${i === ips.length - 1 ? '└─' : '├─'} ${ip}`)
  return `Successfully updated SuperuserIPs setting:\n${lines.join('\n')}`
}

/**
 * An error as Go's `ozzo-validation` prints it: `key: message; key: (nested…).` with keys sorted
 * and one final period; any other error by its message.
 */
function goErrorText(err: unknown): string {
  if (!(err instanceof ValidationErrors)) return err instanceof Error ? err.message : String(err)
  const text = (map: ValidationErrorMap): string =>
    `${Object.keys(map)
      .sort()
      .map((k) => {
        const v = map[k]!
        return typeof v.message === 'string' && typeof v.code === 'string'
          ? `${k}: ${(v.message as string).replace(/\.$/, '')}`
          : `${k}: (${text(v as ValidationErrorMap)})`
      })
      .join('; ')}.`
  return text(err.errors)
}

/**
 * `superuser otp EMAIL` (PocketBase §15.1): creates an `_otps` row for the superuser (nothing is
 * emailed) and returns the text to print with its id, code and validity. Throws when OTP auth is
 * disabled on `_superusers` or the superuser does not exist.
 */
export async function superuserOTP(app: App, email: string): Promise<string> {
  const collection = app.findCollectionByNameOrId('_superusers')
  let record: Record
  try {
    record = await findFirstRecordByData(app, collection, 'email', email)
  } catch {
    throw new Error(`superuser with email "${email}" doesn't exist`)
  }
  const otp = collection.auth!.otp
  if (!otp.enabled) throw new Error('OTP auth is not enabled for the _superusers collection')
  const code = randomString(otp.length, '1234567890')
  const row = newAuthRef(app, '_otps', record)
  row.set('password', code)
  await saveAuthRef(app, row)
  return `Successfully created OTP for superuser "${email}":\n├─ Id:    ${row.id}\n├─ Pass:  ${code}\n└─ Valid: ${otp.duration}s\n`
}
