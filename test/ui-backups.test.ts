// The dashboard's backups page in Chromium, beyond create/download/delete/restore (in
// ui-operations): a backup's progress while it runs, upload, the auto-backup schedule (presets
// and a custom cron expression) with the number kept, running the auto-backup job from the Crons
// page, an S3 bucket for backups tested against s3rver, and a restore's progress — each
// checked on the server.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { screenshot, useDashboardSession } from '../src/tests/browser.ts'
import { startS3rver } from '../src/tests/s3-server.ts'

/** The file whose creation lets a held backup (named `slow_…`) go on. */
const release = (dir: string) => join(dir, '..', 'release-backup')
/** The same for a held restore. */
const releaseRestore = (dir: string) => join(dir, '..', 'release-restore')

/**
 * A hooks file holding every backup named `slow_…` until `release(dir)` exists, and every
 * restore of such a backup until `releaseRestore(dir)` exists (each ≤ 20 s).
 */
function writeGateHook(dir: string): void {
  const hooks = join(dir, '..', 'pb_hooks')
  mkdirSync(hooks, { recursive: true })
  writeFileSync(
    join(hooks, 'gate.pb.ts'),
    `import { existsSync } from 'node:fs'
async function hold(name, file) {
  if (!name.startsWith('slow_')) return
  const end = Date.now() + 20_000
  while (!existsSync(file) && Date.now() < end) await new Promise((r) => setTimeout(r, 50))
}
export function hooks(app) {
  app.onBackupCreate.bind(async (e) => {
    await hold(e.name, ${JSON.stringify(release(dir))})
    await e.next()
  })
  app.onBackupRestore.bind(async (e) => {
    await hold(e.name, ${JSON.stringify(releaseRestore(dir))})
    await e.next()
  })
}
`,
  )
}

const ui = useDashboardSession({ beforeStart: writeGateHook })

async function openBackups(): Promise<void> {
  await ui.page
    .getByRole('navigation', { name: 'Sections' })
    .getByRole('link', { name: 'Backups' })
    .click()
  await ui.page.getByRole('heading', { name: 'Backups', level: 1 }).waitFor()
}

describe('dashboard backups', () => {
  test('a backup shows its progress while it runs, then joins the list', async () => {
    const { page } = ui
    await openBackups()
    await page.getByLabel('Backup name (optional)').fill('slow_one.zip')
    await page.getByRole('button', { name: 'Create backup' }).click()
    await page.getByRole('status').getByText('Creating slow_one.zip… 0%').waitFor()
    await page.getByRole('progressbar', { name: 'Backup progress' }).waitFor()
    const health = await (await ui.sdk()).health.check()
    expect(health.data.canBackup).toBe(false)
    await screenshot(page, 'backups-progress', { phone: false })

    writeFileSync(release(ui.dir), '')
    await page
      .getByRole('list', { name: 'Backups' })
      .getByRole('listitem', { name: 'slow_one.zip' })
      .waitFor({ timeout: 20_000 })
    await expect.poll(() => page.getByRole('progressbar').count()).toBe(0)
    expect((await (await ui.sdk()).backups.getFullList()).map((b) => b.key)).toEqual([
      'slow_one.zip',
    ])
    expect(ui.browser.problems()).toEqual([])
  })

  test('upload: a downloaded backup comes back under its file name; a non-zip is refused', async () => {
    const { page } = ui
    const pb = await ui.sdk()
    const url = pb.backups.getDownloadURL(await pb.files.getToken(), 'slow_one.zip')
    const zip = Buffer.from(await (await fetch(url)).arrayBuffer())
    await openBackups()
    const input = page.getByLabel('Upload backup')
    await input.setInputFiles({ name: 'copy_of_one.zip', mimeType: 'application/zip', buffer: zip })
    await page
      .getByRole('list', { name: 'Backups' })
      .getByRole('listitem', { name: 'copy_of_one.zip' })
      .waitFor()
    const keys = (await pb.backups.getFullList()).map((b) => b.key).sort()
    expect(keys).toEqual(['copy_of_one.zip', 'slow_one.zip'])

    await input.setInputFiles({
      name: 'notes.zip',
      mimeType: 'application/zip',
      buffer: Buffer.from('not a zip at all'),
    })
    await page
      .getByRole('alert')
      .getByText(/mime type must be one of: application\/zip/)
      .waitFor()
    expect((await pb.backups.getFullList()).length).toBe(2)
    await screenshot(page, 'backups-upload')
    expect(ui.browser.problems()).toEqual([])
  })

  test('auto backups: a preset, a custom schedule (a bad one refused), run from Crons', async () => {
    const { page } = ui
    await openBackups()
    const panel = page.getByRole('form', { name: 'Backup settings' })
    await panel
      .getByLabel('Auto backups', { exact: true })
      .selectOption({ label: 'Every day at 03:00' })
    await panel.getByLabel('Auto backups to keep').fill('2')
    await panel.getByRole('button', { name: 'Save changes' }).click()
    await panel.getByRole('status').getByText('Saved.').waitFor()
    let s = await (await ui.sdk()).settings.getAll()
    expect(s.backups).toMatchObject({ cron: '0 3 * * *', cronMaxKeep: 2 })

    await panel
      .getByLabel('Auto backups', { exact: true })
      .selectOption({ label: 'Custom schedule…' })
    await panel.getByLabel('Cron expression').fill('every tuesday')
    await panel.getByRole('button', { name: 'Save changes' }).click()
    await panel.getByRole('alert').getByText('Some values need fixing.').waitFor()
    expect(await panel.getByLabel('Cron expression').getAttribute('aria-invalid')).toBe('true')
    await panel.getByLabel('Cron expression').fill('15 4 * * 1-5')
    await panel.getByRole('button', { name: 'Save changes' }).click()
    await panel.getByRole('status').getByText('Saved.').waitFor()
    s = await (await ui.sdk()).settings.getAll()
    expect(s.backups).toMatchObject({ cron: '15 4 * * 1-5', cronMaxKeep: 2 })
    await screenshot(page, 'backups-settings')

    // the server now schedules its auto-backup job; run it from the Crons page
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Settings' })
      .click()
    await page
      .getByRole('navigation', { name: 'Settings sections' })
      .getByRole('link', { name: 'Crons' })
      .click()
    const row = page.getByRole('row', { name: /__pbAutoBackup__/ })
    await row.getByText('15 4 * * 1-5').waitFor()
    await row.getByRole('button', { name: 'Run __pbAutoBackup__ now' }).click()
    await page.getByRole('status').getByText('Started __pbAutoBackup__.').waitFor()
    await expect
      .poll(async () => (await (await ui.sdk()).backups.getFullList()).map((b) => b.key).join(), {
        timeout: 20_000,
      })
      .toMatch(/@auto_pb_backup_\w+\.zip/)
    await openBackups()
    await page
      .getByRole('list', { name: 'Backups' })
      .getByRole('listitem', { name: /^@auto_pb_backup_/ })
      .waitFor()
    expect(ui.browser.problems()).toEqual([])
  })

  test('backups in S3: saved, connection tested, a new backup lands in the bucket', async () => {
    const { page } = ui
    const s3 = await startS3rver()
    try {
      await s3.createBucket('backups')
      await openBackups()
      const panel = page.getByRole('form', { name: 'Backup settings' })
      await panel.getByLabel('Store backups in an S3-compatible bucket').check()
      await panel.getByLabel('Endpoint', { exact: true }).fill(s3.endpoint)
      await panel.getByLabel('Bucket', { exact: true }).fill('backups')
      await panel.getByLabel('Region', { exact: true }).fill('us-east-1')
      await panel.getByLabel('Access key', { exact: true }).fill('S3RVER')
      await panel.getByLabel('Secret', { exact: true }).fill('S3RVER')
      await panel.getByLabel('Path-style addressing').check()
      await panel.getByRole('button', { name: 'Save changes' }).click()
      await panel.getByRole('status').getByText('Saved.').waitFor()
      expect((await (await ui.sdk()).settings.getAll()).backups.s3).toMatchObject({
        enabled: true,
        bucket: 'backups',
        endpoint: s3.endpoint,
      })
      await panel.getByRole('button', { name: 'Test connection' }).click()
      await panel
        .getByRole('status')
        .getByText(/^Connected/)
        .waitFor()

      // the list now shows the bucket's (empty) contents; a new backup goes there
      await page.reload()
      await page.getByText('No backups yet.').waitFor()
      await page.getByLabel('Backup name (optional)').fill('in_s3.zip')
      await page.getByRole('button', { name: 'Create backup' }).click()
      await page
        .getByRole('list', { name: 'Backups' })
        .getByRole('listitem', { name: 'in_s3.zip' })
        .waitFor({ timeout: 20_000 })
      expect(existsSync(join(ui.dir, 'backups', 'in_s3.zip'))).toBe(false)
      await screenshot(page, 'backups-s3')
      await (await ui.sdk()).settings.update({ backups: { s3: { enabled: false } } })
      expect(ui.browser.problems()).toEqual([])
    } finally {
      await s3.close()
    }
  })

  // last: the server restarts on the restored data
  test('restore shows its progress, then the page comes back on the restored data', async () => {
    const { page } = ui
    const pb = await ui.sdk()
    // the schedule set after slow_one.zip was made goes away with the restore
    expect((await pb.settings.getAll()).backups.cron).toBe('15 4 * * 1-5')
    await page.reload() // the list of the local backups again (the last test used S3)
    await openBackups()
    const item = page
      .getByRole('list', { name: 'Backups' })
      .getByRole('listitem', { name: 'slow_one.zip' })
    await item.getByRole('button', { name: 'Restore slow_one.zip' }).click()
    const confirm = page.getByRole('dialog', { name: 'Restore slow_one.zip?' })
    await confirm.getByLabel('Type the backup name to confirm').fill('slow_one.zip')
    await confirm.getByRole('button', { name: 'Restore', exact: true }).click()
    await page.getByRole('status').getByText('Restoring slow_one.zip… 0%').waitFor()
    await page.getByRole('progressbar', { name: 'Restore progress' }).waitFor()
    expect((await pb.health.check()).data.canBackup).toBe(false)
    await screenshot(page, 'backups-restore-progress', { phone: false })

    const reloaded = page.waitForEvent('load', { timeout: 60_000 })
    writeFileSync(releaseRestore(ui.dir), '')
    await page
      .getByRole('status')
      .getByText(/server restarts on the restored data/)
      .waitFor()
    await reloaded
    await page.getByRole('heading', { name: 'Backups', level: 1 }).waitFor({ timeout: 20_000 })
    await expect
      .poll(
        () =>
          pb.settings.getAll().then(
            (s) => s.backups.cron,
            () => 'unreachable',
          ),
        { timeout: 20_000 },
      )
      .toBe('')
    // connection errors while the server restarts are expected; nothing else is
    expect(ui.browser.problems().filter((p) => !/net::ERR_/.test(p))).toEqual([])
  })
})
