import type PocketBase from 'pocketbase'
import sharp from 'sharp'
import { expect } from 'vitest'

/**
 * Creates a `pics` collection with an 8x6 thumb size, uploads a 40x30 PNG through `su` (a
 * signed-in superuser client) and asserts the server's `?thumb=8x6` answer is an 8x6 PNG made by
 * its own sharp/libvips (the bundle and the single executable carry their copies).
 */
export async function expectThumbnail(su: PocketBase): Promise<void> {
  await su.collections.create({
    name: 'pics',
    type: 'base',
    viewRule: '',
    fields: [{ name: 'img', type: 'file', maxSelect: 1, thumbs: ['8x6'] }],
  })
  const png = await sharp({
    create: { width: 40, height: 30, channels: 3, background: { r: 9, g: 99, b: 199 } },
  })
    .png()
    .toBuffer()
  const form = new FormData()
  form.append('img', new Blob([new Uint8Array(png)]), 'pic.png')
  const rec = await su.collection('pics').create(form)
  const res = await fetch(su.files.getURL(rec, rec.img, { thumb: '8x6' }))
  expect(res.status).toBe(200)
  const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata()
  expect([meta.format, meta.width, meta.height]).toEqual(['png', 8, 6])
}
