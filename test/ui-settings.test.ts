// The dashboard's settings pages in Chromium: application (name, URL, hidden collection
// controls, batch, rate limit rules, proxy headers, superuser IPs), mail (SMTP and a test email
// that arrives at a real SMTP receiver), files storage (S3 with a test connection against
// s3rver), logs (retention, level) and crons (list, run now) — each checked against what the
// server then holds.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { screenshot, unnamedControls, useDashboardSession } from '../src/tests/browser.ts'
import { startS3rver } from '../src/tests/s3-server.ts'
import { startSmtpCapture } from '../src/tests/smtp-capture.ts'

/** A cron job registered by a TypeScript hooks file; a run leaves `ran.txt` in the data dir. */
function writeCronHook(dir: string): void {
  const hooks = join(dir, '..', 'pb_hooks')
  mkdirSync(hooks, { recursive: true })
  writeFileSync(
    join(hooks, 'cron.pb.ts'),
    `import { writeFileSync } from 'node:fs'
export function hooks(app) {
  app.onBootstrap.bind(async (e) => {
    await e.next()
    app.cron().add('nightly_report', '30 2 * * *', () => {
      writeFileSync(${JSON.stringify(join(dir, 'ran.txt'))}, 'ran')
    })
  })
}
`,
  )
}

const ui = useDashboardSession({ beforeStart: writeCronHook })

async function openSettings(section: string): Promise<void> {
  await ui.page
    .getByRole('navigation', { name: 'Sections' })
    .getByRole('link', { name: 'Settings' })
    .click()
  await ui.page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor()
  await ui.page
    .getByRole('navigation', { name: 'Settings sections' })
    .getByRole('link', { name: section })
    .click()
  await ui.page.getByRole('heading', { name: section, level: 2 }).waitFor()
}

describe('dashboard settings', () => {
  test('application: name, URL, hidden controls, batch, rate limit rules, proxy, superuser IPs', async () => {
    const { page } = ui
    await openSettings('Application')
    await page.getByLabel('Application name').fill('Bookshop')
    await page.getByLabel('Application URL').fill('https://books.example.com')
    await page.getByLabel('Hide the collection create and edit controls').check()
    await page.getByLabel('Dashboard accent color').fill('#c2410c')
    await page.getByLabel('Enable the batch API (/api/batch)').check()
    await page.getByLabel('Max requests per batch').fill('25')
    await page.getByLabel('Batch timeout (seconds)').fill('7')

    await page.getByLabel('Enable rate limits').check()
    const rules = page.getByRole('list', { name: 'Rate limit rules' })
    const before = await rules.getByRole('listitem').count()
    expect(before).toBe(4) // the defaults
    await rules.getByRole('button', { name: 'Remove rule 1' }).click()
    await page.getByRole('button', { name: 'Add rule' }).click()
    const fresh = rules.getByRole('listitem', { name: `Rule ${before}` })
    await fresh.getByLabel('Label').fill('posts:create')
    await fresh.getByLabel('Applies to').selectOption({ label: 'Guests only' })
    await fresh.getByLabel('Max requests').fill('5')
    await fresh.getByLabel('Per seconds').fill('60')

    await page.getByLabel('Trusted proxy headers').fill('X-Forwarded-For, X-Real-IP')
    await page.getByLabel('Use the leftmost IP of the header').check()
    // a list without this browser's address would lock the dashboard out: it says so
    await page.getByText('The server sees you as 127.0.0.1.').waitFor()
    await page.getByLabel('Superuser IPs (empty: any)').fill('10.0.0.1')
    await page
      .getByRole('alert')
      .getByText(/would be locked out/)
      .waitFor()
    await page.getByLabel('Superuser IPs (empty: any)').fill('127.0.0.1, ::1')
    await expect.poll(() => page.getByText(/would be locked out/).count()).toBe(0)
    await page.getByRole('button', { name: 'Save changes' }).click()
    await page.getByRole('status').getByText('Saved.').waitFor()

    const s = await (await ui.sdk()).settings.getAll()
    expect(s.meta).toMatchObject({
      appName: 'Bookshop',
      appURL: 'https://books.example.com',
      hideControls: true,
      accentColor: '#c2410c',
    })
    // the dashboard takes the new accent at once
    const save = page.getByRole('button', { name: 'Save changes' })
    await page.mouse.move(0, 0) // not hovered
    await expect
      .poll(() => save.evaluate((el) => getComputedStyle(el).backgroundColor))
      .toBe('rgb(194, 65, 12)')
    expect(s.batch).toMatchObject({ enabled: true, maxRequests: 25, timeout: 7 })
    expect(s.rateLimits.enabled).toBe(true)
    expect(s.rateLimits.rules.map((r: { label: string }) => r.label)).toEqual([
      '*:create',
      '/api/batch',
      '/api/',
      'posts:create',
    ])
    expect(s.rateLimits.rules[3]).toEqual({
      label: 'posts:create',
      audience: '@guest',
      maxRequests: 5,
      duration: 60,
    })
    expect(s.trustedProxy).toEqual({
      headers: ['X-Forwarded-For', 'X-Real-IP'],
      useLeftmostIP: true,
    })
    expect(s.superuserIPs).toEqual(['127.0.0.1', '::1'])

    // a bad rule: the server's message shows on its field, nothing is stored
    await fresh.getByLabel('Label').fill('not a label')
    await page.getByRole('button', { name: 'Save changes' }).click()
    await page.getByRole('alert').getByText('Some values need fixing.').waitFor()
    expect(await fresh.getByLabel('Label').getAttribute('aria-invalid')).toBe('true')
    const after = await (await ui.sdk()).settings.getAll()
    expect(after.rateLimits.rules[3].label).toBe('posts:create')
    await screenshot(page, 'settings-application')

    // leaving with that unsaved change: the browser asks first
    const asked = new Promise<string>((resolve) => {
      page.once('dialog', (d) => {
        resolve(d.type())
        void d.accept()
      })
    })
    await page.reload()
    expect(await asked).toBe('beforeunload')

    // hidden controls: no "New collection" / "Edit collection" in the collections pages
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Collections' })
      .click()
    await page.getByRole('heading', { name: 'users', level: 1 }).waitFor()
    expect(await page.getByRole('button', { name: 'Edit collection' }).count()).toBe(0)
    expect(await page.getByRole('button', { name: 'New collection' }).count()).toBe(0)
    await (await ui.sdk()).settings.update({
      meta: { hideControls: false, accentColor: '#1055c9' },
      superuserIPs: [],
    })
    await page.reload()
    await page.getByRole('button', { name: 'Edit collection' }).waitFor()
    expect(ui.browser.problems()).toEqual([])
  })

  test('mail: sender and SMTP saved; a test email arrives at the SMTP server', async () => {
    const { page } = ui
    const inbox = await startSmtpCapture()
    try {
      await openSettings('Mail')
      await page.getByLabel('Sender name').fill('Bookshop team')
      await page.getByLabel('Sender address').fill('team@books.example.com')
      await page.getByLabel('Send through an SMTP server').check()
      await page.getByLabel('SMTP host').fill('127.0.0.1')
      await page.getByLabel('SMTP port').fill(String(inbox.port))
      await page.getByLabel('Authentication method').selectOption({ label: 'LOGIN' })
      await page.getByLabel('Local name (EHLO)').fill('dashboard.test')
      // a test email would use the stored settings: it waits for the save
      expect(await page.getByRole('button', { name: 'Send test email' }).isDisabled()).toBe(true)
      await page.getByRole('button', { name: 'Save changes' }).click()
      await page.getByRole('status').getByText('Saved.').waitFor()
      const s = await (await ui.sdk()).settings.getAll()
      expect(s.meta).toMatchObject({
        senderName: 'Bookshop team',
        senderAddress: 'team@books.example.com',
      })
      expect(s.smtp).toMatchObject({
        enabled: true,
        host: '127.0.0.1',
        port: inbox.port,
        authMethod: 'LOGIN',
        localName: 'dashboard.test',
        tls: false,
      })
      expect(s.smtp.password).toBeUndefined()

      await page.getByRole('button', { name: 'Send test email' }).click()
      const dialog = page.getByRole('dialog', { name: 'Send a test email' })
      await dialog.getByRole('radio', { name: 'Password reset' }).check()
      await dialog.getByLabel('Send to').fill('not-an-email')
      await dialog.getByRole('button', { name: 'Send', exact: true }).click()
      await dialog.getByText('Must be a valid email address.').waitFor()
      await dialog.getByLabel('Send to').fill('reader@example.com')
      await screenshot(page, 'settings-mail-test')
      await dialog.getByRole('button', { name: 'Send', exact: true }).click()
      await page.getByRole('status').getByText('Test email sent to reader@example.com.').waitFor()
      expect(await dialog.count()).toBe(0)

      const mail = await inbox.next('reader@example.com')
      expect(mail.from).toBe('team@books.example.com')
      expect(mail.headers.from).toContain('Bookshop team')
      expect(mail.headers.subject).toMatch(/password/i)
      expect(mail.body).toMatch(/confirm-password-reset/)
      await screenshot(page, 'settings-mail')
      expect(ui.browser.problems()).toEqual([])
    } finally {
      await inbox.close()
    }
  })

  test('files storage: S3 saved, connection tested against s3rver, a bad bucket reported', async () => {
    const { page } = ui
    const s3 = await startS3rver()
    try {
      await s3.createBucket('uploads')
      await openSettings('Files storage')
      await page.getByLabel('Store files in an S3-compatible bucket').check()
      await page.getByLabel('Endpoint', { exact: true }).fill(s3.endpoint)
      await page.getByLabel('Bucket', { exact: true }).fill('uploads')
      await page.getByLabel('Region', { exact: true }).fill('us-east-1')
      await page.getByLabel('Access key', { exact: true }).fill('S3RVER')
      await page.getByLabel('Secret', { exact: true }).fill('S3RVER')
      await page.getByLabel('Path-style addressing').check()
      await page.getByRole('button', { name: 'Save changes' }).click()
      await page.getByRole('status').getByText('Saved.').waitFor()
      const saved = await (await ui.sdk()).settings.getAll()
      expect(saved.s3).toEqual({
        enabled: true,
        endpoint: s3.endpoint,
        bucket: 'uploads',
        region: 'us-east-1',
        accessKey: 'S3RVER',
        forcePathStyle: true,
      })

      await page.getByRole('button', { name: 'Test connection' }).click()
      await page
        .getByRole('status')
        .getByText(/^Connected/)
        .waitFor()
      await screenshot(page, 'settings-storage')

      await page.getByLabel('Bucket', { exact: true }).fill('no-such-bucket')
      expect(await page.getByRole('button', { name: 'Test connection' }).isDisabled()).toBe(true)
      await page.getByRole('button', { name: 'Save changes' }).click()
      await page.getByRole('status').getByText('Saved.').waitFor()
      await page.getByRole('button', { name: 'Test connection' }).click()
      await page
        .getByRole('alert')
        .getByText(/Failed to test the S3 filesystem/)
        .waitFor()
      await (await ui.sdk()).settings.update({ s3: { enabled: false } })
      expect(ui.browser.problems()).toEqual([])
    } finally {
      await s3.close()
    }
  })

  test('logs: retention, lowest level, what requests record', async () => {
    const { page } = ui
    await openSettings('Logs')
    await page.getByLabel('Keep logs for (days; 0 keeps none)').fill('14')
    await page.getByLabel('Lowest level kept').selectOption({ label: 'Warnings and errors' })
    await page.getByLabel('Record the client IP of requests').uncheck()
    await page.getByLabel("Record the signed-in record's id of requests").check()
    await page.getByRole('button', { name: 'Save changes' }).click()
    await page.getByRole('status').getByText('Saved.').waitFor()
    const s = await (await ui.sdk()).settings.getAll()
    expect(s.logs).toMatchObject({ maxDays: 14, minLevel: 4, logIP: false, logAuthId: true })

    await page.getByLabel('Keep logs for (days; 0 keeps none)').fill('-1')
    await page.getByRole('button', { name: 'Save changes' }).click()
    await page.getByRole('alert').getByText('Some values need fixing.').waitFor()
    const days = page.getByLabel('Keep logs for (days; 0 keeps none)')
    expect(await days.getAttribute('aria-invalid')).toBe('true')
    expect((await (await ui.sdk()).settings.getAll()).logs.maxDays).toBe(14)
    await days.fill('14') // back to the stored value: nothing unsaved
    await screenshot(page, 'settings-logs', { dark: false })
    expect(ui.browser.problems()).toEqual([])
  })

  test('crons: the list with schedules, run now', async () => {
    const { page } = ui
    await openSettings('Crons')
    const row = page.getByRole('row', { name: /nightly_report/ })
    await row.getByText('30 2 * * *').waitFor()
    await page.getByRole('row', { name: /__pbLogsCleanup__/ }).waitFor()
    expect(existsSync(join(ui.dir, 'ran.txt'))).toBe(false)
    await row.getByRole('button', { name: 'Run nightly_report now' }).click()
    await page.getByRole('status').getByText('Started nightly_report.').waitFor()
    await expect.poll(() => existsSync(join(ui.dir, 'ran.txt'))).toBe(true)
    await screenshot(page, 'settings-crons')
    expect(ui.browser.problems()).toEqual([])
  })

  test('every control of the settings sections and backups page has a name; unsaved changes ask', async () => {
    const { page } = ui
    const found: { [section: string]: string[] } = {}
    for (const section of ['Application', 'Mail', 'Files storage', 'Logs', 'Crons']) {
      await openSettings(section)
      // the optional parts open too: SMTP and S3 fields
      if (section === 'Mail') await page.getByLabel('Send through an SMTP server').check()
      if (section === 'Files storage')
        await page.getByLabel('Store files in an S3-compatible bucket').check()
      found[section] = await unnamedControls(page)
      if (section === 'Mail') {
        // unsaved changes hold a move to another section until the user chooses
        await page.getByLabel('Sender name').fill('Not saved')
        const logs = page
          .getByRole('navigation', { name: 'Settings sections' })
          .getByRole('link', { name: 'Logs' })
        const leave = page.getByRole('dialog', { name: 'Leave with unsaved changes?' })
        await logs.click()
        await leave.getByRole('button', { name: 'Cancel' }).click()
        await expect.poll(() => leave.count()).toBe(0)
        expect(await page.getByLabel('Sender name').inputValue()).toBe('Not saved')
        await logs.click()
        await leave.getByRole('button', { name: 'Leave without saving' }).click()
        await page.getByRole('heading', { name: 'Logs', level: 2 }).waitFor()
        expect((await (await ui.sdk()).settings.getAll()).meta.senderName).toBe('Bookshop team')
      }
      if (section === 'Files storage')
        await page.getByLabel('Store files in an S3-compatible bucket').uncheck()
    }
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Backups' })
      .click()
    await page.getByRole('heading', { name: 'Backup settings' }).waitFor()
    await page.getByLabel('Store backups in an S3-compatible bucket').check()
    await page
      .getByLabel('Auto backups', { exact: true })
      .selectOption({ label: 'Custom schedule…' })
    found.Backups = await unnamedControls(page)
    expect(found).toEqual({
      Application: [],
      Mail: [],
      'Files storage': [],
      Logs: [],
      Crons: [],
      Backups: [],
    })
    // the check itself sees a control without a name
    await page.evaluate(() => {
      const input = document.createElement('input')
      input.id = 'nameless'
      document.body.append(input)
    })
    expect(await unnamedControls(page)).toEqual(['textbox (input #nameless)'])
  })
})
