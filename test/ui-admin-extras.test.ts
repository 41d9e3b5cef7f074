// Dashboard chores in Chromium: a log entry copied as JSON (what the logs API holds for it),
// and superusers managed as the `_superusers` records: one created (who can then sign in)
// and deleted again; the exported collections copied and downloaded.
import { readFile } from 'node:fs/promises'
import { describe, expect, test } from 'vitest'
import { screenshot, useDashboardSession } from '../src/tests/browser.ts'
import { client } from '../src/tests/sdk.ts'

const ui = useDashboardSession()

describe('dashboard chores', () => {
  test('a log entry in detail copies as its JSON', async () => {
    const page = ui.page
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: ui.server.url,
    })
    expect((await fetch(`${ui.server.url}/api/collections/copy_me_missing/records`)).status).toBe(
      404,
    )
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Logs' })
      .click()
    await page.getByRole('heading', { name: 'Logs', level: 1 }).waitFor()
    // request logs are written in batches: refresh until that one shows
    const entry = page.getByRole('button', { name: /copy_me_missing/ }).first()
    await expect
      .poll(
        async () => {
          if (await entry.isVisible()) return true
          await page.getByRole('button', { name: 'Refresh' }).click()
          return false
        },
        { timeout: 15_000, interval: 300 },
      )
      .toBe(true)
    await entry.click()
    const detail = page.getByRole('dialog', { name: 'Log entry' })
    await detail.getByRole('button', { name: 'Copy JSON' }).click()
    await detail.getByRole('status').getByText('Log entry copied.').waitFor()
    const copied = JSON.parse(await page.evaluate(() => navigator.clipboard.readText()))
    const pb = await ui.sdk()
    expect(copied).toEqual(JSON.parse(JSON.stringify(await pb.logs.getOne(copied.id))))
    expect(copied.data.url).toContain('copy_me_missing')
    await screenshot(page, 'log-copied', { phone: false })
    await detail.getByRole('button', { name: 'Close' }).click()
    expect(ui.browser.problems()).toEqual([])
  })

  test('a superuser created in _superusers signs in; deleted, it no longer can', async () => {
    const page = ui.page
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Collections' })
      .click()
    await page
      .getByRole('navigation', { name: 'Collections' })
      .getByRole('link', { name: /^_superusers\b/ })
      .click()
    await page.getByRole('heading', { name: '_superusers', level: 1 }).waitFor()
    await page.getByRole('button', { name: 'New record' }).click()
    const create = page.getByRole('dialog', { name: 'New _superusers record' })
    await create.getByLabel('email', { exact: true }).fill('second-admin@example.com')
    await create.getByLabel('Password', { exact: true }).fill('second-admin-pass')
    await create.getByLabel('Confirm password').fill('second-admin-pass')
    await create.getByRole('button', { name: 'Create record' }).click()
    await expect.poll(() => create.count()).toBe(0)
    await page.getByRole('cell', { name: 'second-admin@example.com' }).waitFor()
    const second = client(ui.server.url)
    const auth = await second
      .collection('_superusers')
      .authWithPassword('second-admin@example.com', 'second-admin-pass')
    await screenshot(page, 'superusers', { phone: false })

    await page.getByRole('button', { name: `Open record ${auth.record.id}` }).click()
    const edit = page.getByRole('dialog', { name: 'Edit _superusers record' })
    await edit.getByRole('button', { name: 'Delete record' }).click()
    await page
      .getByRole('dialog', { name: 'Delete this record?' })
      .getByRole('button', { name: 'Delete' })
      .click()
    await expect.poll(() => edit.count()).toBe(0)
    await expect
      .poll(() => page.getByRole('cell', { name: 'second-admin@example.com' }).count())
      .toBe(0)
    await expect(
      client(ui.server.url)
        .collection('_superusers')
        .authWithPassword('second-admin@example.com', 'second-admin-pass'),
    ).rejects.toMatchObject({ status: 400 })
    expect(ui.browser.problems()).toEqual([])
  })

  test('exported collections: Copy JSON and Download JSON give the same schema', async () => {
    const page = ui.page
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Settings' })
      .click()
    await page
      .getByRole('navigation', { name: 'Settings sections' })
      .getByRole('link', { name: 'Import/export' })
      .click()
    await page.getByRole('button', { name: 'Export collections' }).click()
    await page.getByRole('button', { name: 'Copy JSON' }).click()
    await page.getByRole('status').getByText('Copied.').waitFor()
    const copied = JSON.parse(await page.evaluate(() => navigator.clipboard.readText())) as {
      name: string
    }[]
    const pb = await ui.sdk()
    const names = (await pb.collections.getFullList()).map((c) => c.name).sort()
    expect(copied.map((c) => c.name).sort()).toEqual(names)

    const download = page.waitForEvent('download')
    await page.getByRole('button', { name: 'Download JSON' }).click()
    const file = await download
    expect(file.suggestedFilename()).toBe('pb_schema.json')
    const saved = JSON.parse(await readFile((await file.path())!, 'utf8'))
    expect(saved).toEqual(copied)
    expect(ui.browser.problems()).toEqual([])
  })
})
