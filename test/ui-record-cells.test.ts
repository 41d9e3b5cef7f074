// The records table's file cells in Chromium: a record's images show as the server's 100x100
// thumbnails (named by their file names), other files by name, and a protected field's
// files by name only (their thumbnails would need a file token); a related record, shown by
// its presentable field, opens in its own collection's editor.
import sharp from 'sharp'
import { describe, expect, test } from 'vitest'
import { screenshot, useDashboardSession } from '../src/tests/browser.ts'

let albumId = ''
let photo = { id: '', picture: [] as string[], secret: '' }

const ui = useDashboardSession({
  seed: async ({ sdk }) => {
    const pb = await sdk()
    const albums = await pb.collections.create({
      name: 'albums',
      fields: [{ name: 'name', type: 'text', presentable: true }],
    })
    albumId = (await pb.collection('albums').create({ name: 'Holiday' })).id
    await pb.collections.create({
      name: 'photos',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'album', type: 'relation', collectionId: albums.id, maxSelect: 1 },
        { name: 'picture', type: 'file', maxSelect: 3, maxSize: 1_000_000 },
        { name: 'secret', type: 'file', maxSelect: 1, maxSize: 1_000_000, protected: true },
      ],
    })
    const png = await sharp({
      create: { width: 300, height: 200, channels: 3, background: { r: 200, g: 60, b: 40 } },
    })
      .png()
      .toBuffer()
    const body = new FormData()
    body.append('title', 'Sunset')
    body.append('album', albumId)
    body.append('picture', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'sunset.png')
    body.append('picture', new Blob(['notes'], { type: 'text/plain' }), 'notes.txt')
    body.append('secret', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'hidden.png')
    const made = await pb.collection('photos').create(body)
    photo = { id: made.id, picture: made.picture, secret: made.secret }
  },
})

describe('records table cells', () => {
  test('images as the server thumbnails, other and protected files by name', async () => {
    const page = ui.page
    await page
      .getByRole('navigation', { name: 'Collections' })
      .getByRole('link', { name: /^photos\b/ })
      .click()
    await page.getByRole('heading', { name: 'photos', level: 1 }).waitFor()
    const [image, text] = photo.picture
    const row = page.getByRole('row').filter({ hasText: 'Sunset' })
    const thumb = row.getByRole('img', { name: image })
    // loaded from the server, as its 100x100 thumbnail (not the 300x200 original)
    await expect
      .poll(() => thumb.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]))
      .toEqual([100, 100])
    await row.getByText(text!, { exact: true }).waitFor()
    await row.getByRole('cell', { name: photo.secret, exact: true }).waitFor()
    expect(await row.getByRole('img').count()).toBe(1)
    await screenshot(page, 'records-file-cells')
    expect(ui.browser.problems()).toEqual([])
  })

  test("a relation cell's related record opens in its own collection; Back returns", async () => {
    const page = ui.page
    const row = page.getByRole('row').filter({ hasText: 'Sunset' })
    await row.getByRole('link', { name: 'Holiday' }).click()
    const edit = page.getByRole('dialog', { name: 'Edit albums record' })
    expect(await edit.getByLabel('name').inputValue()).toBe('Holiday')
    const url = new URL(page.url())
    expect([url.pathname, url.searchParams.get('record')]).toEqual([
      '/_/collections/albums',
      albumId,
    ])
    await edit.getByLabel('name').fill('Holiday 2026')
    await edit.getByRole('button', { name: 'Save changes' }).click()
    await expect.poll(() => edit.count()).toBe(0)
    const pb = await ui.sdk()
    expect((await pb.collection('albums').getOne(albumId)).name).toBe('Holiday 2026')
    await page.goBack()
    await page.getByRole('heading', { name: 'photos', level: 1 }).waitFor()
    await row.getByRole('link', { name: 'Holiday 2026' }).waitFor()
    expect(ui.browser.problems()).toEqual([])
  })
})
