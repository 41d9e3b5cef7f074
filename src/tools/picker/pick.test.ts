import { describe, expect, test } from 'vitest'
import { excerpt, htmlToText, pickFields, pickListFields } from './pick.ts'

const BODY =
  '<html><head><title>T</title><style>p{}</style></head><body><h1>Head  line</h1><p>Some   <i>text</i> here&amp;there &lt;x&gt; &nbsp;ok</p><script>alert(1)</script><ul><li>one</li><li>two</li></ul>tail<br>after<img src=x alt=IMG><button>Btn</button>ünïcödé 🎉 end</body></html>'

const post = {
  author: 'oenruvsf7gyrgvx',
  body: BODY,
  collectionId: 'pbc_1125843985',
  collectionName: 'posts',
  d: '2024-01-02 00:00:00.000Z',
  expand: {
    author: {
      bio: '<p>Hello <b>world</b></p><p>second para</p>',
      collectionId: 'pbc_526341563',
      collectionName: 'authors',
      id: 'oenruvsf7gyrgvx',
      name: 'Ann',
    },
  },
  id: 'glxt2syhnugflyk',
  tags: { a: { b: 1, c: [1, 2] }, x: [{ y: 1, z: 2 }, { y: 3 }] },
  title: 'First',
}

// Expected values below were measured on PocketBase 0.40.4 (GET …/records?fields=…).
describe('pickFields', () => {
  test('plain keys; unknown keys ignored; whitespace trimmed; empty segments skipped', () => {
    expect(pickFields(post, 'id,title')).toEqual({ id: post.id, title: 'First' })
    expect(pickFields(post, ' id , title ')).toEqual({ id: post.id, title: 'First' })
    expect(pickFields(post, 'id,nonexist')).toEqual({ id: post.id })
    expect(pickFields(post, 'title,,id')).toEqual({ id: post.id, title: 'First' })
  })

  test('empty fields returns the data unchanged', () => {
    expect(pickFields(post, '')).toBe(post)
    expect(pickFields(post, ' , ')).toBe(post)
  })

  test('wildcard with a narrowed nested path', () => {
    const out = pickFields(post, '*,expand.author.name') as Record<string, unknown>
    expect(out).toEqual({ ...post, expand: { author: { name: 'Ann' } } })
    expect(pickFields({ title: 'Second', expand: {} }, '*,expand.author.name')).toEqual({
      title: 'Second',
      expand: {},
    })
  })

  test('nested paths', () => {
    expect(pickFields(post, 'title,expand.author.name')).toEqual({
      title: 'First',
      expand: { author: { name: 'Ann' } },
    })
    expect(pickFields(post, 'expand.author')).toEqual({ expand: post.expand })
    expect(pickFields(post, 'tags.a.b,tags.x.y')).toEqual({
      tags: { a: { b: 1 }, x: [{ y: 1 }, { y: 3 }] },
    })
    expect(pickFields({ tags: null }, 'tags.a.b')).toEqual({ tags: null })
    expect(pickFields(post, 'tags.*')).toEqual({ tags: post.tags })
  })

  test('a whole key beats deeper paths to it, in any order', () => {
    expect(pickFields(post, 'tags.a,tags.a.b')).toEqual({ tags: { a: { b: 1, c: [1, 2] } } })
    expect(pickFields(post, 'tags.a.b,tags.a')).toEqual({ tags: { a: { b: 1, c: [1, 2] } } })
  })

  test('odd paths', () => {
    expect(pickFields(post, '*.id')).toEqual({})
    expect(pickFields(post, 'title.')).toEqual({ title: 'First' })
    expect(pickFields(post, '.title')).toEqual({})
    expect(pickFields(post, 'expand')).toEqual({ expand: post.expand })
  })

  test('arrays of objects are picked element by element; input is not mutated', () => {
    const list = [post, { id: 'e8i6ubpae4t3ui2', title: 'Second', tags: null }]
    const copy = structuredClone(list)
    expect(pickFields(list, 'id')).toEqual([{ id: post.id }, { id: 'e8i6ubpae4t3ui2' }])
    expect(list).toEqual(copy)
  })

  test('toJSON values are picked in their JSON form', () => {
    const model = { toJSON: () => ({ id: 'a', secret: 'x' }) }
    expect(pickFields({ record: model, token: 't' }, 'record.id')).toEqual({ record: { id: 'a' } })
  })

  test('excerpt modifier', () => {
    expect(pickFields(post, 'body:excerpt(20,true)')).toEqual({ body: 'Head line Some text...' })
    expect(pickFields(post, 'body:excerpt(10)')).toEqual({ body: 'Head line' })
    expect(pickFields({ body: 'plain text only' }, 'body:excerpt(20,true)')).toEqual({
      body: 'plain text only',
    })
    expect(pickFields(post, 'title:excerpt(3,true)')).toEqual({ title: 'Fir...' })
    expect(pickFields(post, 'title:excerpt( 2 , true )')).toEqual({ title: 'Fi...' })
    expect(pickFields(post, 'title:excerpt(2,1)')).toEqual({ title: 'Fi...' })
    expect(pickFields(post, 'title:excerpt(2,yes)')).toEqual({ title: 'Fi' })
    expect(pickFields(post, 'title:excerpt(2,false)')).toEqual({ title: 'Fi' })
    expect(pickFields(post, 'title:excerpt(2,)')).toEqual({ title: 'Fi' })
    expect(pickFields(post, 'title:excerpt(2.5)')).toEqual({ title: 'Fi' })
    expect(pickFields(post, 'title:excerpt(+2)')).toEqual({ title: 'Fi' })
    expect(pickFields(post, '*,expand.author.bio:excerpt(8,true)')).toEqual({
      ...post,
      expand: { author: { bio: 'Hello wo...' } },
    })
  })

  test('excerpt leaves non-strings alone and applies through the wildcard', () => {
    expect(pickFields(post, 'tags:excerpt(3)')).toEqual({ tags: post.tags })
    expect(pickFields({ title: 'Hello', body: 'x', tags: null, n: 12345 }, '*:excerpt(2)')).toEqual(
      {
        title: 'He',
        body: 'x',
        tags: null,
        n: 12345,
      },
    )
    expect(pickFields(post, 'id:excerpt(2),collectionId:excerpt(3,true)')).toEqual({
      id: 'gl',
      collectionId: 'pbc...',
    })
  })

  test('the later duplicate path wins', () => {
    expect(pickFields(post, 'title:excerpt(3,true),title')).toEqual({ title: 'First' })
    expect(pickFields(post, 'title,title:excerpt(3,true)')).toEqual({ title: 'Fir...' })
  })

  test.each([
    'title:excerpt(abc)',
    'title:excerpt()',
    'title:foo(1)',
    'title:Excerpt(2)',
    'title:excerpt(0,true)',
    'title:excerpt(-1)',
    'title:excerpt(2,true,3)',
    'title:excerpt(2',
    'title:excerpt(2):excerpt(3)',
    'title:',
  ])('%s throws', (fields) => {
    expect(() => pickFields(post, fields)).toThrow(Error)
  })
})

describe('pickListFields', () => {
  const list = {
    items: [post, { id: 'b', title: 'Second' }],
    page: 1,
    perPage: 2,
    totalItems: 2,
    totalPages: 1,
  }

  test('picks inside items and keeps the envelope', () => {
    expect(pickListFields(list, 'id')).toEqual({ ...list, items: [{ id: post.id }, { id: 'b' }] })
    expect(pickListFields(list, 'page,items.id')).toEqual({ ...list, items: [{}, {}] })
    expect(pickListFields(list, '')).toBe(list)
  })
})

// Measured with `fields=body:excerpt(1000)` on records holding these bodies.
describe('htmlToText / excerpt', () => {
  test.each([
    [BODY, 200, 'Head line Some text here&there <x> \u00a0ok one two tailafterünïcödé 🎉 end'],
    ['<h1>Head  line</h1>more', 4, 'Head'],
    ['a&nbsp;&nbsp;b   c', 100, 'a\u00a0\u00a0b c'],
    [
      '<p>x</p><div>y</div><span>z</span><section>s</section><article>ar</article><table><tr><td>c1</td><td>c2</td></tr></table><blockquote>bq</blockquote><pre>pr</pre><h6>h6</h6><ol><li>l</li></ol><dl><dt>dt</dt><dd>dd</dd></dl><header>hd</header><footer>ft</footer><nav>nv</nav><main>mn</main><aside>as</aside><figure>fg</figure><figcaption>fc</figcaption><address>ad</address><hr>hr<fieldset>fs</fieldset><details>de</details><summary>su</summary><label>lb</label><a>an</a><em>em</em><strong>st</strong><code>cd</code><small>sm</small>',
      1000,
      'x y z s ar c1 c2 bq pr h6 l dt dd hd ft nv mn as fg fc ad hr fs de su lbanemstcdsm',
    ],
    [
      'a<!-- comment -->b<noscript>ns</noscript>c<textarea>ta</textarea>d<select><option>op</option></select>e<svg><text>sv</text></svg>f<iframe>if</iframe>g<object>ob</object>h<template>tp</template>i<dialog>dl</dialog>j<form>fo<input value=x></form>k<picture>pc</picture>l<embed>m<applet>ap</applet>n<canvas>cv</canvas>o<video>vd</video>p<audio>au</audio>q<math>mt</math>r<title>ti</title>s<style>x</style>t<head>hh</head>u',
      1000,
      'ab ns cdefghijklmn cv o vd p au q mt r ti sthhu',
    ],
    ['&#39;&#x41;&copy;&amp;amp;&lt;&gt;&quot;&bogus;&amp', 1000, '\'A©&amp;<>"&bogus;&'],
    [
      '<div>&#128512;&#0;&#xD800;&NotExisting;&lt&gtx&ampy &nbsp&copyz &AMP; &Aacute; &hellip;&mdash;&euro;&trade;&rsquo;</div>',
      100,
      '😀\ufffd\ufffd&NotExisting;<>x&y \u00a0©z & Á …—€™’',
    ],
    ['x<span title="a>b">y</span>z<br/>w<p>unclosed<div>q', 1000, 'xyzw unclosed q'],
    ['line1\nline2\ttab\n   \t end', 1000, 'line1 line2 tab end'],
    ['<![CDATA[cd]]>x<?pi?>y<!DOCTYPE html>z</p>stray', 1000, 'xyz stray'],
    [
      '<table><tr><th>h1</th><th>h2</th></tr><caption>cap</caption><tbody><tr><td>a</td></tr></tbody></table>',
      100,
      'h1 h2 cap a',
    ],
    [
      '<p>a<select>sel</select>b</p><datalist><option>o</option></datalist>c<optgroup>og</optgroup>d',
      100,
      'ab c og d',
    ],
    [
      '<html><head><title>T</title><meta name=x><link rel=y><script>s</script></head><body>B</body></html>',
      100,
      'B',
    ],
    ['<p>Hello <b>world</b></p><p>second para</p>', 8, 'Hello wo'],
    ['a < b and c<d', 100, 'a < b and c'],
    ['<title>Top</title>rest<div><button>x<script>y</script>z</button>w</div>v', 100, 'rest w v'],
    ['<p>x</p><foo>custom</foo><my-el>el</my-el>y', 100, 'x custom el y'],
    ['<noscript><b>ns</b></noscript>after', 100, 'after'],
    ['a<b title="x>y', 100, 'a'],
  ])('%#', (html, max, expected) => {
    expect(excerpt(html, max)).toBe(expected)
  })

  test('inline vs block elements', () => {
    const inline = [
      'abbr',
      'b',
      'i',
      'sub',
      'sup',
      'q',
      'cite',
      'time',
      'bdo',
      'big',
      'strike',
      'acronym',
      'span',
      'a',
      'em',
      'strong',
      'code',
      'small',
      'label',
    ]
    const block = [
      'u',
      's',
      'mark',
      'dfn',
      'kbd',
      'samp',
      'var',
      'data',
      'del',
      'ins',
      'bdi',
      'tt',
      'font',
      'ruby',
      'output',
      'meter',
      'progress',
      'map',
      'slot',
      'center',
      'nobr',
      'li',
    ]
    for (const t of inline) expect(htmlToText(`[<${t}>x</${t}>]`)).toBe('[x]')
    for (const t of block) expect(htmlToText(`[<${t}>x</${t}>]`)).toBe('[ x ]')
  })

  test('ellipsis only when cut; trimming around the cut', () => {
    expect(excerpt('ab&nbsp;', 2, true)).toBe('ab')
    expect(excerpt('abc ', 3, true)).toBe('abc')
    expect(excerpt('ab cd', 3, true)).toBe('ab...')
    expect(excerpt('<p>ab</p>', 2, true)).toBe('ab')
    expect(excerpt('🎉🎉🎉', 2, true)).toBe('🎉🎉...')
  })
})
