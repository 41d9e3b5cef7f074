import { describe, expect, test } from 'vitest'
import {
  formatGoNumber,
  formatNumber,
  isDomain,
  toBoolValue,
  toNumberValue,
  toStringArray,
  toStringValue,
} from './field-values.ts'

describe('toStringValue (Go cast.ToString)', () => {
  test.each<[unknown, string]>([
    [undefined, ''],
    [null, ''],
    ['abc', 'abc'],
    [12, '12'],
    [12.5, '12.5'],
    [1e21, '1000000000000000000000'],
    [-0.000001, '-0.000001'],
    [1.5e-7, '0.00000015'],
    [true, 'true'],
    [false, 'false'],
    [10n, '10'],
    [['a', 'b'], ''],
    [{ a: 1 }, ''],
    [new TextEncoder().encode('bytes'), 'bytes'],
  ])('%o → %o', (input, expected) => {
    expect(toStringValue(input)).toBe(expected)
  })
})

describe('toNumberValue (Go cast.ToFloat64)', () => {
  test.each<[unknown, number]>([
    [undefined, 0],
    [null, 0],
    [5, 5],
    ['12.5', 12.5],
    ['-3', -3],
    ['1e3', 1000],
    ['', 0],
    ['abc', 0],
    [' 1', 0],
    ['1_000', 0],
    [true, 1],
    [false, 0],
    [7n, 7],
    [[1], 0],
  ])('%o → %o', (input, expected) => {
    expect(toNumberValue(input)).toBe(expected)
  })

  test('NaN and Inf words parse (rejected later by validation)', () => {
    expect(toNumberValue('NaN')).toBeNaN()
    expect(toNumberValue('Inf')).toBe(Number.POSITIVE_INFINITY)
    expect(toNumberValue('-inf')).toBe(Number.NEGATIVE_INFINITY)
  })
})

describe('toBoolValue (Go cast.ToBool)', () => {
  test.each<[unknown, boolean]>([
    [undefined, false],
    [null, false],
    [true, true],
    [1, true],
    [0, false],
    [2, true],
    ['1', true],
    ['true', true],
    ['TRUE', true],
    ['True', true],
    ['t', true],
    ['0', false],
    ['false', false],
    ['yes', false],
    ['', false],
  ])('%o → %o', (input, expected) => {
    expect(toBoolValue(input)).toBe(expected)
  })
})

describe('toStringArray (PocketBase list.ToUniqueStringSlice)', () => {
  test.each<[unknown, string[]]>([
    [undefined, []],
    [null, []],
    ['', []],
    ['a', ['a']],
    ['["a","b","a"]', ['a', 'b']],
    ['[not json', ['[not json']],
    ['["a",1]', ['["a",1]']],
    ['null', ['null']],
    [
      ['a', '', 'b', 'a'],
      ['a', 'b'],
    ],
    [
      [1, true],
      ['1', 'true'],
    ],
    [5, ['5']],
  ])('%o → %o', (input, expected) => {
    expect(toStringArray(input)).toEqual(expected)
  })
})

describe('number formatting', () => {
  test.each<[number, string]>([
    [1e21, '1000000000000000000000'],
    [1.5e-7, '0.00000015'],
    [-2.5e22, '-25000000000000000000000'],
    [123, '123'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, '+Inf'],
  ])('formatNumber(%o) = %o', (n, s) => {
    expect(formatNumber(n)).toBe(s)
  })

  test.each<[number, string]>([
    [2, '2'],
    [1.5, '1.5'],
    [123456, '123456'],
    [1000000, '1e+06'],
    [1234567, '1.234567e+06'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [-10.25, '-10.25'],
    [0, '0'],
  ])('formatGoNumber(%o) = %o (Go %%v)', (n, s) => {
    expect(formatGoNumber(n)).toBe(s)
  })
})

describe('isDomain (ozzo is.Domain, checked on PocketBase 0.40.4)', () => {
  test.each<[string, boolean]>([
    ['x.com', true],
    ['X.com', true],
    ['x.y', true],
    ['a-b.example.org', true],
    ['localhost', false],
    ['bad domain', false],
    ['a-.com', false],
    ['xn--abc', false],
    ['a.xn--p1ai', false],
    ['a.b1', false],
    ['ü.com', false],
  ])('%s → %o', (d, ok) => {
    expect(isDomain(d)).toBe(ok)
  })
})
