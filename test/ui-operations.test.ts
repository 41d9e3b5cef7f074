// The dashboard's operations pages in Chromium: logs (requests chart, filter, an entry's
// details), collections import/export, and backups (create, download, delete) — each checked
// against what the server then holds.
import { describe, expect, test } from 'vitest'
import { screenshot, useDashboardSession } from '../src/tests/browser.ts'

// NOTE: --automigrate=false: with it on, the collection made after the snapshot also gets a
// pb_migrations file, which the restarted server applies again over the restored data, as
// PocketBase does; this file tests the restore of pb_data alone.
const ui = useDashboardSession({ args: ['--workers=1', '--automigrate=false'] })

function section(name: string) {
  return ui.page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name })
}

describe('dashboard operations', () => {
  test('logs: requests chart, status facet and filter, an entry in detail', async () => {
    // a failing request to find again among the logs
    const missing = await fetch(`${ui.server.url}/api/collections/nope_missing/records`)
    expect(missing.status).toBe(404)
    await section('Logs').click()
    await ui.page.getByRole('heading', { name: 'Logs', level: 1 }).waitFor()
    await ui.page.getByLabel('Status').selectOption({ label: '4xx client error' })
    await ui.page.getByLabel('Filter logs').fill('data.url ~ "nope"')
    await ui.page.getByLabel('Filter logs').press('Enter')
    // request logs are written in batches: refresh until that one shows
    const entry = ui.page.getByRole('button', { name: /nope_missing/ }).first()
    await expect
      .poll(
        async () => {
          if (await entry.isVisible()) return true
          await ui.page.getByRole('button', { name: 'Refresh' }).click()
          return false
        },
        { timeout: 15_000, interval: 300 },
      )
      .toBe(true)
    await ui.page.getByRole('img', { name: /Requests per hour: [1-9]\d* in total/ }).waitFor()
    const statuses = await ui.page.getByRole('row').allTextContents()
    expect(statuses.slice(1).every((row) => /(?<!\d)4\d\d(?!\d)/.test(row))).toBe(true)
    await screenshot(ui.page, 'logs')

    await entry.click()
    const detail = ui.page.getByRole('dialog', { name: 'Log entry' })
    await detail.getByText(/"status": 404/).waitFor()
    await detail.getByRole('button', { name: 'Close' }).click()
  })

  test('collections: export as JSON, import after a preview', async () => {
    await section('Settings').click()
    await ui.page
      .getByRole('navigation', { name: 'Settings sections' })
      .getByRole('link', { name: 'Import/export' })
      .click()
    await ui.page.getByRole('button', { name: 'Export collections' }).click()
    const exported = JSON.parse(await ui.page.getByLabel('Exported collections').inputValue()) as {
      name: string
    }[]
    expect(exported.map((c) => c.name)).toContain('users')

    const incoming = [
      ...exported,
      { name: 'imported_notes', type: 'base', fields: [{ name: 'body', type: 'text' }] },
    ]
    await ui.page.getByLabel('Collections to import (JSON)').fill(JSON.stringify(incoming))
    await ui.page.getByRole('button', { name: 'Review import' }).click()
    const preview = ui.page.getByRole('region', { name: 'Import preview' })
    await preview.getByText('Create:').waitFor()
    expect(await preview.textContent()).toMatch(/Create:\s*imported_notes/)
    expect(await preview.textContent()).toMatch(/Unchanged:.*users/)
    await screenshot(ui.page, 'settings-import')
    await preview.getByRole('button', { name: 'Import' }).click()
    await ui.page.getByRole('status').getByText('Collections imported.').waitFor()
    const saved = await (await ui.sdk()).collections.getOne('imported_notes')
    expect(saved.fields.map((f) => f.name)).toContain('body')
    await section('Collections').click()
    await ui.page
      .getByRole('navigation', { name: 'Collections' })
      .getByRole('link', { name: /^imported_notes\b/ })
      .waitFor()
  })

  test('backups: create, download, delete', async () => {
    await section('Backups').click()
    await ui.page.getByRole('heading', { name: 'Backups', level: 1 }).waitFor()
    await ui.page.getByText('No backups yet.').waitFor()
    await ui.page.getByLabel('Backup name (optional)').fill('before_change.zip')
    await ui.page.getByRole('button', { name: 'Create backup' }).click()
    const item = ui.page.getByRole('list', { name: 'Backups' }).getByRole('listitem', {
      name: 'before_change.zip',
    })
    await item.waitFor({ timeout: 20_000 })
    const pb = await ui.sdk()
    expect((await pb.backups.getFullList()).map((b) => b.key)).toEqual(['before_change.zip'])
    await screenshot(ui.page, 'backups')

    const download = ui.page.waitForEvent('download')
    await item.getByRole('button', { name: 'Download before_change.zip' }).click()
    expect((await download).suggestedFilename()).toBe('before_change.zip')

    await item.getByRole('button', { name: 'Delete before_change.zip' }).click()
    await ui.page
      .getByRole('dialog', { name: 'Delete before_change.zip?' })
      .getByRole('button', { name: 'Delete', exact: true })
      .click()
    await ui.page.getByText('No backups yet.').waitFor()
    expect(await pb.backups.getFullList()).toEqual([])
    expect(ui.browser.problems()).toEqual([])
  })

  test('backups: restore brings back the data as it was, after the server restarts', async () => {
    const pb = await ui.sdk()
    await section('Backups').click()
    await ui.page.getByLabel('Backup name (optional)').fill('snap.zip')
    await ui.page.getByRole('button', { name: 'Create backup' }).click()
    const item = ui.page
      .getByRole('list', { name: 'Backups' })
      .getByRole('listitem', { name: 'snap.zip' })
    await item.waitFor({ timeout: 20_000 })
    await pb.collections.create({ name: 'after_snap', fields: [{ name: 'x', type: 'text' }] })

    await item.getByRole('button', { name: 'Restore snap.zip' }).click()
    const confirm = ui.page.getByRole('dialog', { name: 'Restore snap.zip?' })
    const restore = confirm.getByRole('button', { name: 'Restore', exact: true })
    expect(await restore.isDisabled()).toBe(true)
    await confirm.getByLabel('Type the backup name to confirm').fill('snap.zip')
    await restore.click()
    await ui.page
      .getByRole('status')
      .getByText(/Restoring/)
      .waitFor()
    // the page reloads once the restarted server answers
    await ui.page.waitForEvent('load', { timeout: 60_000 })
    await ui.page.getByRole('heading', { name: 'Backups', level: 1 }).waitFor({ timeout: 20_000 })
    await expect
      .poll(
        () =>
          pb.collections.getOne('after_snap').then(
            () => 'there',
            (e: { status: number }) => e.status,
          ),
        {
          timeout: 20_000,
        },
      )
      .toBe(404)
    // connection errors while the server restarts are expected; nothing else is
    expect(ui.browser.problems().filter((p) => !/net::ERR_/.test(p))).toEqual([])
  })
})
