import { Collection, type CollectionRow } from '../../../core/collection-model.ts'
import '../../../core/fields.ts'
import type { CollectionRows } from '../codec.ts'
import type { SyncChannel } from './channel.ts'

/**
 * What every part of a JSVM worker shares: the channel to the app thread and the collections it
 * was sent, by version. One per worker thread (a worker serves one app).
 */
export interface Runtime {
  channel: SyncChannel
  /** The hooks folder (`__hooks`). */
  hooksDir: string
  readonly collections: Map<number, Collection>
  /** The version of each cached collection. */
  readonly versions: WeakMap<Collection, number>
}

/** The worker's runtime, set up by `worker.ts` before any file runs. */
export const runtime: Runtime = {
  channel: undefined as unknown as SyncChannel,
  hooksDir: '',
  collections: new Map(),
  versions: new WeakMap(),
}

/** Adds shipped collection rows to the cache. */
export function ingestCollections(rows: CollectionRows): void {
  for (const [v, row] of Object.entries(rows)) {
    const c = Collection.fromRow(row as CollectionRow)
    runtime.collections.set(Number(v), c)
    runtime.versions.set(c, Number(v))
  }
}

/** The collection of version `v`; throws when the app thread never sent it. */
export function collectionOf(v: number): Collection {
  const c = runtime.collections.get(v)
  if (c === undefined) throw new Error(`Unknown collection version ${v}.`)
  return c
}

/** A synchronous call to the app thread (see `SyncChannel.call`). */
export function call(op: string, ...args: unknown[]): unknown {
  return runtime.channel.call(op, ...args)
}
