// TipTap behind one small function. Only ever imported with import() (RichTextEditor.svelte),
// so pages without an editor field never download it.
import { Editor } from '@tiptap/core'
import StarterKit from '@tiptap/starter-kit'

/** The toolbar's commands. */
export type RichCommand =
  | 'bold'
  | 'italic'
  | 'heading'
  | 'bulletList'
  | 'orderedList'
  | 'undo'
  | 'redo'

/** What the toolbar shows: which formats apply at the caret, and whether undo/redo can run. */
export interface RichState {
  readonly active: Readonly<
    Record<'bold' | 'italic' | 'heading' | 'bulletList' | 'orderedList' | 'link', boolean>
  >
  readonly canUndo: boolean
  readonly canRedo: boolean
  /** The address of the link at the caret ('' when none). */
  readonly href: string
}

/** How an editor is made (see `createRichText`). */
export interface RichTextOptions {
  /** The stored HTML. */
  readonly value: string
  /** The id of the element naming the editable area. */
  readonly labelledBy: string
  readonly invalid?: boolean
  readonly describedBy?: string
  /** Each user edit: the whole document as HTML, '' when it is empty. */
  onchange(html: string): void
  /** After every transaction (typing, moving the caret), for the toolbar. */
  onstate(state: RichState): void
}

/** A live editor: push outside changes into it, run toolbar commands, or destroy it. */
export interface RichTextHandle {
  /** Replaces the document when `html` differs from it (an outside change, not typing). */
  setValue(html: string): void
  setInvalid(invalid: boolean, describedBy?: string): void
  run(command: RichCommand): void
  /** Links the selection (or the link at the caret) to `href`; '' removes the link. */
  setLink(href: string): void
  focus(): void
  destroy(): void
}

function htmlOf(editor: Editor): string {
  return editor.isEmpty ? '' : editor.getHTML()
}

function attributes(opts: { labelledBy: string; invalid?: boolean; describedBy?: string }) {
  const attrs: Record<string, string> = {
    role: 'textbox',
    'aria-multiline': 'true',
    'aria-labelledby': opts.labelledBy,
  }
  if (opts.invalid) attrs['aria-invalid'] = 'true'
  if (opts.describedBy) attrs['aria-describedby'] = opts.describedBy
  return attrs
}

/**
 * Mounts a TipTap editor in `parent` with StarterKit's paragraphs, headings (h2/h3), bold,
 * italic, lists, links (not followed on click) and undo history. Like PocketBase's editor
 * field, the value is the HTML; an empty document is ''. Loading a value does not count as an
 * edit, so an untouched field is sent back exactly as it came.
 */
export function createRichText(parent: HTMLElement, opts: RichTextOptions): RichTextHandle {
  let aria = { labelledBy: opts.labelledBy, invalid: opts.invalid, describedBy: opts.describedBy }
  const report = (editor: Editor) =>
    opts.onstate({
      active: {
        bold: editor.isActive('bold'),
        italic: editor.isActive('italic'),
        heading: editor.isActive('heading'),
        bulletList: editor.isActive('bulletList'),
        orderedList: editor.isActive('orderedList'),
        link: editor.isActive('link'),
      },
      canUndo: editor.can().undo(),
      canRedo: editor.can().redo(),
      href: String(editor.getAttributes('link').href ?? ''),
    })
  const editor = new Editor({
    element: parent,
    extensions: [
      StarterKit.configure({
        heading: { levels: [2, 3] },
        // no empty paragraph added after a last heading or list: the stored HTML stays as typed
        trailingNode: false,
        link: { openOnClick: false, autolink: true, defaultProtocol: 'https' },
      }),
    ],
    content: opts.value,
    editorProps: { attributes: attributes(aria) },
    onCreate: ({ editor }) => report(editor),
    onTransaction: ({ editor }) => report(editor),
    onUpdate: ({ editor }) => opts.onchange(htmlOf(editor)),
  })
  return {
    setValue(html) {
      if (html === htmlOf(editor)) return
      editor.commands.setContent(html, { emitUpdate: false })
    },
    setInvalid(invalid, describedBy) {
      if (invalid === aria.invalid && describedBy === aria.describedBy) return
      aria = { ...aria, invalid, describedBy }
      editor.setOptions({ editorProps: { attributes: attributes(aria) } })
    },
    run(command) {
      const chain = editor.chain().focus()
      switch (command) {
        case 'bold':
          chain.toggleBold().run()
          break
        case 'italic':
          chain.toggleItalic().run()
          break
        case 'heading':
          chain.toggleHeading({ level: 2 }).run()
          break
        case 'bulletList':
          chain.toggleBulletList().run()
          break
        case 'orderedList':
          chain.toggleOrderedList().run()
          break
        case 'undo':
          chain.undo().run()
          break
        case 'redo':
          chain.redo().run()
          break
      }
    },
    setLink(href) {
      const url = href.trim()
      const chain = editor.chain().focus().extendMarkRange('link')
      if (url === '') chain.unsetLink().run()
      else if (editor.state.selection.empty && !editor.isActive('link'))
        // nothing selected: the address itself becomes the link's text
        chain
          .insertContent({
            type: 'text',
            text: url,
            marks: [{ type: 'link', attrs: { href: url } }],
          })
          .run()
      else chain.setLink({ href: url }).run()
    },
    focus: () => editor.commands.focus(),
    destroy: () => editor.destroy(),
  }
}
