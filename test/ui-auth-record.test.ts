// An auth record's sign-in state in the record editor, in Chromium: its linked OAuth2 accounts
// (one unlinked after a confirmation, and gone from the server) and its pending one-time
// codes and MFA sign-ins, counted from `_otps` and `_mfas`.
import { describe, expect, test } from 'vitest'
import { screenshot, unnamedControls, useDashboardSession } from '../src/tests/browser.ts'

let userId = ''

const ui = useDashboardSession({
  seed: async ({ sdk }) => {
    const pb = await sdk()
    const users = await pb.collections.getOne('users')
    const user = await pb.collection('users').create({
      email: 'linked@example.com',
      password: 'linked-pass-1',
      passwordConfirm: 'linked-pass-1',
    })
    userId = user.id
    const ref = { collectionRef: users.id, recordRef: user.id }
    await pb
      .collection('_externalAuths')
      .create({ ...ref, provider: 'google', providerId: 'g-111' })
    await pb
      .collection('_externalAuths')
      .create({ ...ref, provider: 'github', providerId: 'gh-222' })
    await pb.collection('_otps').create({ ...ref, password: 'otp-code-1', sentTo: user.email })
  },
})

describe('auth record sign-in state', () => {
  test('linked OAuth2 accounts listed, one unlinked; pending codes counted', async () => {
    const page = ui.page
    await page
      .getByRole('navigation', { name: 'Collections' })
      .getByRole('link', { name: /^users\b/ })
      .click()
    await page.getByRole('heading', { name: 'users', level: 1 }).waitFor()
    await page.getByRole('button', { name: `Open record ${userId}` }).click()
    const edit = page.getByRole('dialog', { name: 'Edit users record' })
    const list = edit.getByRole('list', { name: 'Linked OAuth2 accounts' })
    await list.getByText('gh-222').waitFor()
    expect(await list.getByRole('listitem').allInnerTexts()).toEqual([
      expect.stringContaining('github'),
      expect.stringContaining('google'),
    ])
    await edit.getByText('One-time codes pending: 1 · MFA sign-ins under way: 0').waitFor()
    expect(await unnamedControls(page)).toEqual([])
    await screenshot(page, 'auth-record-sign-ins')

    await edit.getByRole('button', { name: 'Unlink google' }).click()
    const ask = page.getByRole('dialog', { name: 'Unlink google?' })
    await ask.getByRole('button', { name: 'Unlink' }).click()
    await edit.getByRole('status').getByText('google unlinked.').waitFor()
    await expect.poll(() => list.getByRole('listitem').count()).toBe(1)

    const pb = await ui.sdk()
    const left = await pb
      .collection('_externalAuths')
      .getFullList({ filter: pb.filter('recordRef = {:id}', { id: userId }) })
    expect(left.map((r) => r.provider)).toEqual(['github'])
    expect(ui.browser.problems()).toEqual([])
  })
})
