// The order of keys in JSON bodies, side by side with PocketBase 0.40.4. SDKs do not care, but
// clients that compare or hash raw bodies, snapshot tests and people reading responses do:
// PocketBase's records are Go maps (keys sorted byte-wise), its structs keep declaration order.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { type CompatPair, startCompatPair } from '../src/tests/compat.ts'
import { pocketBaseExecutable } from '../src/tests/process.ts'
import type { ServerKind } from '../src/tests/sdk.ts'

let pair: CompatPair

beforeAll(async () => {
  pocketBaseExecutable()
  pair = await startCompatPair()
}, 180_000)

afterAll(async () => {
  await pair?.close()
})

/** Every object's keys in body order, as paths (`items.0.expand.owner: id,…`). */
function keyOrder(v: unknown, path = '$', out: string[] = []): string[] {
  if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) keyOrder(x, `${path}.${i}`, out)
  } else if (v !== null && typeof v === 'object') {
    out.push(`${path}: ${Object.keys(v).join(',')}`)
    for (const [k, x] of Object.entries(v)) keyOrder(x, `${path}.${k}`, out)
  }
  return out
}

type Req = {
  as: 'guest' | 'su' | 'alice'
  path: (ids: { [k: string]: string }) => string
  method?: string
  body?: unknown
}

const REQUESTS: { [name: string]: Req } = {
  'records list with expand': {
    as: 'su',
    path: () => '/api/collections/things/records?sort=title&expand=owner,tags',
  },
  'record view as its owner': {
    as: 'alice',
    path: (ids) => `/api/collections/things/records/${ids.thing1}`,
  },
  'auth record as itself': {
    as: 'alice',
    path: (ids) => `/api/collections/users/records/${ids.alice}`,
  },
  'auth record as a guest': { as: 'guest', path: () => '/api/collections/users/records?sort=name' },
  'view collection records': {
    as: 'su',
    path: () => '/api/collections/thing_owners/records?sort=id',
  },
  'auth with password': {
    as: 'guest',
    path: () => '/api/collections/users/auth-with-password',
    method: 'POST',
    body: { identity: 'alice@example.com', password: 'alice-pass-1' },
  },
  'auth refresh': {
    as: 'alice',
    path: () => '/api/collections/users/auth-refresh',
    method: 'POST',
  },
  'collection view': { as: 'su', path: () => '/api/collections/things' },
  'auth collection view': { as: 'su', path: () => '/api/collections/users' },
  settings: { as: 'su', path: () => '/api/settings' },
  health: { as: 'guest', path: () => '/api/health' },
  'auth methods': { as: 'guest', path: () => '/api/collections/users/auth-methods' },
  'not found': { as: 'guest', path: () => '/api/collections/things/records/nope' },
  'logs list': { as: 'su', path: () => '/api/logs?perPage=3&sort=-created' },
  crons: { as: 'su', path: () => '/api/crons' },
  'file token': { as: 'alice', path: () => '/api/files/token', method: 'POST' },
  'validation error': {
    as: 'alice',
    path: () => '/api/collections/things/records',
    method: 'POST',
    body: { title: '', amount: -1 },
  },
}

async function send(kind: ServerKind, r: Req): Promise<unknown> {
  const { proc, seed } = pair.servers[kind]
  const headers: { [k: string]: string } = { 'content-type': 'application/json' }
  if (r.as !== 'guest') headers.authorization = seed.tokens[r.as]
  const res = await fetch(proc.url + r.path(seed.ids), {
    method: r.method ?? 'GET',
    headers,
    body: r.body === undefined ? undefined : JSON.stringify(r.body),
  })
  return res.json()
}

test.each(Object.keys(REQUESTS))('%s: keys in the same order as PocketBase', async (name) => {
  const r = REQUESTS[name]!
  const [pb, sat] = await Promise.all([send('pocketbase', r), send('satchel', r)])
  expect(keyOrder(sat)).toEqual(keyOrder(pb))
})
