import { describe, expect, test } from 'vitest'
import { FilterError } from './filter-error.ts'
import { Scanner, type Token } from './scanner.ts'

function scanAll(text: string): Token[] {
  const s = new Scanner(text)
  const out: Token[] = []
  for (;;) {
    const t = s.next()
    if (t.type === 'eof') return out
    if (t.type !== 'whitespace') out.push(t)
  }
}

describe('Scanner', () => {
  test.each<[string, string, unknown[]]>([
    ['identifier', 'title', [{ type: 'identifier', pos: 0, name: 'title' }]],
    [
      'identifier with path and modifier',
      '@collection.users:u.email:lower',
      [{ type: 'identifier', pos: 0, name: '@collection.users:u.email:lower' }],
    ],
    ['hash identifier', '#abc', [{ type: 'identifier', pos: 0, name: '#abc' }]],
    ['number', '12.5', [{ type: 'number', pos: 0, value: 12.5, raw: '12.5' }]],
    ['negative number', '-3', [{ type: 'number', pos: 0, value: -3, raw: '-3' }]],
    ['leading zeros', '0012', [{ type: 'number', pos: 0, value: 12, raw: '0012' }]],
    ['single quoted', `'a b'`, [{ type: 'text', pos: 0, value: 'a b' }]],
    ['double quoted', `"a'b"`, [{ type: 'text', pos: 0, value: "a'b" }]],
    ['escaped same quote', `'a\\'b'`, [{ type: 'text', pos: 0, value: "a'b" }]],
    ['escaped other quote', `'a\\"b'`, [{ type: 'text', pos: 0, value: 'a"b' }]],
    ['escaped backslash', `'a\\\\b'`, [{ type: 'text', pos: 0, value: 'a\\b' }]],
    ['trailing escaped backslash', `'a\\\\'`, [{ type: 'text', pos: 0, value: 'a\\' }]],
    ['\\n \\t \\r escapes', `'a\\nb\\tc\\rd'`, [{ type: 'text', pos: 0, value: 'a\nb\tc\rd' }]],
    [
      'other backslashes kept',
      `'a\\b\\%\\_\\u00e9\\x41'`,
      [{ type: 'text', pos: 0, value: 'a\\b\\%\\_\\u00e9\\x41' }],
    ],
    ['unicode text', `'héllo 🎉'`, [{ type: 'text', pos: 0, value: 'héllo 🎉' }]],
    ['placeholder', '{:name_1}', [{ type: 'placeholder', pos: 0, name: 'name_1' }]],
    [
      'signs',
      '= != > >= < <= ~ !~ ?= ?!= ?> ?>= ?< ?<= ?~ ?!~',
      '= != > >= < <= ~ !~ ?= ?!= ?> ?>= ?< ?<= ?~ ?!~'.split(' ').map((op) => ({ op })),
    ],
    [
      'joins',
      '&& ||',
      [
        { type: 'join', op: '&&' },
        { type: 'join', op: '||' },
      ],
    ],
    [
      'comment',
      'a // hi there\nb',
      [{ name: 'a' }, { type: 'comment', text: 'hi there' }, { name: 'b' }],
    ],
    ['carriage return is whitespace', 'a\r\nb', [{ name: 'a' }, { name: 'b' }]],
    [
      'group keeps raw text and quotes',
      `(a = ')' || b = "(")`,
      [{ type: 'group', pos: 0, inner: `a = ')' || b = "("`, innerPos: 1 }],
    ],
    ['nested group', '((a))', [{ type: 'group', inner: '(a)' }]],
    [
      'function with trailing comma',
      `strftime('%Y', created,)`,
      [
        {
          type: 'function',
          name: 'strftime',
          args: [
            { type: 'text', pos: 9, value: '%Y' },
            { type: 'identifier', pos: 15, name: 'created' },
          ],
        },
      ],
    ],
    [
      'function with comments and nesting',
      'f(g(1 // one\n, h(x)), -2)',
      [
        {
          type: 'function',
          name: 'f',
          args: [
            {
              type: 'function',
              name: 'g',
              args: [{ value: 1 }, { type: 'function', name: 'h', args: [{ name: 'x' }] }],
            },
            { value: -2 },
          ],
        },
      ],
    ],
    ['empty function', 'f()', [{ type: 'function', name: 'f', args: [] }]],
  ])('%s', (_name, text, expected) => {
    expect(scanAll(text)).toMatchObject(expected)
  })

  test.each([
    ['lone @', '@'],
    ['lone _', '_ = 1'],
    ['identifier ending with .', 'title. = 1'],
    ['identifier ending with :', 'title: = 1'],
    ['number starting with .', '.5'],
    ['number ending with .', '5.'],
    ['number with two dots', '1.2.3'],
    ['lone minus', '-'],
    ['minus then space', '- 5'],
    ['unterminated text', `'abc`],
    ['unterminated escaped quote', `'abc\\'`],
    ['invalid sign', '=='],
    ['invalid sign run', '!=='],
    ['single &', '&'],
    ['triple |', '|||'],
    ['unclosed group', '(a = 1'],
    ['stray )', 'a)'],
    ['unexpected char', '$a'],
    ['bad placeholder', '{:}'],
    ['unclosed placeholder', '{:a'],
    ['function depth 4', 'f1(f2(f3(f4(1))))'],
    ['empty argument', 'f(,)'],
    ['double comma', 'f(a,,)'],
    ['missing comma', `f('%Y' b)`],
    ['unclosed function', 'f(a'],
    ['group as argument', 'f((a))'],
  ])('rejects %s', (_name, text) => {
    expect(() => scanAll(text)).toThrow(FilterError)
  })

  test('depth 3 functions are allowed', () => {
    expect(scanAll('f1(f2(f3(1)))')).toHaveLength(1)
  })

  test('positions are offset for groups', () => {
    const s = new Scanner('a = 1', 10)
    expect(s.next()).toEqual({ type: 'identifier', pos: 10, name: 'a' })
  })

  test('errors carry the position', () => {
    try {
      scanAll('title = $')
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(FilterError)
      expect((err as FilterError).position).toBe(8)
    }
  })
})
