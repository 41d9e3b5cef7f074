// The record editor's richer fields in Chromium: an editor field formatted through the
// rich-text toolbar (stored as HTML), a date picked and cleared (stored in UTC, '' when
// cleared), autodate read-only; and Back with unsaved changes in the record and collection
// editors asks first and keeps the user on the page when they cancel.
import { describe, expect, test } from 'vitest'
import { screenshot, unnamedControls, useDashboardSession } from '../src/tests/browser.ts'

let existingId = ''

const ui = useDashboardSession({
  seed: async ({ sdk }) => {
    const pb = await sdk()
    await pb.collections.create({
      name: 'articles',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'body', type: 'editor' },
        { name: 'due', type: 'date' },
        { name: 'created', type: 'autodate', onCreate: true, onUpdate: false },
      ],
    })
    await pb.collections.create({ name: 'notes', fields: [{ name: 'text', type: 'text' }] })
    const existing = await pb.collection('articles').create({
      title: 'Kept',
      body: '<p>Already <em>here</em></p>',
      due: '2024-01-02 03:04:05.000Z',
    })
    existingId = existing.id
  },
})

async function openCollection(name: string): Promise<void> {
  await ui.page
    .getByRole('navigation', { name: 'Collections' })
    .getByRole('link', { name: new RegExp(`^${name}\\b`) })
    .click()
  await ui.page.getByRole('heading', { name, level: 1 }).waitFor()
}

describe('record editor fields', () => {
  test('rich text through the toolbar and a picked date are stored as HTML and UTC', async () => {
    await openCollection('articles')
    await ui.page.getByRole('button', { name: 'New record' }).click()
    const editor = ui.page.getByRole('dialog', { name: 'New articles record' })
    await editor.getByLabel('title').fill('Toolbar')

    const body = editor.getByRole('textbox', { name: 'body' })
    const tools = editor.getByRole('toolbar', { name: 'Formatting' })
    const bold = tools.getByRole('button', { name: 'Bold' })
    await body.click()
    await body.pressSequentially('Plain ')
    await bold.click()
    expect(await bold.getAttribute('aria-pressed')).toBe('true')
    await body.pressSequentially('strong')
    await bold.click()
    await body.pressSequentially(' again')
    expect(await bold.getAttribute('aria-pressed')).toBe('false')
    await body.press('Enter')
    await tools.getByRole('button', { name: 'Bulleted list' }).click()
    await body.pressSequentially('Point one')
    // Enter on an empty item leaves the list
    await body.press('Enter')
    await body.press('Enter')
    await tools.getByRole('button', { name: 'Link' }).click()
    await editor.getByLabel('Link address').fill('https://example.com/read')
    await editor.getByLabel('Link address').press('Enter')
    await body.getByRole('link', { name: 'https://example.com/read' }).waitFor()
    // a heading, undone and redone (typing close together is one undo step, so redo brings
    // back exactly what undo took), then toggled off again
    const heading = tools.getByRole('button', { name: 'Heading' })
    await heading.click()
    await body.getByRole('heading', { name: 'https://example.com/read' }).waitFor()
    await tools.getByRole('button', { name: 'Undo' }).click()
    await expect.poll(() => body.getByRole('heading').count()).toBe(0)
    await tools.getByRole('button', { name: 'Redo' }).click()
    await body.getByRole('heading', { name: 'https://example.com/read' }).click()
    await expect.poll(() => heading.getAttribute('aria-pressed')).toBe('true')
    await heading.click()
    await expect.poll(() => body.getByRole('heading').count()).toBe(0)

    // the date picker holds UTC and says what that is in the browser's zone
    const due = editor.getByLabel('due')
    await due.fill('2025-03-04T05:06:07')
    await editor.getByText(/^In your time zone \(.+\): .+$/).waitFor()
    expect(await editor.getByLabel('created').count()).toBe(0)
    await tools.getByRole('button', { name: 'Link' }).click()
    await editor.getByLabel('Link address').waitFor()
    expect(await unnamedControls(ui.page)).toEqual([])
    await tools.getByRole('button', { name: 'Link' }).click()
    await screenshot(ui.page, 'record-rich-text')
    await editor.getByRole('button', { name: 'Create record' }).click()
    await expect.poll(() => editor.count()).toBe(0)

    const pb = await ui.sdk()
    const saved = await pb.collection('articles').getFirstListItem('title = "Toolbar"')
    expect(saved.due).toBe('2025-03-04 05:06:07.000Z')
    expect(saved.body).toMatch(
      /^<p>Plain <strong>strong<\/strong> again<\/p><ul><li><p>Point one<\/p><\/li><\/ul><p><a [^>]*href="https:\/\/example\.com\/read"[^>]*>https:\/\/example\.com\/read<\/a><\/p>$/,
    )

    // edit: clear the date; the untouched rich text goes back exactly as it was stored
    await ui.page.getByRole('button', { name: `Open record ${saved.id}` }).click()
    const edit = ui.page.getByRole('dialog', { name: 'Edit articles record' })
    await edit.getByRole('textbox', { name: 'body' }).getByText('strong').waitFor()
    expect(await edit.getByLabel('created').isEditable()).toBe(false)
    expect(await edit.getByLabel('due').inputValue()).toBe('2025-03-04T05:06:07')
    await edit.getByRole('button', { name: 'Clear', exact: true }).click()
    await edit.getByText('No date').waitFor()
    await edit.getByRole('button', { name: 'Save changes' }).click()
    await expect.poll(() => edit.count()).toBe(0)
    const cleared = await pb.collection('articles').getOne(saved.id)
    expect(cleared.due).toBe('')
    expect(cleared.body).toBe(saved.body)
    expect(ui.browser.problems()).toEqual([])
  })

  test('Back with unsaved changes asks, and Cancel keeps the user on the page', async () => {
    const page = ui.page
    await openCollection('notes')
    await openCollection('articles')
    await page.getByRole('button', { name: `Open record ${existingId}` }).click()
    const edit = page.getByRole('dialog', { name: 'Edit articles record' })
    // opening and loading the rich text is no change: Back just goes back
    await edit.getByRole('textbox', { name: 'body' }).getByText('Already').waitFor()
    await page.goBack()
    await page.getByRole('heading', { name: 'notes', level: 1 }).waitFor()
    expect(await edit.count()).toBe(0)
    await page.goForward()
    await page.getByRole('heading', { name: 'articles', level: 1 }).waitFor()

    await page.getByRole('button', { name: `Open record ${existingId}` }).click()
    await edit.getByLabel('title').fill('Changed, not saved')
    await page.goBack()
    const ask = page.getByRole('dialog', { name: 'Leave with unsaved changes?' })
    await ask.waitFor()
    await screenshot(page, 'record-leave-prompt')
    await ask.getByRole('button', { name: 'Cancel' }).click()
    await expect.poll(() => ask.count()).toBe(0)
    expect(new URL(page.url()).pathname).toBe('/_/collections/articles')
    expect(await edit.getByLabel('title').inputValue()).toBe('Changed, not saved')

    // closing the editor asks too; keeping on editing keeps the text
    await edit.getByRole('button', { name: 'Cancel' }).click()
    const discard = page.getByRole('dialog', { name: 'Discard your changes?' })
    await discard.getByRole('button', { name: 'Cancel' }).click()
    expect(await edit.getByLabel('title').inputValue()).toBe('Changed, not saved')

    // Back again, and leave: the previous page, nothing saved
    await page.goBack()
    await ask.getByRole('button', { name: 'Leave without saving' }).click()
    await page.getByRole('heading', { name: 'notes', level: 1 }).waitFor()
    expect(new URL(page.url()).pathname).toBe('/_/collections/notes')
    expect(await edit.count()).toBe(0)
    const pb = await ui.sdk()
    expect((await pb.collection('articles').getOne(existingId)).title).toBe('Kept')

    // the collection editor: Back with a renamed collection asks, Cancel keeps the draft
    await page.goForward()
    await page.getByRole('heading', { name: 'articles', level: 1 }).waitFor()
    await page.getByRole('button', { name: 'Edit collection' }).click()
    const coll = page.getByRole('dialog', { name: 'Edit articles' })
    await coll.getByLabel('Name', { exact: true }).fill('articles_renamed')
    await page.goBack()
    await ask.getByRole('button', { name: 'Cancel' }).click()
    expect(new URL(page.url()).pathname).toBe('/_/collections/articles')
    expect(await coll.getByLabel('Name', { exact: true }).inputValue()).toBe('articles_renamed')
    await page.goBack()
    await ask.getByRole('button', { name: 'Leave without saving' }).click()
    await page.getByRole('heading', { name: 'notes', level: 1 }).waitFor()
    expect((await pb.collections.getOne('articles')).name).toBe('articles')
    expect(ui.browser.problems()).toEqual([])
  })
})
