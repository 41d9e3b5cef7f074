import { describe, expect, test } from 'vitest'
import { ID_ALPHABET, randomIds, randomString, randomStringByRegex } from './random.ts'

describe('randomString', () => {
  test('default alphabet is [a-z0-9]', () => {
    const s = randomString(200)
    expect(s).toHaveLength(200)
    expect(s).toMatch(/^[a-z0-9]+$/)
    expect(ID_ALPHABET).toBe('abcdefghijklmnopqrstuvwxyz0123456789')
  })

  test('custom alphabet, including astral characters', () => {
    expect(randomString(50, 'ab')).toMatch(/^[ab]{50}$/)
    expect(randomString(3, 'x')).toBe('xxx')
    expect(Array.from(randomString(10, '🎉😀'))).toHaveLength(10)
    expect(randomString(0)).toBe('')
  })

  test('every character of the alphabet shows up and values differ', () => {
    const s = randomString(5000, 'abcdefghij')
    for (const c of 'abcdefghij') expect(s).toContain(c)
    expect(randomString(15)).not.toBe(randomString(15))
  })

  test('large alphabets still work', () => {
    const alphabet = Array.from({ length: 300 }, (_, i) => String.fromCodePoint(0x4e00 + i)).join(
      '',
    )
    const s = randomString(20, alphabet)
    expect(Array.from(s).every((c) => alphabet.includes(c))).toBe(true)
  })

  test('rejects bad arguments', () => {
    expect(() => randomString(-1)).toThrow(RangeError)
    expect(() => randomString(1.5)).toThrow(RangeError)
    expect(() => randomString(3, '')).toThrow(RangeError)
  })
})

describe('randomIds', () => {
  test('count ids of the id alphabet, all different, every character used', () => {
    const ids = randomIds(500)
    expect(ids).toHaveLength(500)
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]{15}$/)
    expect(new Set(ids).size).toBe(500)
    expect(new Set(ids.join('')).size).toBe(ID_ALPHABET.length)
    expect(randomIds(3, 4).every((id) => id.length === 4)).toBe(true)
    expect(randomIds(0)).toEqual([])
  })
})

describe('randomStringByRegex', () => {
  test.each([
    ['[a-z0-9]{15}', /^[a-z0-9]{15}$/],
    ['[a-zA-Z0-9]{50}', /^[a-zA-Z0-9]{50}$/],
    ['[a-zA-Z0-9_]{50}', /^[a-zA-Z0-9_]{50}$/],
    ['^[0-9]{6}$', /^[0-9]{6}$/],
    ['abc-[0-9]{2}', /^abc-[0-9]{2}$/],
    ['[a-c]{2,4}x', /^[a-c]{2,4}x$/],
    ['\\.[A-F]', /^\.[A-F]$/],
    ['[\\-_a]{8}', /^[-_a]{8}$/],
    ['[a-]{8}', /^[a-]{8}$/],
  ])('%s', (pattern, re) => {
    for (let i = 0; i < 20; i++) expect(randomStringByRegex(pattern)).toMatch(re)
  })

  test('{n,m} covers the whole length range', () => {
    const lengths = new Set<number>()
    for (let i = 0; i < 300; i++) lengths.add(randomStringByRegex('[a]{1,3}').length)
    expect([...lengths].sort()).toEqual([1, 2, 3])
  })

  test.each([
    '(ab){2}',
    'a|b',
    '.{3}',
    '[a-z]+',
    '[a-z]*',
    'a?',
    '[^a]{3}',
    '\\d{3}',
    '[a-z',
    '[a-z]{3',
    '[z-a]',
    '[a-z]{4,2}',
  ])('rejects %s', (pattern) => {
    expect(() => randomStringByRegex(pattern)).toThrow(/randomStringByRegex/)
  })
})
