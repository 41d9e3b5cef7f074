import { describe, expect, test } from 'vitest'
import { FilterError } from './filter-error.ts'
import { type ExprGroup, type Operand, parse } from './parser.ts'
import { MAX_GROUP_DEPTH } from './scanner.ts'

/** A compact rendering of the AST: `&&[a = 'x']`, groups in parentheses. */
function render(items: readonly ExprGroup[]): string {
  return items
    .map((g, i) => {
      const prefix = i === 0 ? '' : ` ${g.join} `
      if (g.item.kind === 'group') return `${prefix}(${render(g.item.items)})`
      const e = g.item
      return `${prefix}${opText(e.left)} ${e.op} ${opText(e.right)}`
    })
    .join('')
}

function opText(o: Operand): string {
  switch (o.type) {
    case 'identifier':
      return o.name
    case 'text':
      return JSON.stringify(o.value)
    case 'number':
      return String(o.value)
    case 'placeholder':
      return `{:${o.name}}`
    case 'function':
      return `${o.name}(${o.args.map(opText).join(', ')})`
  }
}

describe('parse', () => {
  test.each([
    ['simple', `title = 'a'`, `title = "a"`],
    ['no spaces', `title='a'`, `title = "a"`],
    ['text on the left', `'a' = title`, `"a" = title`],
    ['and/or flat list', 'a > 1 && b = 2 || c < 3', 'a > 1 && b = 2 || c < 3'],
    ['group', '(a > 1 || b = 2) && c < 3', '(a > 1 || b = 2) && c < 3'],
    [
      'nested groups',
      'a = 1 || (b = 1 && (c = 2 || d = 3))',
      'a = 1 || (b = 1 && (c = 2 || d = 3))',
    ],
    ['double parentheses', '((a = 1))', '((a = 1))'],
    ['comment at end', `title = 'x' // comment`, `title = "x"`],
    ['empty comment', `title = 'x' //`, `title = "x"`],
    ['comment between items', `a = 1 &&// x\n b = 2`, 'a = 1 && b = 2'],
    ['comment inside group ends at )', '(a = 1 // x) && b = 2', '(a = 1) && b = 2'],
    ['comment inside group to newline', '(a = 1 // (x)\n) && b = 2', '(a = 1) && b = 2'],
    ['carriage returns', `a = 1\r\n&& b = 2`, 'a = 1 && b = 2'],
    ['any operators', `tags ?= 'a' && tags ?!~ 'b'`, `tags ?= "a" && tags ?!~ "b"`],
    ['functions', `geoDistance(a.lon, a.lat, 1, 2) < 25`, 'geoDistance(a.lon, a.lat, 1, 2) < 25'],
    ['placeholders', 'a = {:x} && {:y} != b', 'a = {:x} && {:y} != b'],
    // fexpr quirks verified against PocketBase 0.40.4:
    ['group after expression without join', `a = 'x' (b = 1)`, `a = "x" && (b = 1)`],
    ['group after group without join', '(a = 1)(b = 1)', '(a = 1) && (b = 1)'],
    [
      'implicit join reuses the last join',
      '(a = 1) || (b = 1)(c = 2)',
      '(a = 1) || (b = 1) || (c = 2)',
    ],
  ])('%s', (_name, filter, expected) => {
    expect(render(parse(filter))).toBe(expected)
  })

  test('keeps positions', () => {
    const [first, second] = parse(`a = 1 && (bb != 'x')`)
    expect(first).toMatchObject({ join: '&&', item: { kind: 'expr', pos: 0, right: { pos: 4 } } })
    expect(second).toMatchObject({
      join: '&&',
      item: { kind: 'group', pos: 9, items: [{ item: { pos: 10, op: '!=' } }] },
    })
  })

  test.each([
    ['empty', ''],
    ['only spaces', '  \n '],
    ['only comment', '// nothing'],
    ['empty group', `title = 'a' && ()`],
    ['blank group', `title = 'a' && (  )`],
    ['lone identifier', 'title'],
    ['missing right operand', 'title ='],
    ['trailing join', `title = 'a' &&`],
    ['leading join', `&& title = 'a'`],
    ['two expressions without join', `title = 'a' title = 'b'`],
    ['expression after group without join', `(title = 'a') views = 1`],
    ['group inside an expression', 'title = (views = 1)'],
    ['group after left operand', 'title (views = 1)'],
    ['operator as operand', 'a = ='],
    ['join as operand', 'a = &&'],
    ['unclosed group', '(a = 1'],
    ['extra )', 'a = 1)'],
    ['bad inner group', '(a = 1 &&)'],
    ['exponent number', 'views > 1e3'],
    ['hex number', 'views > 0x10'],
  ])('rejects %s', (_name, filter) => {
    expect(() => parse(filter)).toThrow(FilterError)
  })

  test('reports a position for errors inside groups', () => {
    try {
      parse('a = 1 && (b = 2 c)')
      expect.unreachable()
    } catch (err) {
      expect((err as FilterError).position).toBe(16)
    }
  })

  test('caches and freezes results', () => {
    const a = parse('cached = 1 && (b = 2)')
    expect(parse('cached = 1 && (b = 2)')).toBe(a)
    expect(Object.isFrozen(a)).toBe(true)
    expect(Object.isFrozen(a[1]?.item)).toBe(true)
  })

  test('nesting up to MAX_GROUP_DEPTH parses, deeper is rejected early', () => {
    const nest = (depth: number) => `${'('.repeat(depth)}a = 1${')'.repeat(depth)}`
    let items = parse(nest(MAX_GROUP_DEPTH))
    for (let i = 0; i < MAX_GROUP_DEPTH; i++) {
      const g = items[0]?.item
      expect(g?.kind).toBe('group')
      if (g?.kind === 'group') items = g.items
    }
    expect(items[0]?.item.kind).toBe('expr')
    expect(() => parse(nest(MAX_GROUP_DEPTH + 1))).toThrow('nested deeper')
    const started = performance.now()
    expect(() => parse(nest(500_000))).toThrow(FilterError)
    expect(performance.now() - started).toBeLessThan(1000)
  })
})
