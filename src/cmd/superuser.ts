import type { Command } from 'commander'
import type { App } from '../core/app.ts'
import { deleteRecord } from '../core/record-delete.ts'
import { Record } from '../core/record-model.ts'
import { findFirstRecordByData } from '../core/record-query.ts'
import { saveRecord } from '../core/record-save.ts'
import { type GlobalFlags, openApp } from '../pocketbase.ts'
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
