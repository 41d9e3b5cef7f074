import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { createTestCollection, createTestRecord } from '../tests/record-fixtures.ts'
import { TestApp } from '../tests/test-app.ts'
import { countRecords, findRecordsByFilter } from './record-query.ts'

describe('findRecordsByFilter / countRecords', () => {
  let app: TestApp
  beforeEach(async () => {
    app = await TestApp.create()
    await createTestCollection(app, {
      name: 'posts',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'views', type: 'number' },
        { name: 'secret', type: 'text', hidden: true },
      ],
    })
    for (const [title, views, secret] of [
      ['a', 1, 'x'],
      ['b', 5, 'y'],
      ['c', 9, 'x'],
    ] as const) {
      await createTestRecord(app, 'posts', { title, views, secret })
    }
  })
  afterEach(async () => {
    await app.cleanup()
  })

  test('binds {:params}, sorts, limits, and sees hidden fields (no API rule)', async () => {
    const found = await findRecordsByFilter(app, 'posts', 'views > {:min} && secret = {:s}', {
      params: { min: 0, s: 'x' },
      sort: '-views',
    })
    expect(found.map((r) => r.get('title'))).toEqual(['c', 'a'])
    const limited = await findRecordsByFilter(app, 'posts', '', {
      sort: 'title',
      limit: 1,
      offset: 1,
    })
    expect(limited.map((r) => r.get('title'))).toEqual(['b'])
    // a value that looks like filter syntax stays a value
    expect(
      await findRecordsByFilter(app, 'posts', 'title = {:t}', { params: { t: "a' || 1=1" } }),
    ).toEqual([])
    expect(await countRecords(app, 'posts')).toBe(3)
    expect(await countRecords(app, 'posts', 'views >= {:v}', { v: 5 })).toBe(2)
    await expect(findRecordsByFilter(app, 'posts', 'nope = 1')).rejects.toThrow()
  })
})
