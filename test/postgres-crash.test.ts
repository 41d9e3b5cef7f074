// Two Satchel nodes on one PostgreSQL database; node A is SIGKILLed while clients are sending it
// creates (each with a file and a relation) and batches. Every write A acknowledged with a 200 is
// there (read through node B), every batch is all or nothing, every record on disk has its file
// and its relation, B keeps serving throughout, and A serves again once restarted.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { usePostgresForSatchel } from '../src/tests/postgres.ts'
import {
  cleanupAll,
  makeTempDir,
  runSatchelCli,
  type ServerProcess,
  startSatchel,
} from '../src/tests/process.ts'
import { client } from '../src/tests/sdk.ts'

usePostgresForSatchel()

const SU = { email: 'root@example.com', password: 'root-pass-123' }
const EXTRAS = { args: ['--workers=1', '--automigrate=false'] }
const BATCH_SIZE = 3
let a: ServerProcess
let b: ServerProcess
let token = ''
let ownerId = ''

beforeAll(async () => {
  ;[a, b] = await Promise.all([
    startSatchel(makeTempDir(), undefined, EXTRAS),
    startSatchel(makeTempDir(), undefined, EXTRAS),
  ])
  runSatchelCli(['superuser', 'upsert', SU.email, SU.password, `--dir=${a.dir}`])
  const su = client(a.url)
  await su.collection('_superusers').authWithPassword(SU.email, SU.password)
  token = su.authStore.token
  await su.settings.update({ batch: { enabled: true, maxRequests: 10 } })
  const owners = await su.collections.create({
    name: 'owners',
    type: 'base',
    fields: [{ name: 'name', type: 'text' }],
  })
  await su.collections.create({
    name: 'items',
    type: 'base',
    listRule: '',
    viewRule: '',
    createRule: '',
    fields: [
      { name: 'title', type: 'text' },
      { name: 'tag', type: 'text' },
      { name: 'owner', type: 'relation', collectionId: owners.id, maxSelect: 1, required: true },
      { name: 'doc', type: 'file', maxSelect: 1 },
    ],
  })
  ownerId = (await su.collection('owners').create({ name: 'o' })).id
}, 60_000)

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()])
  cleanupAll()
})

/** One create with a file upload; resolves with the id when answered 200, else undefined. */
async function createOne(url: string, n: number): Promise<string | undefined> {
  const form = new FormData()
  form.set('title', `single ${n}`)
  form.set('owner', ownerId)
  form.set('doc', new Blob([`content ${n}`.repeat(200)], { type: 'text/plain' }), `f${n}.txt`)
  const res = await fetch(`${url}/api/collections/items/records`, { method: 'POST', body: form })
  if (res.status !== 200) return undefined
  return ((await res.json()) as { id: string }).id
}

/** One batch of BATCH_SIZE creates tagged `tag`; resolves true when answered 200. */
async function createBatch(url: string, tag: string): Promise<boolean> {
  const requests = Array.from({ length: BATCH_SIZE }, (_, i) => ({
    method: 'POST',
    url: '/api/collections/items/records',
    body: { title: `${tag} #${i}`, tag, owner: ownerId },
  }))
  const res = await fetch(`${url}/api/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ requests }),
  })
  return res.status === 200
}

test('a node killed mid-write loses no acknowledged write and half-writes nothing', async () => {
  const acked: string[] = []
  const ackedBatches: string[] = []
  const sentBatches: string[] = []
  let failed = 0
  let n = 0
  let killed = false
  // 6 clients writing to A as fast as it answers, until it is gone
  const clients = Array.from({ length: 6 }, async (_, c) => {
    while (!killed) {
      const i = n++
      try {
        if (i % 4 === c % 4) {
          const tag = `batch-${i}`
          sentBatches.push(tag)
          if (await createBatch(a.url, tag)) ackedBatches.push(tag)
          else failed++
        } else {
          const id = await createOne(a.url, i)
          if (id !== undefined) acked.push(id)
          else failed++
        }
      } catch {
        failed++ // the connection broke: A was killed with this request in flight
        if (killed) return
      }
    }
  })
  await expect.poll(() => acked.length, { timeout: 30_000, interval: 5 }).toBeGreaterThan(40)
  killed = true
  await a.stop('SIGKILL')
  await Promise.all(clients)
  console.log(
    `before the kill: ${acked.length} creates and ${ackedBatches.length} batches acknowledged; ${failed} requests cut off`,
  )
  expect(failed).toBeGreaterThan(0) // some requests were cut off by the kill
  expect(ackedBatches.length).toBeGreaterThan(0)

  // B serves on, and holds every acknowledged write
  const su = client(b.url, token)
  const all = await su.collection('items').getFullList({ batch: 500 })
  const byId = new Map(all.map((r) => [r.id, r]))
  for (const id of acked) {
    expect(byId.get(id), `acknowledged create ${id}`).toMatchObject({ owner: ownerId })
    expect(byId.get(id)!.doc).toMatch(/^f\w+\.txt$/)
  }
  const countOf = (tag: string) => all.filter((r) => r.tag === tag).length
  for (const tag of ackedBatches) expect(countOf(tag), tag).toBe(BATCH_SIZE)
  for (const tag of sentBatches) expect([0, BATCH_SIZE], tag).toContain(countOf(tag))
  for (const r of all) expect(r.owner).toBe(ownerId)
  expect(await createOne(b.url, -1)).toBeDefined()

  // A restarted on its data dir serves again, with the file of every record it committed
  a = await startSatchel(a.dir, a.port, EXTRAS)
  const singles = all.filter((r) => r.tag === '' && r.doc !== '' && !r.title.endsWith(' -1'))
  expect(singles.length).toBeGreaterThanOrEqual(acked.length)
  for (const r of singles) {
    const res = await fetch(`${a.url}/api/files/items/${r.id}/${r.doc}`)
    expect(res.status, `file of ${r.id}`).toBe(200)
    expect(await res.text()).toBe(`content ${r.title.slice('single '.length)}`.repeat(200))
  }
  expect(await createOne(a.url, -2)).toBeDefined()
  expect(await createBatch(a.url, 'after-restart')).toBe(true)
  const after = await client(b.url, token)
    .collection('items')
    .getList(1, 1, { filter: "tag = 'after-restart'" })
  expect(after.totalItems).toBe(BATCH_SIZE)
}, 120_000)
