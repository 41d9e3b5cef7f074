/** A command the page shown offers to the command palette. */
export interface PageCommand {
  readonly label: string
  readonly run: () => void
}

/**
 * The commands of the page shown (the records page's "New record", "Search records"…): the
 * page sets them while it is shown, the command palette lists them first.
 */
class PageCommands {
  list = $state<PageCommand[]>([])
}

/** The dashboard's page commands. */
export const pageCommands = new PageCommands()

/**
 * Whether a key press belongs to what has focus rather than to a page shortcut: typing in a
 * field or a code editor, with a modifier held, or while a dialog is open.
 */
export function typingOrModal(e: KeyboardEvent): boolean {
  if (e.ctrlKey || e.metaKey || e.altKey) return true
  const t = e.target as HTMLElement | null
  const field =
    'input:not([type="checkbox"]):not([type="radio"]):not([type="button"]), textarea, select, [contenteditable="true"]'
  if (t?.closest(field)) return true
  return document.querySelector('dialog[open]') !== null
}
