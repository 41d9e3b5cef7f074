import { describe, expect, test } from 'vitest'
import { formatDate, nowString, parseDate } from './datetime.ts'

function fmt(v: unknown): string {
  const d = parseDate(v)
  return d === undefined ? '' : formatDate(d)
}

describe('formatDate', () => {
  test('UTC with milliseconds and a space', () => {
    expect(formatDate(new Date(Date.UTC(2024, 10, 24, 16, 37, 1, 123)))).toBe(
      '2024-11-24 16:37:01.123Z',
    )
    expect(formatDate(new Date(Date.UTC(2024, 0, 2)))).toBe('2024-01-02 00:00:00.000Z')
    expect(formatDate(new Date(Number.NaN))).toBe('')
  })

  test('small years are zero padded', () => {
    const d = new Date(0)
    d.setUTCFullYear(5, 0, 1)
    expect(formatDate(d)).toBe('0005-01-01 00:00:00.000Z')
  })

  test('nowString is the current time in that layout', () => {
    const s = nowString()
    expect(s).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}Z$/)
    expect(Math.abs(parseDate(s)!.getTime() - Date.now())).toBeLessThan(2000)
  })
})

// Inputs and outputs measured by creating records with a date field on PocketBase 0.40.4.
describe('parseDate matches PocketBase', () => {
  test.each([
    ['2024-11-24 16:37:01.123Z', '2024-11-24 16:37:01.123Z'],
    ['2024-11-24 16:37:01.123', '2024-11-24 16:37:01.123Z'],
    ['2024-11-24T16:37:01Z', '2024-11-24 16:37:01.000Z'],
    ['2024-11-24T16:37:01.123456789Z', '2024-11-24 16:37:01.123Z'],
    ['2024-11-24T16:37:01.999999Z', '2024-11-24 16:37:01.999Z'],
    ['2024-11-24T16:37:01+02:00', '2024-11-24 14:37:01.000Z'],
    ['2024-11-24 16:37:01+02:00', '2024-11-24 14:37:01.000Z'],
    ['2024-11-24T16:37:01.5-05:30', '2024-11-24 22:07:01.500Z'],
    ['2024-11-24T16:37:01+0200', '2024-11-24 14:37:01.000Z'],
    ['2024-11-24T16:37:01.123-00:00', '2024-11-24 16:37:01.123Z'],
    ['2024-11-24T16:37:01.123+24:00', '2024-11-23 16:37:01.123Z'],
    ['2024-11-24 16:37:01 -07:00', '2024-11-24 23:37:01.000Z'],
    ['2024-11-24 16:37:01 -0700', '2024-11-24 23:37:01.000Z'],
    ['2024-11-24 16:37:01.123 +0000 UTC', '2024-11-24 16:37:01.123Z'],
    ['2024-11-24 16:37:01.123 +0200 EET', '2024-11-24 14:37:01.123Z'],
    ['2024-11-24T16:37:01,123Z', '2024-11-24 16:37:01.123Z'],
    ['2024-11-24 16:37:01.12', '2024-11-24 16:37:01.120Z'],
    ['2024-11-24T1:37:01Z', '2024-11-24 01:37:01.000Z'],
    ['2024-11-24', '2024-11-24 00:00:00.000Z'],
    ['2024-02-29', '2024-02-29 00:00:00.000Z'],
    ['2024-11-24 16:37:01', '2024-11-24 16:37:01.000Z'],
    ['2024-11-24T16:37:01', '2024-11-24 16:37:01.000Z'],
    ['9999-12-31 23:59:59.999Z', '9999-12-31 23:59:59.999Z'],
    ['0001-01-01 00:00:01Z', '0001-01-01 00:00:01.000Z'],
    ['Sun, 24 Nov 2024 16:37:01 GMT', '2024-11-24 16:37:01.000Z'],
    ['Mon, 24 Nov 2024 16:37:01 GMT', '2024-11-24 16:37:01.000Z'],
    ['Sun, 24 Nov 2024 16:37:01 +0200', '2024-11-24 14:37:01.000Z'],
    ['24 Nov 2024', '2024-11-24 00:00:00.000Z'],
  ])('%s → %s', (input, expected) => {
    expect(fmt(input)).toBe(expected)
  })

  test.each([
    [''],
    ['invalid'],
    ['2024-11-24T16:37'],
    ['2024-11-24 16:37'],
    ['1700000000'],
    [1700000000],
    [1700000000.5],
    [0],
    ['0'],
    [-1],
    [true],
    [null],
    [undefined],
    ['  2024-11-24 16:37:01Z '],
    ['2024-11-24T16:37:01.123Z '],
    ['2024-13-01'],
    ['2024-02-30'],
    ['2023-02-29'],
    ['2024-11-24T16:37:01z'],
    ['2024-11-24t16:37:01Z'],
    ['2024-1-2'],
    ['24-11-24'],
    ['20241124'],
    ['2024-11-24T24:00:00Z'],
    ['2024-11-24T23:59:60Z'],
    ['2024-11-24T16:37:01.Z'],
    ['2024-11-24T16:37:01+02'],
    ['2024-11-24T16:37:01.123+02:00:00'],
    ['2024-11-24T16:37:01.123 Z'],
    ['2024-11-24 16:37:01 UTC'],
    ['10000-01-01 00:00:00Z'],
    ['0001-01-01 00:00:00.000Z'],
  ])('%j is not a date', (input) => {
    expect(parseDate(input)).toBeUndefined()
  })

  test('Date values pass through as copies; invalid ones do not', () => {
    const d = new Date(Date.UTC(2020, 5, 6))
    const out = parseDate(d)
    expect(out).not.toBe(d)
    expect(out?.getTime()).toBe(d.getTime())
    expect(parseDate(new Date(Number.NaN))).toBeUndefined()
  })

  test('round trip of the wire format', () => {
    const s = '2031-07-04 05:06:07.089Z'
    expect(formatDate(parseDate(s)!)).toBe(s)
  })
})
