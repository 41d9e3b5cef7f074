import type PocketBase from 'pocketbase'
import { ClientResponseError } from 'pocketbase'
import { cleanupAll, makeTempDir, type ServerProcess } from './process.ts'
import { client, type ServerKind, startServer, targetKind, upsertSuperuser } from './sdk.ts'
import {
  hideEmailTemplates,
  normalise,
  SEED_SU,
  type SeedResult,
  seedIdOrder,
  seedThroughSdk,
} from './sdk-seed.ts'

/** Who sends a compat case: nobody, the superuser, or one of the seeded users. */
export type Actor = 'guest' | 'su' | 'alice' | 'bob'

/** One row of a compatibility table: the same SDK call sent to PocketBase and to Satchel. */
export interface CompatCase {
  readonly name: string
  readonly as: Actor
  /** The SDK call; `ids` are the seeded record ids of the server it runs against. */
  readonly call: (pb: PocketBase, ids: SeedResult['ids']) => Promise<unknown>
  /** The status PocketBase answers with (200 for any success); checked against the oracle. */
  readonly status: number
  /**
   * Why the answer is SQLite's own (raw SQLite error texts, declared types, SQLite functions in
   * a view query): such a case is left out where Satchel runs on PostgreSQL.
   */
  readonly sqliteOnly?: string
}

/** What a call produced: the HTTP status (200 for SDK successes) and the normalised body. */
export interface Outcome {
  readonly status: number
  readonly body: unknown
}

/** A seeded server of each kind, for running compat cases side by side. */
export interface CompatPair {
  readonly servers: { readonly [K in ServerKind]: { proc: ServerProcess; seed: SeedResult } }
  /** Runs one case against both servers; resolves with both outcomes. */
  run(c: CompatCase): Promise<{ [K in ServerKind]: Outcome }>
  /** Stops both servers and removes their dirs. */
  close(): Promise<void>
}

/**
 * Starts PocketBase and Satchel (see `targetKind`) on fresh data dirs, seeds both through the SDK the same way, and
 * returns a runner that sends a case to both and normalises the answers (record ids, autodates,
 * email template texts).
 */
export async function startCompatPair(): Promise<CompatPair> {
  const start = async (kind: ServerKind) => {
    // NOTE: the superuser exists before `serve`: PocketBase adds a temporary installer superuser
    // (`__pbinstaller@example.com`) when it starts without one, which would race with the seed.
    const dir = makeTempDir()
    upsertSuperuser(kind, dir, SEED_SU.email, SEED_SU.password)
    const proc = await startServer(kind, dir)
    return { proc, seed: await seedThroughSdk(proc.url) }
  }
  // with SATCHEL_E2E_TARGET=pocketbase both sides are PocketBase (checks the table itself)
  const [pocketbase, satchel] = await Promise.all([start('pocketbase'), start(targetKind())])
  const servers = { pocketbase, satchel }
  const runOn = async (kind: ServerKind, c: CompatCase): Promise<Outcome> => {
    const { proc, seed } = servers[kind]
    const pb = client(proc.url, c.as === 'guest' ? undefined : seed.tokens[c.as])
    return normaliseOutcome(await outcome(c.call(pb, seed.ids)), seed)
  }
  return {
    servers,
    async run(c) {
      const [p, s] = await Promise.all([runOn('pocketbase', c), runOn('satchel', c)])
      return { pocketbase: p, satchel: s }
    },
    async close() {
      await Promise.all([pocketbase.proc.stop('SIGKILL'), satchel.proc.stop('SIGKILL')])
      cleanupAll()
    },
  }
}

/** Settles an SDK call into `{status, body}` (200 + result, or the error's status + JSON body). */
export async function outcome(p: Promise<unknown>): Promise<Outcome> {
  try {
    return { status: 200, body: await p }
  } catch (err) {
    if (err instanceof ClientResponseError) return { status: err.status, body: err.response }
    throw err
  }
}

function normaliseOutcome(o: Outcome, seed: SeedResult): Outcome {
  return { status: o.status, body: hideEmailTemplates(normalise(o.body, seedIdOrder(seed))) }
}
