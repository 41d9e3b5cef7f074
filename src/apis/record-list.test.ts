import { describe, expect, test } from 'vitest'
import { Collection } from '../core/collection-model.ts'
import { fieldFromJSON } from '../core/field.ts'
import '../core/fields.ts'
import { recordBodyLimitFor } from './record-crud.ts'
import { parseListParams } from './record-list.ts'

describe('parseListParams', () => {
  test('defaults, clamping and Go integer syntax', () => {
    expect(parseListParams({})).toEqual({ page: 1, perPage: 30, skipTotal: false })
    expect(parseListParams({ page: '+3', perPage: '0' })).toEqual({
      page: 3,
      perPage: 30,
      skipTotal: false,
    })
    expect(parseListParams({ page: '-2', perPage: '1001', skipTotal: 'True' })).toEqual({
      page: 1,
      perPage: 1000,
      skipTotal: true,
    })
    expect(parseListParams({ page: '', perPage: '', skipTotal: 'f' }).skipTotal).toBe(false)
  })

  test.each([
    { page: 'x' },
    { page: '1.0' },
    { page: ' 1' },
    { perPage: '1e3' },
    { perPage: '9223372036854775808' },
    { skipTotal: 'yes' },
    { skipTotal: 'TRUE ' },
  ])('400 for %o', (q) => {
    expect(() => parseListParams(q)).toThrow(expect.objectContaining({ status: 400 }))
  })
})

describe('recordBodyLimitFor', () => {
  test('32 MiB plus file, json and editor allowances', () => {
    const c = new Collection()
    c.setFields([
      fieldFromJSON({ name: 'f', type: 'file', maxSelect: 3, maxSize: 1000 }),
      fieldFromJSON({ name: 'g', type: 'file' }),
      fieldFromJSON({ name: 'j', type: 'json' }),
      fieldFromJSON({ name: 'e', type: 'editor', maxSize: 10 }),
      fieldFromJSON({ name: 't', type: 'text' }),
    ])
    expect(recordBodyLimitFor(c)).toBe((32 << 20) + 3000 + (5 << 20) + (1 << 20) + 10)
  })
})
