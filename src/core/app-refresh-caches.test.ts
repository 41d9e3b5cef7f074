import { afterEach, beforeEach, expect, test } from 'vitest'
import { createTestCollection } from '../tests/record-fixtures.ts'
import { TestApp } from '../tests/test-app.ts'
import { App } from './app.ts'

let first: TestApp
let second: App

beforeEach(async () => {
  first = await TestApp.create()
  // a second process's App on the same data dir
  second = new App({
    dataDir: first.dataDir.root,
    dev: false,
    queryTimeoutMs: 30_000,
    sharedDataDir: true,
  })
  await second.bootstrap()
})
afterEach(async () => {
  await second.close()
  await first.cleanup()
})

test('refreshCachesForRequest: one check per poll phase, a later one sees another app’s change', async () => {
  await createTestCollection(first, { name: 'early', fields: [] })
  const a = second.refreshCachesForRequest()
  const b = second.refreshCachesForRequest()
  expect(b).toBe(a)
  await a
  expect(second.findCollectionByNameOrId('early').name).toBe('early')
  // once the turn is over, the next request checks again
  await new Promise((resolve) => setImmediate(resolve))
  await createTestCollection(first, { name: 'late', fields: [] })
  const c = second.refreshCachesForRequest()
  expect(c).not.toBe(a)
  await c
  expect(second.findCollectionByNameOrId('late').name).toBe('late')
  // refreshCaches (realtime, the scheduler) checks every time
  expect(second.refreshCaches()).not.toBe(second.refreshCaches())
})

test('refreshCaches sees a settings save by another app within the same millisecond', async () => {
  await first.saveSettings({
    ...first.settings(),
    meta: { ...first.settings().meta, appName: 'One' },
  })
  await second.refreshCaches()
  expect(second.settings().meta.appName).toBe('One')
  const { updated } = (await first.db.get<{ updated: string }>(
    "SELECT updated FROM `_params` WHERE id = 'settings'",
  ))!
  await first.saveSettings({
    ...first.settings(),
    meta: { ...first.settings().meta, appName: 'Two' },
  })
  // the second save's timestamp equal to the first's, as when both fall in one millisecond
  await first.db.run("UPDATE `_params` SET updated = ? WHERE id = 'settings'", [updated])
  await second.refreshCaches()
  expect(second.settings().meta.appName).toBe('Two')
})
