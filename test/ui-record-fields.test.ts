// The record editor's richer fields in Chromium: an editor field formatted through the
// rich-text toolbar (stored as HTML), a date picked and cleared (stored in UTC, '' when
// cleared), autodate read-only, files dropped on a file field's drop zone (with previews and
// the server's thumbnails); and Back with unsaved changes in the record and collection
// editors asks first and keeps the user on the page when they cancel (Back without changes
// closes the record editor).
import type { Locator } from 'playwright-core'
import sharp from 'sharp'
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
        { name: 'body', type: 'editor', required: true },
        { name: 'due', type: 'date' },
        { name: 'created', type: 'autodate', onCreate: true, onUpdate: false },
      ],
    })
    await pb.collections.create({ name: 'notes', fields: [{ name: 'text', type: 'text' }] })
    await pb.collections.create({
      name: 'gallery',
      fields: [
        { name: 'title', type: 'text' },
        {
          name: 'pictures',
          type: 'file',
          maxSelect: 3,
          maxSize: 1_000_000,
          mimeTypes: ['image/png', 'text/plain'],
        },
      ],
    })
    const existing = await pb.collection('articles').create({
      title: 'Kept',
      body: '<p>Already <em>here</em></p>',
      due: '2024-01-02 03:04:05.250Z',
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
    // the server's message for the empty rich text shows on it
    await editor.getByRole('button', { name: 'Create record' }).click()
    await editor.getByText('Cannot be blank.').waitFor()
    expect(await body.getAttribute('aria-invalid')).toBe('true')
    expect(await body.getAttribute('aria-describedby')).toBe(
      await editor.getByText('Cannot be blank.').getAttribute('id'),
    )
    // the toolbar is one Tab stop; arrows move along its enabled buttons
    const focused = (l: Locator) => l.evaluate((el) => el === document.activeElement)
    await editor.getByLabel('title').press('Tab')
    await expect.poll(() => focused(bold)).toBe(true)
    await bold.press('ArrowRight')
    expect(await focused(tools.getByRole('button', { name: 'Italic' }))).toBe(true)
    await ui.page.keyboard.press('End')
    expect(await focused(tools.getByRole('button', { name: 'Link' }))).toBe(true)
    await ui.page.keyboard.press('Tab')
    expect(await focused(body)).toBe(true)
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
    // the picker holds the stored milliseconds too (Chromium drops the trailing zero)
    expect(await edit.getByLabel('due').inputValue()).toBe('2024-01-02T03:04:05.25')
    // Back closes the editor (it is `?record=ID` in the URL), staying on the collection
    await page.goBack()
    await expect.poll(() => edit.count()).toBe(0)
    expect(new URL(page.url()).search).toBe('')
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
    expect(new URL(page.url()).searchParams.get('record')).toBe(existingId)
    expect(await edit.getByLabel('title').inputValue()).toBe('Changed, not saved')

    // closing the editor asks too; keeping on editing keeps the text
    await edit.getByRole('button', { name: 'Cancel' }).click()
    const discard = page.getByRole('dialog', { name: 'Discard your changes?' })
    await discard.getByRole('button', { name: 'Cancel' }).click()
    expect(await edit.getByLabel('title').inputValue()).toBe('Changed, not saved')

    // Back again, and leave: the records list, nothing saved; Back once more: the previous page
    await page.goBack()
    await ask.getByRole('button', { name: 'Leave without saving' }).click()
    await expect.poll(() => edit.count()).toBe(0)
    expect(new URL(page.url()).search).toBe('')
    await page.goBack()
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
    await expect.poll(() => coll.count()).toBe(0)
    expect((await pb.collections.getOne('articles')).name).toBe('articles')
    expect(ui.browser.problems()).toEqual([])
  })

  test('files dropped on the drop zone are added (refused types said), previewed, stored', async () => {
    const page = ui.page
    await openCollection('gallery')
    await page.getByRole('button', { name: 'New record' }).click()
    const editor = page.getByRole('dialog', { name: 'New gallery record' })
    await editor.getByLabel('title').fill('Dropped')
    const png = await sharp({
      create: { width: 40, height: 30, channels: 3, background: { r: 15, g: 118, b: 110 } },
    })
      .png()
      .toBuffer()
    // what Chromium hands a page when files are dragged in from the desktop
    const files = await page.evaluateHandle(
      (bytes) => {
        const dt = new DataTransfer()
        dt.items.add(new File([new Uint8Array(bytes)], 'pixel.png', { type: 'image/png' }))
        dt.items.add(new File(['MZ'], 'tool.exe', { type: 'application/x-msdownload' }))
        return dt
      },
      [...png],
    )
    // dragged over the picker (inside the zone): the zone says what a drop does
    const picker = editor.getByLabel('pictures')
    await editor.getByText('Drop files here, or choose:').waitFor()
    await picker.dispatchEvent('dragenter', { dataTransfer: files })
    await picker.dispatchEvent('dragover', { dataTransfer: files })
    await editor.getByText('Drop to add the files').waitFor()
    await screenshot(page, 'record-file-drop')
    await picker.dispatchEvent('drop', { dataTransfer: files })
    await editor.getByText('Not added (not an accepted type): tool.exe').waitFor()
    await editor.getByRole('button', { name: 'Remove file pixel.png' }).waitFor()
    expect(await editor.getByText('Drop files here, or choose:').count()).toBe(1)
    // the new image's preview is drawn from the dropped bytes
    const preview = editor.getByRole('listitem').filter({ hasText: 'pixel.png' }).locator('img')
    await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(40)
    expect(await unnamedControls(page)).toEqual([])
    await editor.getByRole('button', { name: 'Create record' }).click()
    await expect.poll(() => editor.count()).toBe(0)

    const pb = await ui.sdk()
    const saved = await pb.collection('gallery').getFirstListItem('title = "Dropped"')
    expect(saved.pictures).toHaveLength(1)
    expect(saved.pictures[0]).toMatch(/^pixel_\w+\.png$/)
    // reopened: the stored image shows the server's 100x100 thumbnail
    await page.getByRole('button', { name: `Open record ${saved.id}` }).click()
    const edit = page.getByRole('dialog', { name: 'Edit gallery record' })
    const thumb = edit.getByRole('listitem').filter({ hasText: saved.pictures[0] }).locator('img')
    await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(100)
    await screenshot(page, 'record-file-thumbs')
    await edit.getByRole('button', { name: 'Close' }).click()
    await expect.poll(() => edit.count()).toBe(0)
    expect(ui.browser.problems()).toEqual([])
  })
})
