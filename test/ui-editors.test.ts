// The dashboard's code editors in Chromium: an API rule typed with autocomplete (fields,
// relation paths, @request.*, @collection.*, modifiers), highlighted and saved; the records
// filter bar with autocomplete; the SQL console (results grid, writes, errors, history).
import type { Locator } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import { screenshot, useDashboardSession } from '../src/tests/browser.ts'

const ui = useDashboardSession({
  seed: async ({ sdk }) => {
    const pb = await sdk()
    const authors = await pb.collections.create({
      name: 'authors',
      fields: [{ name: 'name', type: 'text', presentable: true }],
    })
    await pb.collections.create({
      name: 'posts',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'author', type: 'relation', collectionId: authors.id, maxSelect: 1 },
        { name: 'tags', type: 'select', values: ['a', 'b', 'c'], maxSelect: 3 },
      ],
    })
    const ann = await pb.collection('authors').create({ name: 'Ann' })
    for (const title of ['Hello world', 'Second post', 'Hello again'])
      await pb.collection('posts').create({ title, author: ann.id })
  },
})

async function openCollection(name: string): Promise<void> {
  await ui.page
    .getByRole('navigation', { name: 'Collections' })
    .getByRole('link', { name: new RegExp(`^${name}\\b`) })
    .click()
  await ui.page.getByRole('heading', { name, level: 1 }).waitFor()
}

/** Types `text` key by key into `editor`, then waits for the suggestion `option` and takes it. */
async function typeAndPick(editor: Locator, text: string, option: string): Promise<void> {
  await editor.pressSequentially(text)
  const list = ui.page.getByRole('listbox')
  await list
    .getByRole('option')
    .filter({ has: ui.page.getByText(option, { exact: true }) })
    .waitFor()
  // the first suggestion is selected; Enter takes it
  expect(await list.getByRole('option', { selected: true }).textContent()).toMatch(
    new RegExp(`^${escapeRegExp(option)}`),
  )
  await editor.press('Enter')
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

describe('dashboard code editors', () => {
  test('an API rule typed with autocomplete, highlighted, saved', async () => {
    await openCollection('posts')
    await ui.page.getByRole('button', { name: 'Edit collection' }).click()
    const dialog = ui.page.getByRole('dialog', { name: 'Edit posts' })
    await dialog.getByRole('tab', { name: 'API rules' }).click()
    const panel = dialog.getByRole('tabpanel', { name: 'API rules' })
    await panel
      .getByRole('radiogroup', { name: 'Update rule: who may' })
      .getByLabel('Matching a rule')
      .check()
    const rule = panel.getByRole('textbox', { name: 'Update rule' })
    await rule.click()

    // a relation path: the field, then the related collection's fields
    await typeAndPick(rule, 'aut', 'author')
    await typeAndPick(rule, '.na', 'name')
    await rule.pressSequentially(' = "Ann" && ')
    // @request.body and its fields, then a modifier
    await typeAndPick(rule, '@req', '@request')
    await typeAndPick(rule, '.bo', 'body')
    await typeAndPick(rule, '.ti', 'title')
    await typeAndPick(rule, ':ch', 'changed')
    await rule.pressSequentially(' = false && ')
    // a list field's :length, and a macro
    await typeAndPick(rule, 'tags:le', 'length')
    await rule.pressSequentially(' < 3 && ')
    await typeAndPick(rule, '@collection.au', 'authors')
    await typeAndPick(rule, '.na', 'name')
    await rule.pressSequentially(' != "" && ')
    await typeAndPick(rule, '@todayS', '@todayStart')
    await rule.pressSequentially(' < @now')

    const expected =
      'author.name = "Ann" && @request.body.title:changed = false && tags:length < 3 && ' +
      '@collection.authors.name != "" && @todayStart < @now'
    expect(await rule.textContent()).toBe(expected)
    // highlighted: the string and the field name are drawn in different colours
    const colour = (l: Locator) => l.evaluate((el) => getComputedStyle(el).color)
    expect(await colour(rule.getByText('"Ann"'))).not.toBe(
      await colour(rule.getByText('false', { exact: true })),
    )
    // the quick check has nothing to say about it
    expect(await panel.getByText(/There is no field named/).count()).toBe(0)
    await screenshot(ui.page, 'rule-editor')

    // and the list rule opened to everyone ("")
    await panel
      .getByRole('radiogroup', { name: 'List/Search rule: who may' })
      .getByLabel('Everyone')
      .check()
    await panel.getByText('Anyone can do this, signed in or not.').waitFor()
    await dialog.getByRole('button', { name: 'Save changes' }).click()
    await expect.poll(() => dialog.count()).toBe(0)
    const saved = await (await ui.sdk()).collections.getOne('posts')
    expect(saved.updateRule).toBe(expected)
    expect(saved.listRule).toBe('')
    expect(saved.viewRule).toBeNull()

    // reopened: the rules show as saved
    await ui.page.getByRole('button', { name: 'Edit collection' }).click()
    await dialog.getByRole('tab', { name: 'API rules' }).click()
    expect(await panel.getByRole('textbox', { name: 'Update rule' }).textContent()).toBe(expected)
    expect(
      await panel
        .getByRole('radiogroup', { name: 'List/Search rule: who may' })
        .getByLabel('Everyone')
        .isChecked(),
    ).toBe(true)
    await dialog.getByRole('button', { name: 'Close' }).click()
    await expect.poll(() => dialog.count()).toBe(0)
    expect(ui.browser.problems()).toEqual([])
  })

  test('records filter bar: autocomplete, then Enter applies', async () => {
    await openCollection('posts')
    const bar = ui.page.getByRole('textbox', { name: 'Filter records' })
    await bar.click()
    await typeAndPick(bar, 'ti', 'title')
    await bar.pressSequentially(' ~ "Hello" && ')
    await typeAndPick(bar, 'author.n', 'name')
    await bar.pressSequentially(' = "Ann"')
    await bar.press('Enter')
    const pages = ui.page.getByRole('navigation', { name: 'Pages' })
    await pages.getByText('1–2 of 2').waitFor()
    await ui.page.getByRole('cell', { name: 'Hello world' }).waitFor()
    await ui.page.getByRole('cell', { name: 'Hello again' }).waitFor()
    expect(await ui.page.getByRole('cell', { name: 'Second post' }).count()).toBe(0)
    const filter = 'title ~ "Hello" && author.name = "Ann"'
    expect(await bar.textContent()).toBe(filter)
    const server = await (await ui.sdk()).collection('posts').getList(1, 10, { filter })
    expect(server.totalItems).toBe(2)
    await screenshot(ui.page, 'records-filter-autocomplete')
    expect(ui.browser.problems()).toEqual([])
  })

  test('SQL console: a results grid, a write, an error, the history', async () => {
    await ui.page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'SQL' })
      .click()
    await ui.page.getByRole('heading', { name: 'SQL console', level: 1 }).waitFor()
    const editor = ui.page.getByRole('textbox', { name: 'SQL query' })
    const run = ui.page.getByRole('button', { name: 'Run query' })

    // tables and columns of the collections are suggested
    await editor.click()
    await editor.pressSequentially('SELECT * FROM pos')
    await ui.page
      .getByRole('listbox')
      .getByRole('option')
      .filter({ has: ui.page.getByText('posts', { exact: true }) })
      .waitFor()
    await editor.fill('SELECT title, author IS NOT NULL AS linked FROM posts ORDER BY title')
    await run.click()
    const grid = ui.page.getByRole('table', { name: 'Query results' })
    await ui.page
      .getByRole('status')
      .getByText(/^3 rows · \d+ ms$/)
      .waitFor()
    expect(await grid.getByRole('columnheader').allTextContents()).toEqual(['titleTEXT', 'linked'])
    expect(await grid.getByRole('row').nth(1).getByRole('cell').allTextContents()).toEqual([
      'Hello again',
      '1',
    ])
    await screenshot(ui.page, 'sql-console')

    await editor.fill("UPDATE posts SET title = 'Renamed' WHERE title = 'Second post'")
    await run.click()
    await ui.page
      .getByRole('status')
      .getByText(/^1 row changed · \d+ ms$/)
      .waitFor()
    const pb = await ui.sdk()
    expect(
      (await pb.collection('posts').getList(1, 10, { filter: 'title = "Renamed"' })).totalItems,
    ).toBe(1)

    await editor.fill('SELECT * FROM nope')
    await run.click()
    await ui.page
      .getByRole('alert')
      .getByText(/no such table: nope/)
      .waitFor()
    expect(await editor.getAttribute('aria-invalid')).toBe('true')
    await screenshot(ui.page, 'sql-console-error', { phone: false })

    // the history survives a reload and puts a past query back in the editor
    await ui.page.reload()
    const history = ui.page.getByRole('list', { name: 'Recent queries' })
    await history.getByRole('button', { name: /^Use query: UPDATE posts/ }).waitFor()
    expect(await history.getByRole('listitem').count()).toBe(2) // the failed query is not kept
    await history.getByRole('button', { name: /^Use query: SELECT title/ }).click()
    await expect
      .poll(() => editor.textContent())
      .toBe('SELECT title, author IS NOT NULL AS linked FROM posts ORDER BY title')
    // Ctrl+Enter runs it
    await editor.press('Control+Enter')
    await grid.getByRole('cell', { name: 'Renamed' }).waitFor()
    expect(ui.browser.problems()).toEqual([])
  })
})
