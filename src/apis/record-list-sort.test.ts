// Issue 10 item 9: `?sort=` must not order records by values the caller could not filter on
// (hidden fields, auth emails with emailVisibility off), or it becomes an oracle.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { findRecordById } from '../core/record-query.ts'
import { saveRecord } from '../core/record-save.ts'
import { createTestCollection } from '../tests/record-fixtures.ts'
import { TestApp } from '../tests/test-app.ts'

const open = { listRule: '', viewRule: '', createRule: '', updateRule: '', deleteRule: '' }

/** Victims (email hidden) and their emails; ids are in creation (rowid) order. */
const VICTIMS = ['victim000000001', 'victim000000002', 'victim000000003', 'victim000000004']
const EMAILS = ['d@x.io', 'b@x.io', 'a@x.io', 'c@x.io']

let app: TestApp
let attacker: string
let su: string

beforeAll(async () => {
  app = await TestApp.create()
  await createTestCollection(app, {
    name: 'people',
    type: 'auth',
    ...open,
    fields: [{ name: 'secret', type: 'text', hidden: true }],
  })
  const people = app.findCollectionByNameOrId('people').id
  await createTestCollection(app, {
    name: 'notes',
    ...open,
    fields: [
      { name: 'title', type: 'text' },
      { name: 'author', type: 'relation', collectionId: people, maxSelect: 1 },
      { name: 'authors', type: 'relation', collectionId: people, maxSelect: 5 },
    ],
  })
  for (const [i, id] of VICTIMS.entries()) {
    await app.createAuthRecord('people', {
      id,
      email: EMAILS[i],
      password: '1234567890',
      secret: EMAILS[i],
    })
    await app.request('POST', '/api/collections/notes/records', {
      body: { id: `note0000000000${i}`, title: 't', author: id, authors: [id] },
    })
  }
  // Two visible emails: they must still sort by value.
  await app.createAuthRecord('people', {
    id: 'visible00000002',
    email: 'z@x.io',
    emailVisibility: true,
    password: '1234567890',
  })
  await app.createAuthRecord('people', {
    id: 'visible00000001',
    email: 'y@x.io',
    emailVisibility: true,
    password: '1234567890',
  })
  attacker = (
    await app.createAuthRecord('people', {
      id: 'attacker0000001',
      email: 'm@x.io',
      password: '1234567890',
    })
  ).token
  su = (await app.createSuperuser()).token
})

afterAll(async () => {
  await app.cleanup()
})

async function ids(collection: string, sort: string, token: string): Promise<string[]> {
  const res = await app.request(
    'GET',
    `/api/collections/${collection}/records?perPage=100&sort=${encodeURIComponent(sort)}`,
    { headers: { Authorization: token } },
  )
  expect(res.status, await res.clone().text()).toBe(200)
  const body = (await res.json()) as { items: { id: string }[] }
  return body.items.map((r) => r.id)
}

let reversed = false

/** Swaps the victims' emails between the original and the reverse assignment. */
async function permuteVictimEmails(): Promise<void> {
  reversed = !reversed
  const people = app.findCollectionByNameOrId('people')
  for (const [i, id] of VICTIMS.entries()) {
    const r = await findRecordById(app, people, id)
    r.set('email', `tmp${i}@x.io`)
    await saveRecord(app, r)
  }
  for (const [i, id] of VICTIMS.entries()) {
    const r = await findRecordById(app, people, id)
    r.set('email', reversed ? EMAILS[EMAILS.length - 1 - i] : EMAILS[i])
    await saveRecord(app, r)
  }
}

const victimsOf = (list: string[]) => list.filter((id) => /^(victim|note)/.test(id))

describe('no sort oracle on hidden emails', () => {
  // NOTE: first, while the emails have their original assignment.
  test('visible emails still sort by value; superusers sort by every email', async () => {
    const list = await ids('people', '-email', attacker)
    expect(list.slice(0, 2)).toEqual(['visible00000002', 'visible00000001'])
    const all = await ids('people', 'email', su)
    expect(victimsOf(all)).toEqual([
      'victim000000003',
      'victim000000002',
      'victim000000004',
      'victim000000001',
    ])
    expect(await ids('notes', 'author.email', su)).toEqual([
      'note00000000002',
      'note00000000001',
      'note00000000003',
      'note00000000000',
    ])
  })

  test.each([
    ['people', 'email'],
    ['people', '-email'],
    ['people', 'email:lower'],
    ['people', '-email,id'],
    ['notes', 'author.email'],
    ['notes', '-author.email:lower'],
    ['notes', 'authors.email'],
  ])('%s?sort=%s orders the same whatever the hidden emails are', async (collection, sort) => {
    const before = await ids(collection, sort, attacker)
    // A superuser's order does depend on the emails, so the permutation is observable…
    const suBefore = victimsOf(await ids(collection, sort, su))
    await permuteVictimEmails()
    const after = await ids(collection, sort, attacker)
    expect(victimsOf(await ids(collection, sort, su))).not.toEqual(suBefore)
    // …but the attacker sees exactly the same answer: the hidden emails carry no information.
    expect(after).toEqual(before)
  })

  test('the same order as ascending and descending: hidden emails tie (NULL)', async () => {
    const asc = victimsOf(await ids('people', 'email,id', attacker))
    const desc = victimsOf(await ids('people', '-email,id', attacker))
    expect(asc).toEqual([...VICTIMS].sort())
    expect(desc).toEqual(asc)
  })

  test('hidden fields cannot be sorted on (400); @random and @rowid still work', async () => {
    for (const sort of ['secret', '-secret', 'secret:lower', 'author.secret', 'authors.secret']) {
      const collection = sort.startsWith('author') ? 'notes' : 'people'
      const res = await app.request('GET', `/api/collections/${collection}/records?sort=${sort}`, {
        headers: { Authorization: attacker },
      })
      expect(res.status, sort).toBe(400)
    }
    expect(victimsOf(await ids('people', '@rowid', attacker))).toEqual(VICTIMS)
    expect((await ids('people', '@random', attacker)).length).toBe(7)
    expect(victimsOf(await ids('people', '-secret', su))).toEqual([
      'victim000000001',
      'victim000000004',
      'victim000000002',
      'victim000000003',
    ])
  })
})
