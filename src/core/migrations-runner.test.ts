import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { TestApp } from '../tests/test-app.ts'
import type { App } from './app.ts'
import { importCollections } from './collection-import.ts'
import { deleteCollection } from './collection-save.ts'
import {
  applyMigrations,
  lastAppliedMigrations,
  MigrationError,
  type MigrationFunctions,
  type MigrationSource,
  removeMissingAppliedMigrations,
  revertMigrations,
  systemMigrationFiles,
} from './migrations-runner.ts'

let app: TestApp
beforeEach(async () => {
  app = await TestApp.create()
})
afterEach(async () => {
  await app.cleanup()
})

/** A source whose up creates collection `name` (and down deletes it); counts its loads. */
function collectionMigration(file: string, name: string, loads: string[] = []): MigrationSource {
  return {
    file,
    load: async (): Promise<MigrationFunctions> => {
      loads.push(file)
      return {
        up: (a: App) => importCollections(a, [{ name, type: 'base' }], false),
        down: (a: App) => deleteCollection(a, a.findCollectionByNameOrId(name)),
      }
    },
  }
}

function failing(file: string, error: unknown): MigrationSource {
  return {
    file,
    load: async () => ({
      up: () => {
        throw error
      },
    }),
  }
}

const rows = () =>
  app.db.all<{ file: string; applied: number }>('SELECT file, applied FROM _migrations')

describe('applyMigrations', () => {
  test('applies pending files in file-name order, records them in microseconds, once', async () => {
    const loads: string[] = []
    const order: string[] = []
    app.onCollectionCreate.bind(async (e) => {
      order.push(e.collection.name)
      await e.next()
    })
    const sources = [
      collectionMigration('1700000002_b.ts', 'second', loads),
      collectionMigration('1700000001_a.js', 'first', loads),
    ]
    const before = Date.now() * 1000
    expect(await applyMigrations(app, sources)).toEqual(['1700000001_a.js', '1700000002_b.ts'])
    expect(order).toEqual(['first', 'second'])
    const recorded = (await rows()).filter((r) => !systemMigrationFiles().includes(r.file))
    expect(recorded.map((r) => r.file)).toEqual(['1700000001_a.js', '1700000002_b.ts'])
    for (const r of recorded) {
      expect(r.applied).toBeGreaterThanOrEqual(before)
      expect(r.applied).toBeLessThanOrEqual(Date.now() * 1000)
    }
    // applied ones are neither loaded nor run again
    expect(await applyMigrations(app, sources)).toEqual([])
    expect(loads).toEqual(['1700000001_a.js', '1700000002_b.ts'])
  })

  test('a throwing up rolls back every pending migration and names the file', async () => {
    const sources = [
      collectionMigration('1700000001_a.ts', 'kept_out'),
      failing('1700000002_bad.ts', new Error('boom here')),
    ]
    const err = await applyMigrations(app, sources).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(MigrationError)
    expect((err as MigrationError).file).toBe('1700000002_bad.ts')
    expect((err as Error).message).toMatch(
      // (frames inside Satchel's sources, this test included, are not named as the location)
      /^failed to apply migration 1700000002_bad\.ts: Error: boom here$/,
    )
    expect(app.findCollection('kept_out')).toBeUndefined()
    expect(await app.db.all("SELECT name FROM sqlite_master WHERE name = 'kept_out'")).toEqual([])
    expect((await rows()).map((r) => r.file)).toEqual(systemMigrationFiles().sort())
  })

  test('a file that cannot be loaded applies nothing (failed to run migration …)', async () => {
    const broken: MigrationSource = {
      file: '1700000002_broken.js',
      load: () => Promise.reject(new Error('no runtime')),
    }
    const err = await applyMigrations(app, [collectionMigration('1700000001_a.ts', 'x'), broken])
      .then(() => undefined)
      .catch((e: unknown) => e as Error)
    expect(err?.message).toBe('failed to run migration 1700000002_broken.js: Error: no runtime')
    expect(app.findCollection('x')).toBeUndefined()
  })

  test('a thrown non-Error value is reported as text', async () => {
    const err = await applyMigrations(app, [failing('1_x.ts', 'plain')]).catch((e: Error) => e)
    expect((err as Error).message).toBe('failed to apply migration 1_x.ts: plain')
  })
})

describe('revertMigrations, lastAppliedMigrations, removeMissingAppliedMigrations', () => {
  test('down reverts the newest applied ones, never system migrations', async () => {
    const sources = [
      collectionMigration('1700000001_a.ts', 'a'),
      collectionMigration('1700000002_b.ts', 'b'),
    ]
    await applyMigrations(app, sources)
    const files = sources.map((s) => s.file)
    expect(await lastAppliedMigrations(app, files, 5)).toEqual([
      '1700000002_b.ts',
      '1700000001_a.ts',
    ])
    expect(await revertMigrations(app, sources, 1)).toEqual(['1700000002_b.ts'])
    expect(app.findCollection('b')).toBeUndefined()
    expect(app.findCollection('a')).toBeDefined()
    expect(await revertMigrations(app, sources, 10)).toEqual(['1700000001_a.ts'])
    expect(await revertMigrations(app, sources, 1)).toEqual([])
    expect((await rows()).map((r) => r.file).sort()).toEqual(systemMigrationFiles().sort())
  })

  test('a throwing down rolls the revert back', async () => {
    const sources = [collectionMigration('1700000001_a.ts', 'a')]
    await applyMigrations(app, sources)
    const bad: MigrationSource = {
      file: '1700000001_a.ts',
      load: async () => ({
        up: () => {},
        down: async (a) => {
          await deleteCollection(a, a.findCollectionByNameOrId('a'))
          throw new Error('nope')
        },
      }),
    }
    const err = await revertMigrations(app, [bad], 1).catch((e: Error) => e)
    expect((err as Error).message).toMatch(
      /^failed to revert migration 1700000001_a\.ts: Error: nope/,
    )
    expect(app.findCollection('a')).toBeDefined()
    expect((await rows()).some((r) => r.file === '1700000001_a.ts')).toBe(true)
  })

  test('history-sync drops the rows of files that no longer exist', async () => {
    await applyMigrations(app, [
      collectionMigration('1700000001_a.ts', 'a'),
      collectionMigration('1700000002_gone.ts', 'b'),
    ])
    expect(await removeMissingAppliedMigrations(app, ['1700000001_a.ts'])).toBe(1)
    expect((await rows()).map((r) => r.file).sort()).toEqual(
      [...systemMigrationFiles(), '1700000001_a.ts'].sort(),
    )
  })
})
