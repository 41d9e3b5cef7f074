import { readFileSync } from 'node:fs'

// `$template` (PocketBase's tools/template over Go's html/template): a subset of Go's template
// language — `{{.field.sub}}`, pipelines into functions (`{{.html|raw}}`, `{{len .items}}`,
// `eq`/`ne`/`lt`/`le`/`gt`/`ge`/`not`/`and`/`or`/`index`/`print`), `if`/`else if`/`else`,
// `range` (with `else`), `with`, `define`/`template`/`block`, comments and `{{-`/`-}}` trimming.
// Output is HTML-escaped unless it went through `raw`.

type Node =
  | { readonly t: 'text'; readonly s: string }
  | { readonly t: 'out'; readonly p: string }
  | {
      readonly t: 'if' | 'with' | 'range'
      readonly p: string
      readonly yes: Node[]
      readonly no: Node[]
    }
  | { readonly t: 'call'; readonly name: string; readonly p: string }

class Raw {
  readonly s: string
  constructor(s: string) {
    this.s = s
  }
}

const ESC: { [c: string]: string } = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&#34;',
  "'": '&#39;',
}
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESC[c]!)

function show(v: unknown): string {
  if (v instanceof Raw) return v.s
  if (v === undefined || v === null) return ''
  return escapeHtml(typeof v === 'object' ? JSON.stringify(v) : String(v))
}

function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0
  if (typeof v === 'object' && v !== null) return Object.keys(v).length > 0
  return Boolean(v)
}

/** Splits a template into text and `{{…}}` actions, applying the trim markers. */
function lex(src: string): { text: string[]; actions: string[] } {
  const text: string[] = []
  const actions: string[] = []
  let rest = src
  for (;;) {
    const i = rest.indexOf('{{')
    if (i < 0) {
      text.push(rest)
      return { text, actions }
    }
    const j = rest.indexOf('}}', i)
    if (j < 0) throw new Error('template: unclosed action')
    let before = rest.slice(0, i)
    let action = rest.slice(i + 2, j)
    let after = rest.slice(j + 2)
    if (action.startsWith('-')) {
      before = before.replace(/\s+$/, '')
      action = action.slice(1)
    }
    if (action.endsWith('-')) {
      after = after.replace(/^\s+/, '')
      action = action.slice(0, -1)
    }
    text.push(before)
    actions.push(action.trim())
    rest = after
  }
}

/** Parses a template into its main nodes and the `define`d (and `block`) templates. */
function parse(src: string, defs: Map<string, Node[]>): Node[] {
  const { text, actions } = lex(src)
  let k = 0
  const list = (stop: RegExp): { nodes: Node[]; end: string } => {
    const nodes: Node[] = []
    for (;;) {
      if (text[k]) nodes.push({ t: 'text', s: text[k]! })
      if (k >= actions.length) return { nodes, end: '' }
      const a = actions[k++]!
      if (a.startsWith('/*')) continue
      if (stop.test(a)) return { nodes, end: a }
      const m = /^(if|with|range|define|block|template)\b\s*(.*)$/s.exec(a)
      if (m === null) {
        nodes.push({ t: 'out', p: a })
        continue
      }
      const [, kw, arg] = m as unknown as [string, string, string]
      if (kw === 'template') {
        const t = /^"([^"]+)"\s*(.*)$/.exec(arg)
        if (t === null) throw new Error(`template: bad action {{${a}}}`)
        nodes.push({ t: 'call', name: t[1]!, p: t[2] || '.' })
      } else if (kw === 'define' || kw === 'block') {
        const t = /^"([^"]+)"\s*(.*)$/.exec(arg)
        if (t === null) throw new Error(`template: bad action {{${a}}}`)
        const body = list(/^end$/).nodes
        if (kw === 'block') {
          if (!defs.has(t[1]!)) defs.set(t[1]!, body)
          nodes.push({ t: 'call', name: t[1]!, p: t[2] || '.' })
        } else defs.set(t[1]!, body)
      } else nodes.push(branch(kw as 'if' | 'with' | 'range', arg))
    }
  }
  // NOTE: `else if X` is an `else` holding an `if X` that shares the same `end`
  const branch = (t: 'if' | 'with' | 'range', p: string): Node => {
    const yes = list(/^(else\b.*|end)$/)
    let no: Node[] = []
    if (t === 'if' && yes.end.startsWith('else if ')) no = [branch('if', yes.end.slice(8))]
    else if (yes.end === 'else') no = list(/^end$/).nodes
    return { t, p, yes: yes.nodes, no }
  }
  return list(/^end$|^else\b/).nodes
}

const FUNCS: { [name: string]: (...a: unknown[]) => unknown } = {
  raw: (v) => new Raw(v instanceof Raw ? v.s : String(v ?? '')),
  len: (v) => (Array.isArray(v) || typeof v === 'string' ? v.length : Object.keys(v ?? {}).length),
  index: (v, ...keys) =>
    keys.reduce((o: unknown, k) => (o as { [k: string]: unknown })?.[String(k)], v),
  eq: (a, ...b) => b.some((x) => x === a),
  ne: (a, b) => a !== b,
  lt: (a, b) => (a as number) < (b as number),
  le: (a, b) => (a as number) <= (b as number),
  gt: (a, b) => (a as number) > (b as number),
  ge: (a, b) => (a as number) >= (b as number),
  not: (a) => !truthy(a),
  and: (...a) => a.find((x) => !truthy(x)) ?? a.at(-1),
  or: (...a) => a.find((x) => truthy(x)) ?? a.at(-1),
  print: (...a) => a.map((x) => String(x ?? '')).join(''),
  html: (v) => escapeHtml(String(v ?? '')),
}

function operand(tok: string, dot: unknown, root: unknown): unknown {
  if (tok === '.') return dot
  if (tok === '$') return root
  if (/^"/.test(tok)) return JSON.parse(tok)
  if (/^-?\d/.test(tok)) return Number(tok)
  if (tok === 'true' || tok === 'false') return tok === 'true'
  if (tok === 'nil') return null
  const m = /^(\$)?((?:\.\w+)+)$/.exec(tok)
  if (m !== null) {
    let v = m[1] ? root : dot
    for (const k of m[2]!.slice(1).split('.')) v = (v as { [k: string]: unknown } | null)?.[k]
    return typeof v === 'function' ? (v as () => unknown).call(undefined) : v
  }
  throw new Error(`template: unknown operand ${tok}`)
}

function evalPipeline(p: string, dot: unknown, root: unknown): unknown {
  let prev: unknown
  let first = true
  for (const stage of p.split('|').map((s) => s.trim())) {
    const toks = stage.match(/"(?:[^"\\]|\\.)*"|\S+/g) ?? []
    const [head, ...rest] = toks
    const fn = head === undefined ? undefined : FUNCS[head]
    if (fn !== undefined) {
      const args = rest.map((t) => operand(t, dot, root))
      prev = first ? fn(...args) : fn(...args, prev)
    } else {
      prev = operand(head ?? '.', dot, root)
    }
    first = false
  }
  return prev
}

function exec(nodes: Node[], dot: unknown, root: unknown, defs: Map<string, Node[]>): string {
  let out = ''
  for (const n of nodes) {
    if (n.t === 'text') out += n.s
    else if (n.t === 'out') out += show(evalPipeline(n.p, dot, root))
    else if (n.t === 'call') {
      const body = defs.get(n.name)
      if (body === undefined) throw new Error(`template: no such template "${n.name}"`)
      out += exec(body, evalPipeline(n.p, dot, root), root, defs)
    } else {
      const v = evalPipeline(n.p, dot, root)
      if (n.t === 'if') out += exec(truthy(v) ? n.yes : n.no, dot, root, defs)
      else if (n.t === 'with')
        out += truthy(v) ? exec(n.yes, v, root, defs) : exec(n.no, dot, root, defs)
      else {
        const items = Array.isArray(v)
          ? v
          : typeof v === 'object' && v !== null
            ? Object.values(v)
            : []
        out +=
          items.length === 0
            ? exec(n.no, dot, root, defs)
            : items.map((x) => exec(n.yes, x, root, defs)).join('')
      }
    }
  }
  return out
}

/** A parsed set of templates; `render(data)` executes the first one. */
class Renderer {
  readonly #main: Node[]
  readonly #defs: Map<string, Node[]>
  constructor(sources: readonly string[]) {
    this.#defs = new Map()
    const parsed = sources.map((s) => parse(s, this.#defs))
    this.#main = parsed[0] ?? []
  }
  render(data: unknown): string {
    const plain = data === undefined ? {} : JSON.parse(JSON.stringify(data))
    return exec(this.#main, plain, plain, this.#defs)
  }
}

/** `$template`. */
export const template = {
  loadFiles: (...files: string[]) => new Renderer(files.map((f) => readFileSync(f, 'utf8'))),
  loadString: (...sources: string[]) => new Renderer(sources),
}
