import PocketBase, { ClientResponseError } from 'pocketbase'
import { expect } from 'vitest'
import {
  makeTempDir,
  pocketBaseExecutable,
  runPocketBaseCli,
  runSatchelCli,
  type ServerExtras,
  type ServerProcess,
  type SpawnedProcess,
  spawnProcess,
  spawnSatchel,
  startPocketBase,
  startSatchel,
} from './process.ts'

/** Which server an end-to-end suite drives: Satchel, or the real PocketBase (the oracle). */
export type ServerKind = 'satchel' | 'pocketbase'

/**
 * The server under test: `satchel` unless `SATCHEL_E2E_TARGET=pocketbase`, which runs the same
 * suite against the real PocketBase to check that the test itself asserts PocketBase's behaviour.
 */
export function targetKind(): ServerKind {
  return process.env.SATCHEL_E2E_TARGET === 'pocketbase' ? 'pocketbase' : 'satchel'
}

/** Runs a CLI command of `kind` to completion; returns its output (throws on non-zero exit). */
export function runCli(kind: ServerKind, args: readonly string[]): string {
  return kind === 'pocketbase' ? runPocketBaseCli(args) : runSatchelCli(args)
}

/** Creates/updates a superuser with the server's own CLI. */
export function upsertSuperuser(kind: ServerKind, dir: string, email: string, pass: string): void {
  runCli(kind, ['superuser', 'upsert', email, pass, `--dir=${dir}`])
}

/** Starts `kind` on `dir` (a new temp dir if omitted), a free port (or `port`) and `extras`. */
export function startServer(
  kind: ServerKind,
  dir?: string,
  port?: number,
  extras?: ServerExtras,
): Promise<ServerProcess> {
  const d = dir ?? makeTempDir()
  return kind === 'pocketbase' ? startPocketBase(d, port, extras) : startSatchel(d, port, extras)
}

/** Spawns `serve` of `kind` on 127.0.0.1:port and dir without waiting for it to be ready. */
export function spawnServe(kind: ServerKind, dir: string, port: number): SpawnedProcess {
  return kind === 'pocketbase'
    ? spawnProcess(pocketBaseExecutable(), ['serve', `--http=127.0.0.1:${port}`, `--dir=${dir}`])
    : spawnSatchel(['serve', `--http=127.0.0.1:${port}`, `--dir=${dir}`])
}

/** An SDK client without auto-cancellation (tests issue parallel identical requests). */
export function client(url: string, token?: string): PocketBase {
  const pb = new PocketBase(url)
  pb.autoCancellation(false)
  if (token !== undefined) pb.authStore.save(token, null)
  return pb
}

/** The error of a promise that must reject with a ClientResponseError. */
export async function failure(p: Promise<unknown>): Promise<ClientResponseError> {
  try {
    await p
  } catch (err) {
    if (err instanceof ClientResponseError) return err
    throw err
  }
  throw new Error('expected the request to fail, but it succeeded')
}

/** Asserts a ClientResponseError's status and (optionally) message and data. */
export async function expectFailure(
  p: Promise<unknown>,
  status: number,
  message?: string,
  data?: object,
): Promise<ClientResponseError> {
  const err = await failure(p)
  expect({ status: err.status, response: err.response }).toMatchObject({
    status,
    response: {
      status,
      ...(message === undefined ? {} : { message }),
      ...(data === undefined ? {} : { data }),
    },
  })
  return err
}

/** The `code`s of a validation error body's `data`, e.g. `{ title: 'validation_required' }`. */
export function dataCodes(err: ClientResponseError): { [field: string]: string } {
  const out: { [field: string]: string } = {}
  const data = (err.response as { data?: { [k: string]: { code?: string } } }).data ?? {}
  for (const [k, v] of Object.entries(data)) out[k] = v?.code ?? ''
  return out
}
