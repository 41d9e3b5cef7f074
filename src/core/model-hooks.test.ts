import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { createTestCollection, createTestRecord } from '../tests/record-fixtures.ts'
import { TestApp } from '../tests/test-app.ts'
import { deleteCollection, saveCollection } from './collection-save.ts'
import { newCollection } from './collection-scaffolds.ts'
import type { ModelErrorEvent } from './events.ts'
import { deleteRecord } from './record-delete.ts'
import { Record } from './record-model.ts'
import { findRecordById } from './record-query.ts'
import { saveRecord } from './record-save.ts'

let app: TestApp

beforeEach(async () => {
  app = await TestApp.create()
  await createTestCollection(app, { name: 'posts', fields: [{ name: 'title', type: 'text' }] })
})

afterEach(async () => {
  await app.cleanup()
})

/** Binds a recorder to each named hook (untagged) and returns the names in firing order. */
function record(names: string[]): string[] {
  const fired: string[] = []
  for (const name of names) {
    const hook = (app as unknown as { [k: string]: { bind(fn: unknown): string } })[name]!
    hook.bind(async (e: { next(): Promise<void> }) => {
      fired.push(name)
      await e.next()
    })
  }
  return fired
}

const exists = (id: string) =>
  findRecordById(app, app.findCollectionByNameOrId('posts'), id).then(
    () => true,
    () => false,
  )

describe('model hooks of a record write', () => {
  test('create: record hooks, then model hooks, each step around the next; after-hooks last', async () => {
    const fired = record([
      'onRecordCreate',
      'onModelCreate',
      'onRecordValidate',
      'onModelValidate',
      'onRecordCreateExecute',
      'onModelCreateExecute',
      'onRecordAfterCreateSuccess',
      'onModelAfterCreateSuccess',
    ])
    const seen: unknown[] = []
    app.onModelCreate('posts').bind(async (e) => {
      seen.push(e.model instanceof Record && e.model.get('title'), e.app.inTransaction)
      await e.next()
    })
    app.onModelCreate('other').bind(() => {
      throw new Error('a tag of another collection must not fire')
    })
    app.onModelAfterCreateSuccess.bind(async (e) => {
      seen.push(e.app.inTransaction)
      await e.next()
    })
    const r = await createTestRecord(app, 'posts', { title: 'hello' })
    expect(fired).toEqual([
      'onRecordCreate',
      'onModelCreate',
      'onRecordValidate',
      'onModelValidate',
      'onRecordCreateExecute',
      'onModelCreateExecute',
      'onRecordAfterCreateSuccess',
      'onModelAfterCreateSuccess',
    ])
    expect(seen).toEqual(['hello', true, false])
    expect(await exists(r.id)).toBe(true)
  })

  test('an *Execute handler that skips e.next() stops the INSERT, UPDATE or DELETE', async () => {
    const stop = async () => {}
    const created = new Record(app.findCollectionByNameOrId('posts'))
    created.set('title', 'never')
    const id = app.onModelCreateExecute('posts').bind(stop)
    await saveRecord(app, created)
    expect(await exists(created.id)).toBe(false)
    app.onModelCreateExecute.unbind(id)

    const r = await createTestRecord(app, 'posts', { title: 'a' })
    app.onRecordUpdateExecute.bind(stop)
    r.set('title', 'b')
    await saveRecord(app, r)
    const stored = await findRecordById(app, r.collection, r.id)
    expect(stored.get('title')).toBe('a')

    app.onModelDeleteExecute('posts').bind(stop)
    await deleteRecord(app, r)
    expect(await exists(r.id)).toBe(true)
  })

  test('onModelValidate may reject; onModelAfterCreateError gets the error', async () => {
    app.onModelValidate('posts').bind(() => {
      throw new Error('no posts today')
    })
    const errors: ModelErrorEvent[] = []
    app.onModelAfterCreateError.bind(async (e) => {
      errors.push(e)
      await e.next()
    })
    const fired = record(['onRecordAfterCreateError', 'onModelCreateExecute'])
    await expect(createTestRecord(app, 'posts', { title: 'x' })).rejects.toThrow('no posts today')
    expect(fired).toEqual(['onRecordAfterCreateError'])
    expect((errors[0]!.error as Error).message).toBe('no posts today')
    expect((errors[0]!.model as Record).get('title')).toBe('x')
  })

  test('inside a transaction the after-hooks wait for the commit, or fire as errors on rollback', async () => {
    const fired = record([
      'onRecordAfterCreateSuccess',
      'onModelAfterCreateSuccess',
      'onRecordAfterCreateError',
      'onModelAfterCreateError',
    ])
    await app.runInTransaction(async (tx) => {
      await createTestRecord(tx, 'posts', { title: 'in tx' })
      expect(fired).toEqual([])
    })
    expect(fired).toEqual(['onRecordAfterCreateSuccess', 'onModelAfterCreateSuccess'])
    fired.length = 0
    await expect(
      app.runInTransaction(async (tx) => {
        await createTestRecord(tx, 'posts', { title: 'rolled back' })
        throw new Error('abort')
      }),
    ).rejects.toThrow('abort')
    expect(fired).toEqual(['onRecordAfterCreateError', 'onModelAfterCreateError'])
  })

  test('delete: record and model hooks of the cascade and of the record itself', async () => {
    const r = await createTestRecord(app, 'posts', { title: 'x' })
    const fired = record([
      'onRecordDelete',
      'onModelDelete',
      'onRecordDeleteExecute',
      'onModelDeleteExecute',
      'onRecordAfterDeleteSuccess',
      'onModelAfterDeleteSuccess',
    ])
    await deleteRecord(app, r)
    expect(fired).toEqual([
      'onRecordDelete',
      'onModelDelete',
      'onRecordDeleteExecute',
      'onModelDeleteExecute',
      'onRecordAfterDeleteSuccess',
      'onModelAfterDeleteSuccess',
    ])
    expect(await exists(r.id)).toBe(false)
  })
})

describe('collection hooks', () => {
  test('create, update and delete fire the collection hooks, then the model ones tagged _collections', async () => {
    const fired = record([
      'onCollectionCreate',
      'onCollectionValidate',
      'onCollectionCreateExecute',
      'onCollectionAfterCreateSuccess',
      'onCollectionUpdateExecute',
      'onCollectionAfterUpdateSuccess',
      'onCollectionDeleteExecute',
      'onCollectionAfterDeleteSuccess',
    ])
    const models: string[] = []
    for (const hook of [app.onModelCreateExecute, app.onModelUpdate, app.onModelDelete]) {
      hook('_collections').bind(async (e) => {
        models.push(`${e.model.constructor.name}:${(e.model as { name: string }).name}`)
        await e.next()
      })
    }
    app.onCollectionCreate('notes').bind(async (e) => {
      e.collection.listRule = ''
      await e.next()
    })
    const c = newCollection('base', 'notes')
    await saveCollection(app, c)
    expect(app.findCollectionByNameOrId('notes').listRule).toBe('')
    const next = app.findCollectionByNameOrId('notes').clone()
    next.viewRule = ''
    await saveCollection(app, next)
    await deleteCollection(app, app.findCollectionByNameOrId('notes'))
    expect(fired).toEqual([
      'onCollectionCreate',
      'onCollectionValidate',
      'onCollectionCreateExecute',
      'onCollectionAfterCreateSuccess',
      'onCollectionValidate',
      'onCollectionUpdateExecute',
      'onCollectionAfterUpdateSuccess',
      'onCollectionDeleteExecute',
      'onCollectionAfterDeleteSuccess',
    ])
    expect(models).toEqual(['Collection:notes', 'Collection:notes', 'Collection:notes'])
  })

  test('onCollectionCreateExecute without e.next() creates nothing; a failed save fires the error hook', async () => {
    const id = app.onCollectionCreateExecute.bind(async () => {})
    await saveCollection(app, newCollection('base', 'ghost'))
    expect(app.findCollection('ghost')).toBeUndefined()
    app.onCollectionCreateExecute.unbind(id)
    const errors: unknown[] = []
    app.onCollectionAfterCreateError.bind(async (e) => {
      errors.push(e.error)
      await e.next()
    })
    await expect(saveCollection(app, newCollection('base', 'posts'))).rejects.toThrow()
    expect(errors).toHaveLength(1)
  })
})
