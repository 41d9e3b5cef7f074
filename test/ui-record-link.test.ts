// The record editor is part of the URL in Chromium: opening a record adds `?record=ID` (Back
// closes the editor, Forward opens it again), a pasted link opens that record's editor, a
// link to a missing record says so, and "New record" is `?record=new`. An open record copies
// as JSON (and its id alone), and "Duplicate" starts a new record from its values.
import { describe, expect, test } from 'vitest'
import { screenshot, useDashboardSession } from '../src/tests/browser.ts'

const ids: string[] = []

const ui = useDashboardSession({
  seed: async ({ sdk }) => {
    const pb = await sdk()
    await pb.collections.create({ name: 'tasks', fields: [{ name: 'title', type: 'text' }] })
    for (const title of ['First task', 'Second task']) {
      ids.push((await pb.collection('tasks').create({ title })).id)
    }
  },
})

function location(): { path: string; record: string | null } {
  const url = new URL(ui.page.url())
  return { path: url.pathname, record: url.searchParams.get('record') }
}

describe('record editor links', () => {
  test('opening adds ?record= to the URL; Back closes, Forward reopens', async () => {
    const page = ui.page
    await page
      .getByRole('navigation', { name: 'Collections' })
      .getByRole('link', { name: /^tasks\b/ })
      .click()
    await page.getByRole('heading', { name: 'tasks', level: 1 }).waitFor()
    const [first] = ids
    await page.getByRole('button', { name: `Open record ${first}` }).click()
    const edit = page.getByRole('dialog', { name: 'Edit tasks record' })
    expect(await edit.getByLabel('title').inputValue()).toBe('First task')
    expect(location()).toEqual({ path: '/_/collections/tasks', record: first })

    await page.goBack()
    await expect.poll(() => edit.count()).toBe(0)
    expect(location()).toEqual({ path: '/_/collections/tasks', record: null })
    await page.getByRole('heading', { name: 'tasks', level: 1 }).waitFor()

    await page.goForward()
    expect(await edit.getByLabel('title').inputValue()).toBe('First task')
    // Cancel goes back to the list's entry, so Back from there leaves the collection
    await edit.getByRole('button', { name: 'Cancel' }).click()
    await expect.poll(() => edit.count()).toBe(0)
    expect(location()).toEqual({ path: '/_/collections/tasks', record: null })
    expect(ui.browser.problems()).toEqual([])
  })

  test('a pasted link opens that record; saving closes it and the server holds the change', async () => {
    const page = ui.page
    const second = ids[1]!
    await page.goto(`${ui.server.url}/_/collections/tasks?record=${second}`)
    const edit = page.getByRole('dialog', { name: 'Edit tasks record' })
    expect(await edit.getByLabel('title').inputValue()).toBe('Second task')
    await screenshot(page, 'record-link')
    await edit.getByLabel('title').fill('Second task, edited')
    await edit.getByRole('button', { name: 'Save changes' }).click()
    await expect.poll(() => edit.count()).toBe(0)
    expect(location()).toEqual({ path: '/_/collections/tasks', record: null })
    const pb = await ui.sdk()
    expect((await pb.collection('tasks').getOne(second)).title).toBe('Second task, edited')
    await page.getByRole('cell', { name: 'Second task, edited' }).waitFor()
    expect(ui.browser.problems()).toEqual([])
  })

  test('a link to a missing record says so; New record is ?record=new', async () => {
    const page = ui.page
    await page.goto(`${ui.server.url}/_/collections/tasks?record=nosuchrecord123`)
    await page.getByRole('alert').getByText('Record nosuchrecord123 could not be opened').waitFor()
    expect(location()).toEqual({ path: '/_/collections/tasks', record: null })
    expect(await page.getByRole('dialog').count()).toBe(0)

    await page.getByRole('button', { name: 'New record' }).click()
    const create = page.getByRole('dialog', { name: 'New tasks record' })
    await create.getByLabel('title').fill('Third task')
    expect(location().record).toBe('new')
    await create.getByRole('button', { name: 'Create record' }).click()
    await expect.poll(() => create.count()).toBe(0)
    expect(location().record).toBe(null)
    const pb = await ui.sdk()
    const made = await pb.collection('tasks').getFullList({ filter: 'title = "Third task"' })
    expect(made).toHaveLength(1)
    await screenshot(page, 'record-link-created')
    expect(ui.browser.problems()).toEqual([])
  })

  test('Copy JSON gives the stored record; Duplicate opens a new one with its values', async () => {
    const page = ui.page
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: ui.server.url,
    })
    const first = ids[0]!
    await page.getByRole('button', { name: `Open record ${first}` }).click()
    const edit = page.getByRole('dialog', { name: 'Edit tasks record' })
    await edit.getByRole('button', { name: 'Copy JSON' }).click()
    await edit.getByRole('status').getByText('Record JSON copied.').waitFor()
    const copied = JSON.parse(await page.evaluate(() => navigator.clipboard.readText()))
    const pb = await ui.sdk()
    const stored = await pb.collection('tasks').getOne(first)
    expect(copied).toEqual(JSON.parse(JSON.stringify(stored)))
    await edit.getByRole('button', { name: 'Copy id' }).click()
    await edit.getByRole('status').getByText('Id copied.').waitFor()
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(first)

    // a changed form must be saved or discarded before duplicating
    await edit.getByLabel('title').fill('First task?')
    expect(await edit.getByRole('button', { name: 'Duplicate' }).isDisabled()).toBe(true)
    await edit.getByLabel('title').fill('First task')
    await edit.getByRole('button', { name: 'Duplicate' }).click()
    const create = page.getByRole('dialog', { name: 'New tasks record' })
    expect(await create.getByLabel('title').inputValue()).toBe('First task')
    expect(location().record).toBe('new')
    await create.getByLabel('title').fill('First task, copy')
    await screenshot(page, 'record-duplicate')
    await create.getByRole('button', { name: 'Create record' }).click()
    await expect.poll(() => create.count()).toBe(0)
    expect(location().record).toBe(null)
    const copies = await pb
      .collection('tasks')
      .getFullList({ filter: 'title = "First task, copy"' })
    expect(copies).toHaveLength(1)
    expect(copies[0]!.id).not.toBe(first)
    expect((await pb.collection('tasks').getOne(first)).title).toBe('First task')
    expect(ui.browser.problems()).toEqual([])
  })
})
