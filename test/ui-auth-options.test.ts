// The dashboard's auth collection options in Chromium: editing a mail template with its
// preview and a test send that arrives at a real SMTP receiver, and OAuth2 provider setup (a
// well-known provider and a generic OIDC one, bad input refused, a stored secret kept, Apple's
// generated client secret), and invalidating issued tokens — each checked on the server.
import { generateKeyPairSync } from 'node:crypto'
import { importSPKI, jwtVerify } from 'jose'
import type { Locator } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { screenshot, unnamedControls, useDashboardSession } from '../src/tests/browser.ts'
import { client, failure } from '../src/tests/sdk.ts'
import { type SmtpCapture, startSmtpCapture } from '../src/tests/smtp-capture.ts'

let inbox: SmtpCapture

beforeAll(async () => {
  inbox = await startSmtpCapture()
})

afterAll(async () => {
  await inbox?.close()
})

const ui = useDashboardSession({
  seed: async ({ sdk }) => {
    const pb = await sdk()
    await pb.settings.update({
      meta: { appName: 'Bookshop' },
      smtp: { enabled: true, host: '127.0.0.1', port: inbox.port, tls: false },
    })
  },
})

/** Opens the editor of `users` on the tab `tab`; returns the dialog. */
async function editUsers(tab: string): Promise<Locator> {
  const { page } = ui
  await page
    .getByRole('navigation', { name: 'Collections' })
    .getByRole('link', { name: /^users\b/ })
    .click()
  await page.getByRole('heading', { name: 'users', level: 1 }).waitFor()
  await page.getByRole('button', { name: 'Edit collection' }).click()
  const dialog = page.getByRole('dialog', { name: 'Edit users' })
  await dialog.getByRole('tab', { name: tab }).click()
  return dialog
}

describe('dashboard auth collection options', () => {
  test('mail template: edit, preview, save, then a test send arrives', async () => {
    const { page } = ui
    let dialog = await editUsers('Mail templates')
    const panel = dialog.getByRole('tabpanel', { name: 'Mail templates' })
    await panel.getByText('Verification email', { exact: true }).click()
    await panel.getByLabel('Verification subject').fill('Welcome to {APP_NAME}')
    await panel
      .getByLabel('Verification body (HTML)')
      .fill(
        '<p>Hello {RECORD:email}!</p><p><a href="{APP_URL}/_/#/auth/confirm-verification/{TOKEN}">Confirm</a></p>',
      )
    await panel.getByRole('button', { name: 'Preview' }).click()
    const preview = panel.frameLocator('iframe[title="Preview of the verification email"]')
    await preview.getByText('Hello reader@example.com!').waitFor()
    await panel.getByText('Welcome to Bookshop').waitFor()
    // the test send would use the stored template: it waits for the save
    expect(
      await panel.getByRole('button', { name: 'Send a test verification email' }).isDisabled(),
    ).toBe(true)
    await screenshot(page, 'auth-mail-template', { phone: false })
    expect(await unnamedControls(page)).toEqual([])
    await dialog.getByRole('button', { name: 'Save changes' }).click()
    await expect.poll(() => dialog.count()).toBe(0)
    const users = await (await ui.sdk()).collections.getOne('users')
    expect(users.verificationTemplate).toEqual({
      subject: 'Welcome to {APP_NAME}',
      body: '<p>Hello {RECORD:email}!</p><p><a href="{APP_URL}/_/#/auth/confirm-verification/{TOKEN}">Confirm</a></p>',
    })
    // other templates were not sent, so they keep the server's defaults
    expect(users.resetPasswordTemplate.body).toContain('{TOKEN}')

    dialog = await editUsers('Mail templates')
    await dialog.getByText('Verification email', { exact: true }).click()
    await dialog.getByRole('button', { name: 'Send a test verification email' }).click()
    const send = page.getByRole('dialog', { name: 'Send a test email' })
    expect(await send.getByLabel('As sent for a record of').inputValue()).toBe('users')
    expect(await send.getByRole('radio', { name: 'Verification' }).isChecked()).toBe(true)
    await send.getByLabel('Send to').fill('new.reader@example.com')
    await send.getByRole('button', { name: 'Send', exact: true }).click()
    await dialog
      .getByRole('status')
      .getByText('Test email sent to new.reader@example.com.')
      .waitFor()
    const mail = await inbox.next('new.reader@example.com')
    expect(mail.headers.subject).toBe('Welcome to Bookshop')
    expect(mail.body).toContain('Hello new.reader@example.com!')
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await expect.poll(() => dialog.count()).toBe(0)
    expect(ui.browser.problems()).toEqual([])
  })

  test('OAuth2: Google and an OIDC provider set up, bad input refused, secrets kept', async () => {
    const { page } = ui
    let dialog = await editUsers('OAuth2')
    const panel = dialog.getByRole('tabpanel', { name: 'OAuth2' })
    await panel.getByLabel('Sign in with OAuth2').check()
    await panel.getByLabel('Provider to add').selectOption({ label: 'Google' })
    await panel.getByRole('button', { name: 'Add provider' }).click()
    await panel.getByLabel('Google client ID').fill('google-client-id')
    await panel.getByLabel('Google client secret').fill('google-secret')

    await panel.getByLabel('Provider to add').selectOption({ label: 'OIDC (oidc)' })
    await panel.getByRole('button', { name: 'Add provider' }).click()
    await panel.getByLabel('OIDC display name').fill('Company SSO')
    await panel.getByLabel('Company SSO client ID').fill('sso-client')
    await panel.getByLabel('Company SSO client secret').fill('sso-secret')
    await panel.getByLabel('Company SSO auth URL').fill('not a url')
    await panel.getByLabel('Company SSO token URL').fill('https://sso.example.com/token')
    await panel.getByLabel('Company SSO user info URL').fill('https://sso.example.com/userinfo')
    await panel.getByLabel('Company SSO PKCE').selectOption({ label: 'On' })
    await panel.getByLabel('Name field', { exact: true }).selectOption('name')
    await panel.getByLabel('Avatar field').selectOption('avatar')
    // the browser refuses the bad URL: nothing is sent
    await dialog.getByRole('button', { name: 'Save changes' }).click()
    const authURL = panel.getByLabel('Company SSO auth URL')
    expect(await authURL.evaluate((el) => (el as HTMLInputElement).validity.valid)).toBe(false)
    expect((await (await ui.sdk()).collections.getOne('users')).oauth2.providers).toEqual([])
    // the server refuses a new provider without a secret, on its field
    await authURL.fill('https://sso.example.com/authorize')
    await panel.getByLabel('Company SSO client secret').fill('')
    await dialog.getByRole('button', { name: 'Save changes' }).click()
    await dialog.getByText('Some values need fixing.').waitFor()
    const secret = panel.getByLabel('Company SSO client secret')
    expect(await secret.getAttribute('aria-invalid')).toBe('true')
    await secret.fill('sso-secret')
    await screenshot(page, 'auth-oauth2')
    await dialog.getByRole('button', { name: 'Save changes' }).click()
    await expect.poll(() => dialog.count()).toBe(0)

    const pb = await ui.sdk()
    const users = await pb.collections.getOne('users')
    expect(users.oauth2.enabled).toBe(true)
    expect(users.oauth2.mappedFields).toMatchObject({ name: 'name', avatarURL: 'avatar' })
    expect(users.oauth2.providers).toEqual([
      expect.objectContaining({ name: 'google', clientId: 'google-client-id', pkce: null }),
      expect.objectContaining({
        name: 'oidc',
        displayName: 'Company SSO',
        clientId: 'sso-client',
        authURL: 'https://sso.example.com/authorize',
        tokenURL: 'https://sso.example.com/token',
        userInfoURL: 'https://sso.example.com/userinfo',
        pkce: true,
      }),
    ])
    const methods = await pb.collection('users').listAuthMethods()
    expect(methods.oauth2.providers.map((p) => [p.name, p.displayName])).toEqual([
      ['google', 'Google'],
      ['oidc', 'Company SSO'],
    ])

    // a change without retyping the secrets: the stored ones stay (the server requires one)
    dialog = await editUsers('OAuth2')
    await dialog.getByRole('button', { name: 'Set up' }).first().click()
    await dialog.getByLabel('Google client ID').fill('google-client-id-2')
    await dialog.getByRole('button', { name: 'Save changes' }).click()
    await expect.poll(() => dialog.count()).toBe(0)
    const after = await pb.collections.getOne('users')
    expect(after.oauth2.providers[0]).toMatchObject({ clientId: 'google-client-id-2' })
    expect((await pb.collection('users').listAuthMethods()).oauth2.providers).toHaveLength(2)
    expect(ui.browser.problems()).toEqual([])
  })

  test('Apple: the client secret is generated from the key, then saved', async () => {
    const { page } = ui
    const keys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    const pem = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    const dialog = await editUsers('OAuth2')
    const panel = dialog.getByRole('tabpanel', { name: 'OAuth2' })
    await panel.getByLabel('Provider to add').selectOption({ label: 'Apple' })
    await panel.getByRole('button', { name: 'Add provider' }).click()
    await panel.getByLabel('Apple client ID').fill('com.example.web')
    await panel.getByRole('button', { name: 'Generate the Apple client secret' }).click()
    const gen = page.getByRole('dialog', { name: 'Generate the Apple client secret' })
    await gen.getByLabel('Team ID').fill('ABCDE12345')
    await gen.getByLabel('Key ID').fill('KEY1234567')
    await gen.getByLabel('Private key (.p8 file contents)').fill('not a key')
    await gen.getByRole('button', { name: 'Generate', exact: true }).click()
    await gen.getByRole('alert').waitFor()
    expect(
      await gen.getByLabel('Private key (.p8 file contents)').getAttribute('aria-invalid'),
    ).toBe('true')
    await gen.getByLabel('Private key (.p8 file contents)').fill(pem)
    await gen.getByRole('button', { name: 'Generate', exact: true }).click()
    await panel.getByRole('status').getByText('Secret generated').waitFor()
    expect(await gen.count()).toBe(0)

    // the secret is an ES256 JWT Apple can check with the key's public half
    const secret = await panel.getByLabel('Apple client secret').inputValue()
    const publicKey = await importSPKI(
      keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      'ES256',
    )
    const { payload, protectedHeader } = await jwtVerify(secret, publicKey, {
      audience: 'https://appleid.apple.com',
    })
    expect(protectedHeader.kid).toBe('KEY1234567')
    expect(payload).toMatchObject({ iss: 'ABCDE12345', sub: 'com.example.web' })
    await screenshot(page, 'auth-oauth2-apple', { phone: false })
    expect(await unnamedControls(page)).toEqual([])

    await dialog.getByRole('button', { name: 'Save changes' }).click()
    await expect.poll(() => dialog.count()).toBe(0)
    const methods = await (await ui.sdk()).collection('users').listAuthMethods()
    expect(methods.oauth2.providers.map((p) => p.name)).toContain('apple')
    expect(ui.browser.problems()).toEqual([])
  })

  test('tokens: invalidating the issued auth tokens signs their holders out', async () => {
    const { page } = ui
    const pb = await ui.sdk()
    const user = { email: 'holder@example.com', password: 'holder-pass-123' }
    await pb.collection('users').create({ ...user, passwordConfirm: user.password })
    const holder = client(ui.server.url)
    await holder.collection('users').authWithPassword(user.email, user.password)
    const oldToken = holder.authStore.token
    const lifetime = (await pb.collections.getOne('users')).authToken.duration

    const dialog = await editUsers('Options')
    await dialog.getByRole('button', { name: 'Invalidate all issued auth tokens' }).click()
    await dialog.getByText('Every auth token issued so far stops working on save.').waitFor()
    await screenshot(page, 'auth-tokens', { phone: false })
    await dialog.getByRole('button', { name: 'Save changes' }).click()
    await expect.poll(() => dialog.count()).toBe(0)

    const refused = await failure(client(ui.server.url, oldToken).collection('users').authRefresh())
    expect(refused.status).toBe(401)
    const again = await client(ui.server.url)
      .collection('users')
      .authWithPassword(user.email, user.password)
    expect(again.token).not.toBe(oldToken)
    // the lifetime was not touched
    expect((await pb.collections.getOne('users')).authToken.duration).toBe(lifetime)
    expect(ui.browser.problems()).toEqual([])
  })
})
