// The dashboard from the keyboard, in Chromium: the command palette (Ctrl+K: go to a
// collection, new record, sections) and the records table's keys (/ search, j/k rows, x select,
// Enter open).
import { describe, expect, test } from 'vitest'
import { screenshot, useDashboardSession } from '../src/tests/browser.ts'

const ui = useDashboardSession({
  seed: async ({ sdk }) => {
    const pb = await sdk()
    await pb.collections.create({
      name: 'posts',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'created', type: 'autodate', onCreate: true },
      ],
    })
    for (const title of ['A', 'B', 'C']) await pb.collection('posts').create({ title })
  },
})

/** The accessible name of the focused element. */
const focused = () =>
  ui.page.evaluate(() => {
    const el = document.activeElement
    return el?.getAttribute('aria-label') ?? el?.textContent ?? ''
  })

describe('dashboard keyboard', () => {
  test('command palette: open a collection, create a record, go to a section', async () => {
    await ui.page.keyboard.press('Control+k')
    const palette = ui.page.getByRole('dialog', { name: 'Command palette' })
    const search = palette.getByRole('combobox', { name: 'Search commands' })
    await search.fill('open pos')
    await palette.getByRole('option', { name: 'Open posts', selected: true }).waitFor()
    await screenshot(ui.page, 'command-palette', { phone: false })
    await search.press('Enter')
    await ui.page.getByRole('heading', { name: 'posts', level: 1 }).waitFor()
    expect(await palette.count()).toBe(0)

    await ui.page.getByRole('button', { name: 'Command palette' }).click()
    await search.fill('new record')
    await palette.getByRole('option', { name: 'New record in posts', selected: true }).waitFor()
    await search.press('Enter')
    const editor = ui.page.getByRole('dialog', { name: 'New posts record' })
    await editor.getByLabel('title').fill('From the palette')
    await editor.getByRole('button', { name: 'Create record' }).click()
    await ui.page.getByRole('cell', { name: 'From the palette' }).waitFor()
    const pb = await ui.sdk()
    expect(
      (await pb.collection('posts').getList(1, 1, { filter: 'title = "From the palette"' }))
        .totalItems,
    ).toBe(1)

    // ↓ picks the next command
    await ui.page.keyboard.press('Control+k')
    await search.fill('go to')
    await palette.getByRole('option', { name: 'Go to Logs', selected: true }).waitFor()
    await search.press('ArrowDown')
    await palette.getByRole('option', { name: 'Go to Backups', selected: true }).waitFor()
    await search.fill('sql')
    await search.press('Enter')
    await ui.page.getByRole('heading', { name: 'SQL console', level: 1 }).waitFor()
    expect(ui.browser.problems()).toEqual([])
  })

  test('records keys: slash searches, j and k move between rows, x selects, Enter opens', async () => {
    await ui.page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Collections' })
      .click()
    await ui.page.getByRole('heading', { name: 'posts', level: 1 }).waitFor()
    await ui.page.getByRole('heading', { name: 'posts', level: 1 }).click()
    await ui.page.keyboard.press('/')
    await expect.poll(focused).toBe('Filter records')
    await ui.page.keyboard.type('title != "B"')
    await ui.page.keyboard.press('Enter')
    await ui.page.getByRole('navigation', { name: 'Pages' }).getByText('1–3 of 3').waitFor()

    await ui.page.getByRole('heading', { name: 'posts', level: 1 }).click()
    const rows = await pb()
    await ui.page.keyboard.press('j')
    await expect.poll(focused).toBe(`Open record ${rows[0]}`)
    await ui.page.keyboard.press('j')
    await ui.page.keyboard.press('j')
    await ui.page.keyboard.press('k')
    await expect.poll(focused).toBe(`Open record ${rows[1]}`)
    await ui.page.keyboard.press('x')
    await ui.page
      .getByRole('region', { name: 'Selected records' })
      .getByText('1 selected')
      .waitFor()
    expect(await ui.page.getByLabel(`Select record ${rows[1]}`).isChecked()).toBe(true)
    await screenshot(ui.page, 'records-keyboard', { phone: false })
    await ui.page.keyboard.press('Enter')
    await ui.page.getByRole('dialog', { name: 'Edit posts record' }).waitFor()
    await ui.page
      .getByRole('dialog', { name: 'Edit posts record' })
      .getByText(rows[1]!, { exact: true })
      .waitFor()
    expect(ui.browser.problems()).toEqual([])
  })
})

/** The ids the table shows for `title != "B"`, newest first (its default sort). */
async function pb(): Promise<string[]> {
  const client = await ui.sdk()
  const list = await client
    .collection('posts')
    .getList(1, 10, { filter: 'title != "B"', sort: '-created' })
  return list.items.map((r) => r.id)
}
