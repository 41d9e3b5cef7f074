import { describe, expect, test } from 'vitest'
import { FilterError } from '../fexpr/filter-error.ts'
import { SimpleFieldResolver } from './simple-field-resolver.ts'
import { buildSortExpr, parseSort } from './sort.ts'

const resolver = () =>
  new SimpleFieldResolver({
    table: 'posts',
    columns: ['title', 'views', 'data', 'tags'],
    jsonColumns: ['data'],
    arrayColumns: ['tags'],
  })

describe('parseSort', () => {
  test.each<[string, unknown]>([
    ['', []],
    ['title', [{ name: 'title', direction: 'ASC' }]],
    [
      '-created,title,+id',
      [
        { name: 'created', direction: 'DESC' },
        { name: 'title', direction: 'ASC' },
        { name: 'id', direction: 'ASC' },
      ],
    ],
    [
      ' title , -views ',
      [
        { name: 'title', direction: 'ASC' },
        { name: 'views', direction: 'DESC' },
      ],
    ],
  ])('%j', (sort, expected) => {
    expect(parseSort(sort)).toEqual(expected)
  })

  test.each([
    ['empty entry', 'title,,views'],
    ['lone minus', '-'],
    ['lone plus', '+'],
    ['trailing comma', 'title,'],
    ['9 fields', 'a,b,c,d,e,f,g,h,i'],
    ['256 chars', 'x'.repeat(256)],
  ])('rejects %s', (_name, sort) => {
    expect(() => parseSort(sort)).toThrow(FilterError)
  })

  test('accepts 8 fields of 255 chars', () => {
    expect(parseSort(Array(8).fill('x'.repeat(255)).join(','))).toHaveLength(8)
  })
})

describe('buildSortExpr', () => {
  test.each<[string, string[]]>([
    ['+title,-views', ['`posts`.`title` ASC', '`posts`.`views` DESC']],
    ['@random', ['RANDOM()']],
    ['-@random', ['RANDOM()']],
    ['-@rowid', ['`posts`.`_rowid_` DESC']],
    ['title:lower', ['LOWER(`posts`.`title`) ASC']],
    [
      'data.a',
      [
        "(CASE WHEN json_valid(`posts`.`data`) THEN JSON_EXTRACT(`posts`.`data`, '$.a') ELSE JSON_EXTRACT(json_object('pb', `posts`.`data`), '$.pb.a') END) ASC",
      ],
    ],
    ['-tags:each', ['`__je_tags`.`value` DESC']],
  ])('%s', (sort, expected) => {
    expect(buildSortExpr(sort, resolver()).map((t) => t.sql)).toEqual(expected)
  })

  test('rejects unknown fields and @rowid without resolver support', () => {
    expect(() => buildSortExpr('nope', resolver())).toThrow(FilterError)
    const noRowid = {
      ...resolver(),
      dialect: resolver().dialect,
      resolve: () => ({ identifier: 'x' }),
      updateQuery() {},
    }
    expect(() => buildSortExpr('@rowid', noRowid)).toThrow('@rowid')
  })
})
