// The dashboard's API preview in Chromium: a collection's endpoints generated from its real
// fields and rules, opened from the records page, with the response example and snippets shown
// as the server would answer (hidden fields left out, rules as access); the batch endpoint (off
// until turned on; its curl body accepted by the server as shown) and the file URL with its file
// token; the parameters table readable on a phone.
import { describe, expect, test } from 'vitest'
import { screenshot, unnamedControls, useDashboardSession } from '../src/tests/browser.ts'
import { client } from '../src/tests/sdk.ts'

const ui = useDashboardSession({
  seed: async ({ sdk }) => {
    const pb = await sdk()
    await pb.collections.create({
      name: 'posts',
      listRule: '',
      viewRule: '',
      createRule: null,
      fields: [
        { name: 'title', type: 'text', required: true },
        { name: 'secret', type: 'text', hidden: true },
        { name: 'status', type: 'select', values: ['draft', 'live'], maxSelect: 1 },
        { name: 'cover', type: 'file', maxSelect: 1, thumbs: ['0x300'] },
        { name: 'scan', type: 'file', maxSelect: 1, protected: true },
      ],
    })
  },
})

describe('dashboard API preview', () => {
  test('endpoints of a collection from its fields and rules, opened from its records', async () => {
    const { page } = ui
    await page
      .getByRole('navigation', { name: 'Collections' })
      .getByRole('link', { name: /^posts\b/ })
      .click()
    await page.getByRole('heading', { name: 'posts', level: 1 }).waitFor()
    await page.getByRole('link', { name: 'API preview' }).click()
    await page.getByRole('heading', { name: 'API preview: posts', level: 1 }).waitFor()

    const endpoints = page.getByRole('navigation', { name: 'Endpoints' })
    // the list endpoint is public (listRule ""): the response example has no hidden field
    const response = page.getByLabel('Response example')
    await response.waitFor()
    const listBody = JSON.parse((await response.textContent()) ?? '')
    expect(listBody).toMatchObject({ page: 1, perPage: expect.any(Number) })
    expect(Object.keys(listBody.items[0])).toContain('title')
    expect(Object.keys(listBody.items[0])).not.toContain('secret')
    // the same keys as the server's answer to a caller signed in as no one (the example sorts
    // them as PocketBase emits them; Satchel keeps the fields' order, which no SDK relies on)
    const pb = await ui.sdk()
    await pb.collection('posts').create({ title: 'real', secret: 's', status: 'live' })
    const real = await (await fetch(`${ui.server.url}/api/collections/posts/records`)).json()
    const keys = (o: object) => Object.keys(o).sort()
    expect(Object.keys(listBody)).toEqual(keys(real))
    expect(Object.keys(listBody.items[0])).toEqual(keys(real.items[0]))
    await pb.collection('posts').delete(real.items[0].id)
    await page
      .getByText(/anyone/i)
      .first()
      .waitFor()

    // create has a null rule: superusers only; its parameters list the select's values
    await endpoints.getByRole('link', { name: /POST/ }).first().click()
    await page
      .getByText(/superusers only/i)
      .first()
      .waitFor()
    await page.getByRole('table').getByText(/draft/).first().waitFor()
    // the id may be left out (generated); the required text field is marked so
    const row = (name: string) =>
      page
        .getByRole('table')
        .getByRole('row')
        .filter({ has: page.getByText(name, { exact: true }) })
    expect(await row('id').textContent()).not.toMatch(/required/)
    expect(await row('title').textContent()).toMatch(/title\s+required/)
    expect(await unnamedControls(page)).toEqual([])
    await screenshot(page, 'api-preview')
    expect(ui.browser.problems()).toEqual([])
  })

  test('batch: off by default, then its example runs as shown; file URL and file token', async () => {
    const { page } = ui
    const pb = await ui.sdk()
    const endpoints = page.getByRole('navigation', { name: 'Endpoints' })
    await endpoints.getByRole('link', { name: 'POST Batch' }).click()
    await page.getByRole('heading', { name: 'Batch', level: 2 }).waitFor()
    await page.getByText('Batch requests are turned off in the application settings').waitFor()

    await pb.settings.update({ batch: { enabled: true, maxRequests: 10, timeout: 5 } })
    await page.reload()
    await page.getByRole('heading', { name: 'Batch', level: 2 }).waitFor()
    await page.getByText(/Batch requests are turned on in Settings/).waitFor()
    // create, update and delete are unset: superusers only
    await page
      .getByText('Superusers only: the create, update and delete rules are not set.')
      .waitFor()
    await page.getByRole('table').getByText('at most 10 requests').waitFor()
    await screenshot(page, 'api-preview-batch')

    // the curl example's body, with real ids, is what the server takes
    const curl = (await page.getByLabel('curl', { exact: true }).textContent()) ?? ''
    const first = await pb.collection('posts').create({ title: 'first' })
    const third = await pb.collection('posts').create({ title: 'third' })
    const body = curl
      .split(" -d '")[1]!
      .replace(/'$/, '')
      .replaceAll('RECORD_ID', first.id)
      .replaceAll('OTHER_ID', 'upsertedrecord1')
      .replaceAll('THIRD_ID', third.id)
    const results = await pb.send<{ status: number }[]>('/api/batch', {
      method: 'POST',
      body: JSON.parse(body),
    })
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 204])
    expect((await pb.collection('posts').getOne('upsertedrecord1')).title).toBe('Example title')
    await expect(pb.collection('posts').getOne(third.id)).rejects.toMatchObject({ status: 404 })

    // files: the URL with thumb (the field's sizes), token and download; the token endpoint
    await endpoints.getByRole('link', { name: 'GET File URL' }).click()
    await page.getByRole('heading', { name: 'File URL', level: 2 }).waitFor()
    await page.getByText('/api/files/posts/{id}/{filename}').waitFor()
    // the view rule is empty: even the protected field is served without a token
    await page
      .getByText(/the view rule is empty, so even the protected scan needs no file token/)
      .waitFor()
    // as the server does
    const withScan = await pb.collection('posts').create({
      title: 'scanned',
      scan: new File(['scan'], 'scan.txt', { type: 'text/plain' }),
    })
    const served = await fetch(client(ui.server.url).files.getURL(withScan, withScan.scan))
    expect(served.status).toBe(200)
    const table = page.getByRole('table')
    for (const name of ['thumb', 'token', 'download'])
      await table.getByText(name, { exact: true }).waitFor()
    await table.getByText(/100x100, 0x300/).waitFor()
    await endpoints.getByRole('link', { name: 'POST File token' }).click()
    await page.getByRole('heading', { name: 'File token', level: 2 }).waitFor()
    const token = JSON.parse((await page.getByLabel('Response example').textContent()) ?? '')
    expect(Object.keys(token)).toEqual(['token'])
    expect(Object.keys(await pb.send('/api/files/token', { method: 'POST' }))).toEqual(['token'])
    expect(ui.browser.problems()).toEqual([])
  })

  test('an auth collection lists its sign-in methods as the server answers them', async () => {
    const { page } = ui
    await page.goto(`${ui.server.url}/_/collections/users/api/auth-methods`)
    await page.getByRole('heading', { name: 'List sign-in methods', level: 2 }).waitFor()
    const shown = JSON.parse((await page.getByLabel('Response example').textContent()) ?? '')
    const real = await client(ui.server.url).collection('users').listAuthMethods()
    expect(Object.keys(shown).sort()).toEqual(Object.keys(real).sort())
    expect(shown.password).toEqual(real.password)
    expect(shown.otp).toEqual(real.otp)
    expect(shown.mfa).toEqual(real.mfa)
    expect(shown.oauth2.enabled).toBe(real.oauth2.enabled)
    expect(ui.browser.problems()).toEqual([])
  })

  test('on a phone the parameters stack instead of scrolling sideways', async () => {
    const { page } = ui
    await page.goto(`${ui.server.url}/_/collections/posts/api`)
    await page
      .getByRole('navigation', { name: 'Endpoints' })
      .getByRole('link', { name: 'GET File URL' })
      .click()
    await page.getByRole('heading', { name: 'File URL', level: 2 }).waitFor()
    await page.setViewportSize({ width: 390, height: 844 })
    const table = page.getByRole('table')
    // still a table to assistive technology, every parameter a row
    expect(await table.getByRole('row').count()).toBe(6)
    const widths = await table.evaluate((t) => ({
      table: t.scrollWidth,
      wrap: t.parentElement!.clientWidth,
      page: document.documentElement.scrollWidth,
    }))
    expect(widths.table).toBeLessThanOrEqual(widths.wrap)
    const wide = await page.evaluate(() =>
      [...document.querySelectorAll('body *')]
        // the endpoints strip scrolls sideways on purpose, inside its own box
        .filter(
          (el) =>
            !el.closest('nav[aria-label="Endpoints"]') && el.getBoundingClientRect().right > 391,
        )
        .map((el) => `${el.tagName}.${el.className}`)
        .slice(0, 10),
    )
    expect(wide).toEqual([])
    expect(widths.page).toBeLessThanOrEqual(390)
    await screenshot(page, 'api-preview-files-phone', { desktop: false })
    await page.setViewportSize({ width: 1280, height: 800 })
    await screenshot(page, 'api-preview-files', { phone: false })
    expect(ui.browser.problems()).toEqual([])
  })
})
