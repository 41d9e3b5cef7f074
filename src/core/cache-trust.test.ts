import { expect, test } from 'vitest'
import { CACHE_TRUST_MS, type CacheLink, CacheTrust } from './cache-trust.ts'

test('checks are trusted only with a connected link, no change since, the same epoch, for a while', () => {
  const t = new CacheTrust()
  const link: { connected: boolean; epoch: number } & CacheLink = { connected: true, epoch: 1 }
  t.checked(t.beginCheck(), 0)
  expect(t.trusted(1)).toBe(false) // no link: every request checks
  t.use(link)
  expect(t.trusted(1)).toBe(false) // the check above was made without it
  t.checked(t.beginCheck(), 0)
  expect(t.trusted(1)).toBe(true)
  expect(t.trusted(CACHE_TRUST_MS)).toBe(false) // expired

  t.checked(t.beginCheck(), 0)
  t.changed()
  expect(t.trusted(1)).toBe(false)
  // a change message that arrives while a check runs: that check is not trusted
  const start = t.beginCheck()
  t.changed()
  t.checked(start, 0)
  expect(t.trusted(1)).toBe(false)
  t.checked(t.beginCheck(), 0)
  expect(t.trusted(1)).toBe(true)

  link.connected = false
  expect(t.trusted(1)).toBe(false)
  link.connected = true
  link.epoch = 2 // reconnected: messages may have been lost
  expect(t.trusted(1)).toBe(false)
  t.checked(t.beginCheck(), 0)
  expect(t.trusted(1)).toBe(true)
})

test('own changes are reported once', () => {
  const t = new CacheTrust()
  expect(t.takeOwnChange()).toBe(false)
  t.ownChange()
  t.ownChange()
  expect(t.takeOwnChange()).toBe(true)
  expect(t.takeOwnChange()).toBe(false)
})
