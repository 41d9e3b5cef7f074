import type { Command } from 'commander'
import type { App } from '../core/app.ts'
import { newAuthRef, saveAuthRef } from '../core/auth-system-records.ts'
import { deleteRecord } from '../core/record-delete.ts'
import { Record } from '../core/record-model.ts'
import { findFirstRecordByData } from '../core/record-query.ts'
import { saveRecord } from '../core/record-save.ts'
import { type GlobalFlags, openApp } from '../pocketbase.ts'
import { randomString } from '../tools/security/random.ts'
import { ValidationErrors } from '../tools/validation/validation-errors.ts'

type Action = 'upsert' | 'create' | 'update' | 'delete'

/**
 * `satchel superuser upsert|create|update|delete EMAIL [PASSWORD]` (PocketBase's `superuser`
 * command): manages `_superusers` records in the data dir given by `--dir`.
 */
export function registerSuperuserCommand(program: Command): void {
  const cmd = program.command('superuser').description('manage superusers')
  for (const action of ['upsert', 'create', 'update'] as const) {
    cmd
      .command(`${action} <email> <password>`)
      .description(`${action} a superuser`)
      .action(async (email: string, password: string, _o: unknown, sub: Command) => {
        await run(sub, action, email, password)
      })
  }
  cmd
    .command('otp <email>')
    .description('create a new OTP for a superuser (OTP auth must be enabled on _superusers)')
    .action(async (email: string, _o: unknown, sub: Command) => {
      const app = await openApp(sub.optsWithGlobals() as GlobalFlags)
      try {
        console.log(await superuserOTP(app, email))
      } catch (err) {
        console.error(describe(err))
        process.exitCode = 1
      } finally {
        await app.close()
      }
    })
  cmd
    .command('delete <email>')
    .description('delete a superuser')
    .action(async (email: string, _o: unknown, sub: Command) => {
      await run(sub, 'delete', email, '')
    })
}

async function run(sub: Command, action: Action, email: string, password: string): Promise<void> {
  const app = await openApp(sub.optsWithGlobals() as GlobalFlags)
  try {
    const message = await superuserAction(app, action, email, password)
    console.log(message)
  } catch (err) {
    console.error(`Error: ${describe(err)}`)
    process.exitCode = 1
  } finally {
    await app.close()
  }
}

/** Performs one superuser action and returns the success message; throws on failure. */
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
    if (existing === undefined) return `Superuser "${email}" is missing or already deleted.`
    await deleteRecord(app, existing)
    return `Successfully deleted superuser "${email}"!`
  }
  if (action === 'create' && existing !== undefined)
    throw new Error(`Superuser "${email}" already exists.`)
  if (action === 'update' && existing === undefined)
    throw new Error(`Superuser with email "${email}" doesn't exist.`)
  const record = existing ?? new Record(collection)
  record.set('email', email)
  record.set('password', password)
  await saveRecord(app, record)
  return action === 'update'
    ? `Successfully changed superuser "${email}" password!`
    : `Successfully saved superuser "${email}"!`
}

function describe(err: unknown): string {
  if (err instanceof ValidationErrors) {
    return Object.entries(err.toJSON())
      .map(([k, v]) => `${k}: ${(v as { message?: string }).message ?? JSON.stringify(v)}`)
      .join('; ')
  }
  return err instanceof Error ? err.message : String(err)
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
