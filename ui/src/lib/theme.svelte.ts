/** The colour scheme the user picked; `system` follows `prefers-color-scheme`. */
export type ThemeChoice = 'system' | 'light' | 'dark'

const KEY = 'satchel.theme'

function stored(): ThemeChoice {
  const v = localStorage.getItem(KEY)
  return v === 'light' || v === 'dark' ? v : 'system'
}

const media = window.matchMedia('(prefers-color-scheme: dark)')

/** The theme state: the choice (persisted) and the scheme in effect. */
class Theme {
  choice = $state<ThemeChoice>(stored())
  systemDark = $state(media.matches)
  /** The scheme in effect now. */
  readonly dark = $derived(this.choice === 'system' ? this.systemDark : this.choice === 'dark')

  constructor() {
    media.addEventListener('change', (e) => {
      this.systemDark = e.matches
    })
  }

  /** Switches to the other scheme and remembers it. */
  toggle(): void {
    this.choice = this.dark ? 'light' : 'dark'
    localStorage.setItem(KEY, this.choice)
  }
}

/** The dashboard's theme; `App.svelte` mirrors `dark` onto `<html data-theme>`. */
export const theme = new Theme()
