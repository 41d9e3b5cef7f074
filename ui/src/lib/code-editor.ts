// CodeMirror 6 behind one small function. Only ever imported with import() (CodeEditor.svelte),
// so pages that show no code editor never download it.
import {
  autocompletion,
  type Completion,
  type CompletionContext,
  closeBrackets,
  closeBracketsKeymap,
  completionKeymap,
} from '@codemirror/autocomplete'
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands'
import { json, jsonParseLinter } from '@codemirror/lang-json'
import { SQLite, sql } from '@codemirror/lang-sql'
import {
  bracketMatching,
  HighlightStyle,
  StreamLanguage,
  type StringStream,
  syntaxHighlighting,
} from '@codemirror/language'
import { type Diagnostic, linter } from '@codemirror/lint'
import { Compartment, EditorState, type Extension, Prec } from '@codemirror/state'
import { EditorView, keymap, lineNumbers, placeholder as placeholderText } from '@codemirror/view'
import { tags as t } from '@lezer/highlight'
import { type FilterContext, lint as lintFilter, suggest } from './filter-assist.ts'

/** The languages the dashboard edits. */
export type CodeMode = 'filter' | 'json' | 'sql'

/** How an editor is made (see `createEditor`). */
export interface EditorOptions {
  readonly mode: CodeMode
  readonly value: string
  /** The accessible name of the editable area. */
  readonly label: string
  readonly placeholder?: string
  /** One line only (a search bar): newlines are dropped, Enter calls `onsubmit`. */
  readonly singleLine?: boolean
  readonly disabled?: boolean
  readonly invalid?: boolean
  /** The id of the element describing the editor (its error message). */
  readonly describedBy?: string
  /** For `filter`: the schema behind autocomplete and the quick check. */
  readonly filter?: () => FilterContext
  /** For `sql`: table name → column names, for autocomplete. */
  readonly tables?: Record<string, string[]>
  onchange(value: string): void
  /** Enter (one line) or Ctrl/Cmd+Enter (several lines). */
  onsubmit?(): void
}

/** A live editor: push new state into it, or destroy it. */
export interface EditorHandle {
  /** Replaces the text when it differs (an outside change, not the user typing). */
  setValue(value: string): void
  setDisabled(disabled: boolean): void
  setInvalid(invalid: boolean, describedBy?: string): void
  /** For `sql`: new tables and columns for autocomplete. */
  setTables(tables: Record<string, string[]>): void
  focus(): void
  destroy(): void
}

// Colours come from the dashboard's CSS variables, so light and dark follow the theme.
const highlight = HighlightStyle.define([
  {
    tag: [t.keyword, t.operatorKeyword, t.modifier],
    color: 'var(--code-keyword)',
    fontWeight: '600',
  },
  { tag: [t.string, t.special(t.string)], color: 'var(--code-string)' },
  { tag: [t.number, t.bool, t.null, t.atom], color: 'var(--code-number)' },
  { tag: [t.variableName, t.special(t.variableName)], color: 'var(--code-variable)' },
  { tag: [t.propertyName, t.name], color: 'var(--text)' },
  { tag: [t.operator, t.compareOperator, t.logicOperator], color: 'var(--code-operator)' },
  { tag: [t.comment, t.lineComment], color: 'var(--muted)', fontStyle: 'italic' },
  { tag: t.invalid, color: 'var(--danger)' },
])

const theme = EditorView.theme({
  '&': {
    backgroundColor: 'var(--surface)',
    color: 'var(--text)',
    fontSize: '0.9rem',
  },
  '&.cm-focused': { outline: 'none' },
  '.cm-content': { fontFamily: 'var(--mono)', caretColor: 'var(--text)', padding: '6px 0' },
  '.cm-line': { padding: '0 10px' },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.5' },
  '.cm-gutters': {
    backgroundColor: 'var(--surface-2)',
    color: 'var(--muted)',
    border: 'none',
  },
  '.cm-placeholder': { color: 'var(--muted)' },
  '.cm-cursor': { borderLeftColor: 'var(--text)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': {
    backgroundColor: 'var(--accent-soft) !important',
  },
  '.cm-tooltip': {
    backgroundColor: 'var(--surface)',
    color: 'var(--text)',
    border: '1px solid var(--border)',
    borderRadius: 'var(--radius-sm)',
    boxShadow: 'var(--shadow)',
  },
  '.cm-tooltip-autocomplete > ul > li[aria-selected]': {
    backgroundColor: 'var(--accent-soft)',
    color: 'var(--text)',
  },
  '.cm-completionDetail': { color: 'var(--muted)', marginLeft: '1em', fontStyle: 'normal' },
  '.cm-diagnostic-error': { borderLeftColor: 'var(--danger)' },
  '.cm-lintRange-error, .cm-lintRange-warning': {
    backgroundImage: 'none',
    textDecoration: 'underline wavy var(--danger)',
    textUnderlineOffset: '3px',
  },
})

/**
 * PocketBase's filter language for highlighting: strings, numbers, `true|false|null`, the
 * operators, `@request…`/`@collection…` paths, macros, `:modifiers` and `//` comments.
 */
function filterToken(stream: StringStream, state: { quote: string }): string | null {
  if (state.quote) {
    while (!stream.eol()) {
      const ch = stream.next()
      if (ch === '\\') stream.next()
      else if (ch === state.quote) {
        state.quote = ''
        break
      }
    }
    return 'string'
  }
  if (stream.eatSpace()) return null
  if (stream.match('//')) {
    stream.skipToEnd()
    return 'comment'
  }
  const ch = stream.peek()
  if (ch === '"' || ch === "'") {
    state.quote = ch
    stream.next()
    return filterToken(stream, state)
  }
  if (stream.match(/^-?\d+(\.\d+)?/)) return 'number'
  if (stream.match(/^(true|false|null)\b/i)) return 'atom'
  if (stream.match(/^@(request|collection)(\.[\w]+)*/)) return 'variableName.special'
  if (stream.match(/^@\w+/)) return 'atom'
  if (stream.match(/^:\w+/)) return 'keyword'
  if (stream.match(/^(&&|\|\||\?!=|\?!~|\?>=|\?<=|[?!]?[=~]|[?]?[<>]=?)/)) return 'operator'
  if (stream.match(/^[\w.]+/)) return 'propertyName'
  stream.next()
  return null
}

const filterLanguage = StreamLanguage.define<{ quote: string }>({
  name: 'pbfilter',
  startState: () => ({ quote: '' }),
  token: filterToken,
})

function filterCompletions(ctx: () => FilterContext) {
  return (cc: CompletionContext) => {
    const before = cc.state.sliceDoc(0, cc.pos)
    const found = suggest(ctx(), before)
    if (!found) return null
    // nothing to offer for a word already typed in full
    const typed = before.slice(found.from)
    const offered = found.options.filter((o) => o.label !== typed)
    if (offered.length === 0) return null
    const options: Completion[] = offered.map((o) => ({
      label: o.label,
      type: o.type,
      detail: o.detail,
      apply: o.type === 'operator' ? `${o.label} ` : undefined,
    }))
    return { from: found.from, options, validFor: /^[@\w]*$/ }
  }
}

function languageOf(opts: EditorOptions): Extension[] {
  switch (opts.mode) {
    case 'json':
      return [json(), linter(jsonParseLinter(), { delay: 300 })]
    case 'sql':
      return [
        sql({ dialect: SQLite, schema: opts.tables ?? {}, upperCaseKeywords: true }),
        autocompletion({ icons: false }),
      ]
    case 'filter': {
      const ctx = opts.filter ?? (() => ({ fields: [], collections: [], rule: false }))
      const check = linter(
        (view): Diagnostic[] =>
          lintFilter(ctx(), view.state.doc.toString()).map((p) => ({
            from: p.from,
            to: p.to,
            severity: 'warning',
            message: p.message,
          })),
        { delay: 400 },
      )
      return [
        filterLanguage,
        // NOTE: no interactionDelay, so an Enter right after a suggestion shows always takes it
        // (with the default 75 ms it would fall through and apply the filter half typed)
        autocompletion({ override: [filterCompletions(ctx)], icons: false, interactionDelay: 0 }),
        check,
      ]
    }
  }
}

function ariaAttrs(
  label: string,
  invalid: boolean,
  describedBy: string | undefined,
  single: boolean,
) {
  const attrs: Record<string, string> = { 'aria-label': label }
  if (invalid) attrs['aria-invalid'] = 'true'
  if (describedBy) attrs['aria-describedby'] = describedBy
  if (single) attrs['aria-multiline'] = 'false'
  return attrs
}

/**
 * Mounts a CodeMirror editor in `parent`: the mode's highlighting and autocomplete, undo,
 * bracket matching, the dashboard's colours, and an accessible name on the editable element
 * (which has the `textbox` role). Every user edit calls `onchange` with the whole text.
 */
export function createEditor(parent: HTMLElement, opts: EditorOptions): EditorHandle {
  const editable = new Compartment()
  const language = new Compartment()
  const aria = new Compartment()
  const single = opts.singleLine === true
  const extensions: Extension[] = [
    history(),
    bracketMatching(),
    closeBrackets(),
    syntaxHighlighting(highlight),
    theme,
    language.of(languageOf(opts)),
    keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...completionKeymap]),
    editable.of([EditorView.editable.of(!opts.disabled), EditorState.readOnly.of(!!opts.disabled)]),
    aria.of(
      EditorView.contentAttributes.of(
        ariaAttrs(opts.label, !!opts.invalid, opts.describedBy, single),
      ),
    ),
    EditorView.updateListener.of((u) => {
      if (u.docChanged) opts.onchange(u.state.doc.toString())
    }),
  ]
  if (opts.placeholder) extensions.push(placeholderText(opts.placeholder))
  if (single) {
    extensions.push(
      // a pasted newline becomes a space
      EditorState.transactionFilter.of((tr) => {
        if (!tr.docChanged || tr.newDoc.lines === 1) return tr
        const changes: { from: number; to: number; insert: string }[] = []
        tr.changes.iterChanges((from, to, _fromB, _toB, text) => {
          changes.push({ from, to, insert: text.toString().replace(/\r?\n/g, ' ') })
        })
        return { changes }
      }),
      // above the default keymap's newline, below the completion popup's Enter
      Prec.high(
        keymap.of([
          {
            key: 'Enter',
            run: () => {
              opts.onsubmit?.()
              return true
            },
          },
        ]),
      ),
    )
  } else {
    if (opts.onsubmit) {
      const submit = opts.onsubmit
      extensions.push(
        Prec.high(
          keymap.of([
            {
              key: 'Mod-Enter',
              run: () => {
                submit()
                return true
              },
            },
          ]),
        ),
      )
    }
    extensions.push(keymap.of([indentWithTab]), EditorView.lineWrapping)
    if (opts.mode !== 'filter') extensions.push(lineNumbers())
  }
  const view = new EditorView({
    parent,
    state: EditorState.create({ doc: opts.value, extensions }),
  })
  let invalid = !!opts.invalid
  let describedBy = opts.describedBy
  return {
    setValue(value) {
      if (value === view.state.doc.toString()) return
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: value } })
    },
    setDisabled(disabled) {
      view.dispatch({
        effects: editable.reconfigure([
          EditorView.editable.of(!disabled),
          EditorState.readOnly.of(disabled),
        ]),
      })
    },
    setInvalid(next, by) {
      if (next === invalid && by === describedBy) return
      invalid = next
      describedBy = by
      view.dispatch({
        effects: aria.reconfigure(
          EditorView.contentAttributes.of(ariaAttrs(opts.label, invalid, describedBy, single)),
        ),
      })
    },
    setTables(tables) {
      if (opts.mode !== 'sql') return
      view.dispatch({ effects: language.reconfigure(languageOf({ ...opts, tables })) })
    },
    focus: () => view.focus(),
    destroy: () => view.destroy(),
  }
}
