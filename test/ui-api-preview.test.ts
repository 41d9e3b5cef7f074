// The dashboard's API preview in Chromium: a collection's endpoints generated from its real
// fields and rules, opened from the records page, with the response example and snippets shown
// as the server would answer (hidden fields left out, rules as access).
import { describe, expect, test } from 'vitest'
import { screenshot, unnamedControls, useDashboardSession } from '../src/tests/browser.ts'

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
})
