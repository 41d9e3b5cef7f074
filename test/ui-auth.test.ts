// The dashboard's sign-in flows in Debian's Chromium against a `satchel serve` started here: the
// first-run installer link printed by serve, password sign-in with its error messages (wrong
// credentials, 429), staying signed in across a reload, and signing out.
import type { Page } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import {
  DASHBOARD_EMAIL as EMAIL,
  installerLink,
  DASHBOARD_PASSWORD as PASSWORD,
  screenshot,
  useTestBrowser,
} from '../src/tests/browser.ts'
import { makeTempDir, startSatchel } from '../src/tests/process.ts'
import { client, upsertSuperuser } from '../src/tests/sdk.ts'
import { type SmtpCapture, startSmtpCapture } from '../src/tests/smtp-capture.ts'

const browser = useTestBrowser()

/** The code of the `n`-th OTP email to the superuser (other emails, e.g. login alerts, skipped). */
async function otpCode(inbox: SmtpCapture, n: number): Promise<string> {
  for (let i = 1; ; i++) {
    const m = /\b(\d{6,})\b/.exec((await inbox.next(EMAIL, i)).body)
    if (m && --n === 0) return m[1]!
  }
}

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
}

describe('dashboard sign-in', () => {
  test('first run: the printed installer link creates the first superuser, once', async () => {
    // two workers: the token travels from the primary to the processes that answer requests
    const server = await startSatchel(makeTempDir(), undefined, { args: ['--workers=2'] })
    try {
      const link = await installerLink(server)
      expect(server.output()).toContain('works once, for 30 minutes')
      const page = await browser.newPage()
      await page.goto(link)
      await expect
        .poll(() => page.getByRole('heading', { name: 'Create the first superuser' }).isVisible())
        .toBe(true)
      await page.getByLabel('Email').fill(EMAIL)
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
      await page.getByLabel('Confirm password').fill('something-else')
      await page.getByRole('button', { name: 'Create superuser and sign in' }).click()
      await page.getByText("Values don't match.").waitFor()
      await screenshot(page, 'installer')

      await page.getByLabel('Confirm password').fill(PASSWORD)
      await page.getByRole('button', { name: 'Create superuser and sign in' }).click()
      await page.getByRole('button', { name: 'Sign out' }).waitFor()
      await page
        .getByRole('navigation', { name: 'Collections' })
        .getByRole('link', { name: /^users\b/ })
        .waitFor()
      expect(new URL(page.url()).hash).toBe('')

      // the server now holds that superuser
      const pb = client(server.url)
      const auth = await pb.collection('_superusers').authWithPassword(EMAIL, PASSWORD)
      expect(auth.record.email).toBe(EMAIL)
      expect((await pb.collection('_superusers').getFullList()).length).toBe(1)

      // the same link a second time: refused, and nothing more is created
      const again = await browser.newPage()
      await again.goto(link)
      await again.getByLabel('Email').fill('intruder@example.com')
      await again.getByLabel('Password', { exact: true }).fill(PASSWORD)
      await again.getByLabel('Confirm password').fill(PASSWORD)
      await again.getByRole('button', { name: 'Create superuser and sign in' }).click()
      await again
        .getByRole('alert')
        .getByText(/invalid, expired or already used/)
        .waitFor()
      expect((await pb.collection('_superusers').getFullList()).length).toBe(1)
      const forged = await fetch(`${server.url}/api/installer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: 'x'.repeat(43), email: 'a@b.co', password: PASSWORD }),
      })
      expect(forged.status).toBe(403)
      expect(browser.problems()).toEqual([])
    } finally {
      await browser.closePages()
      await server.stop()
    }
  })

  test('password sign-in: wrong credentials, success, reload, sign out, 429', async () => {
    const dir = makeTempDir()
    upsertSuperuser('satchel', dir, EMAIL, PASSWORD)
    const server = await startSatchel(dir, undefined, { args: ['--workers=1'] })
    try {
      expect(server.output()).not.toContain('/_/install#')
      const page = await browser.newPage()
      await page.goto(`${server.url}/_/`)
      await page.getByRole('heading', { name: 'Sign in' }).waitFor()
      await screenshot(page, 'login')

      await signIn(page, EMAIL, 'wrong-password')
      await page.getByRole('alert').getByText('Wrong email or password.').waitFor()

      await signIn(page, EMAIL, PASSWORD)
      await page.getByRole('button', { name: 'Sign out' }).waitFor()
      await page.getByText(EMAIL).waitFor()

      await page.reload()
      await page.getByRole('button', { name: 'Sign out' }).waitFor()

      await page.getByRole('button', { name: 'Sign out' }).click()
      await page.getByRole('heading', { name: 'Sign in' }).waitFor()

      // a rate limit on superuser sign-ins: the third attempt within a minute gets a 429
      const su = client(server.url)
      await su.collection('_superusers').authWithPassword(EMAIL, PASSWORD)
      await su.settings.update({
        rateLimits: {
          enabled: true,
          rules: [{ label: '_superusers:auth', maxRequests: 2, duration: 60, audience: '' }],
        },
      })
      for (let i = 0; i < 2; i++) {
        await signIn(page, EMAIL, 'wrong-password')
        await page.getByRole('alert').getByText('Wrong email or password.').waitFor()
        await page.getByRole('alert').evaluate((el) => el.remove())
      }
      await signIn(page, EMAIL, PASSWORD)
      await page
        .getByRole('alert')
        .getByText(/Too many attempts/)
        .waitFor()
      expect(browser.problems()).toEqual([])
    } finally {
      await browser.closePages()
      await server.stop()
    }
  })

  test('MFA: password then emailed code, or code then password', async () => {
    const dir = makeTempDir()
    upsertSuperuser('satchel', dir, EMAIL, PASSWORD)
    const server = await startSatchel(dir, undefined, { args: ['--workers=1'] })
    const inbox = await startSmtpCapture()
    try {
      const su = client(server.url)
      await su.collection('_superusers').authWithPassword(EMAIL, PASSWORD)
      await su.settings.update({
        smtp: { enabled: true, host: '127.0.0.1', port: inbox.port, tls: false },
      })
      await su.collections.update('_superusers', { otp: { enabled: true }, mfa: { enabled: true } })

      const page = await browser.newPage()
      await page.goto(`${server.url}/_/`)
      await signIn(page, EMAIL, PASSWORD)
      await page.getByRole('heading', { name: 'Enter your code' }).waitFor()
      await page.getByText(`We sent a one-time code to ${EMAIL}.`).waitFor()
      const code = await otpCode(inbox, 1)
      await screenshot(page, 'login-code', { phone: false })

      await page.getByLabel('One-time code').fill('000000')
      await page.getByRole('button', { name: 'Verify' }).click()
      await page.getByRole('alert').getByText('That code is wrong or has expired.').waitFor()
      await page.getByLabel('One-time code').fill(code)
      await page.getByRole('button', { name: 'Verify' }).click()
      await page.getByRole('button', { name: 'Sign out' }).waitFor()
      await page.getByRole('button', { name: 'Sign out' }).click()

      // the code first: for superusers OTP always comes with MFA, so the password follows
      await page.reload()
      await page.getByRole('button', { name: 'Sign in with a one-time code' }).click()
      await page.getByLabel('Email').fill(EMAIL)
      await page.getByRole('button', { name: 'Send code' }).click()
      await page.getByLabel('One-time code').waitFor()
      await page.getByLabel('One-time code').fill(await otpCode(inbox, 2))
      await page.getByRole('button', { name: 'Verify' }).click()
      await page.getByText('Code accepted. Now enter your password.').waitFor()
      await page.getByLabel('Password').fill(PASSWORD)
      await page.getByRole('button', { name: 'Sign in', exact: true }).click()
      await page.getByRole('button', { name: 'Sign out' }).waitFor()
      expect(browser.problems()).toEqual([])
    } finally {
      await browser.closePages()
      await server.stop()
      await inbox.close()
    }
  })
})
