// A new user's first session, end to end in Chromium, as the "done when" asks: a fresh
// `satchel serve` on an empty data dir, the installer link it prints, the first superuser, a
// small app built in the browser (two collections joined by a relation), records, a backup and
// its restore — with no console error, no failed request and no 5xx along the way, and no 4xx
// but the ones listed as expected.
import type { Locator, Page } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import {
  DASHBOARD_EMAIL as EMAIL,
  installerLink,
  DASHBOARD_PASSWORD as PASSWORD,
  screenshot,
  useTestBrowser,
} from '../src/tests/browser.ts'
import { makeTempDir, startSatchel } from '../src/tests/process.ts'
import { client } from '../src/tests/sdk.ts'

const browser = useTestBrowser()

/** Everything that went wrong on the page, beyond what `TestBrowser.problems()` collects. */
interface Traffic {
  /** Requests that never got an answer (`METHOD url: reason`). */
  failed: string[]
  /** 4xx answers (`status METHOD path`). */
  clientErrors: string[]
}

function watch(page: Page): Traffic {
  const traffic: Traffic = { failed: [], clientErrors: [] }
  page.on('requestfailed', (req) => {
    const line = `${req.method()} ${req.url()}: ${req.failure()?.errorText}`
    // the SDK closes its realtime event stream when the last subscription goes (leaving a
    // records page): Chromium reports the stream it closed as aborted
    if (/^GET \S+\/api\/realtime: net::ERR_ABORTED$/.test(line)) return
    traffic.failed.push(line)
  })
  page.on('response', (res) => {
    if (res.status() >= 400 && res.status() < 500)
      traffic.clientErrors.push(
        `${res.status()} ${res.request().method()} ${new URL(res.url()).pathname}`,
      )
  })
  return traffic
}

/** Adds a field of the picker's `type` to the collection editor and names it; returns its card. */
async function addField(dialog: Locator, type: string, name: string): Promise<Locator> {
  await dialog.getByRole('button', { name: 'Add field' }).click()
  await dialog
    .getByRole('group', { name: 'Field types' })
    .getByRole('button', { name: type, exact: true })
    .click()
  await dialog
    .getByRole('listitem', { name: /^Field field\d*$/ })
    .last()
    .getByLabel('Field name')
    .fill(name)
  const card = dialog.getByRole('listitem', { name: `Field ${name}`, exact: true })
  await card.waitFor()
  return card
}

async function openCollection(page: Page, name: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Collections' })
    .getByRole('link', { name: new RegExp(`^${name}\\b`) })
    .click()
  await page.getByRole('heading', { name, level: 1 }).waitFor()
}

describe('a new user, end to end', () => {
  test('installer, a two-collection app with records, backup and restore: no errors', async () => {
    // serve's defaults, as `npm start` runs it
    const server = await startSatchel(makeTempDir())
    try {
      const page = await browser.newPage()
      const traffic = watch(page)

      // 1. the link serve printed: the first superuser, signed in at once
      await page.goto(await installerLink(server))
      await page.getByRole('heading', { name: 'Create the first superuser' }).waitFor()
      await page.getByLabel('Email').fill(EMAIL)
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
      await page.getByLabel('Confirm password').fill(PASSWORD)
      await page.getByRole('button', { name: 'Create superuser and sign in' }).click()
      await page.getByRole('button', { name: 'Sign out' }).waitFor()

      // 2. the schema: authors, and books pointing at them
      await page.getByRole('button', { name: 'New collection' }).click()
      let dialog = page.getByRole('dialog', { name: 'New collection' })
      await dialog.getByLabel('Name', { exact: true }).fill('authors')
      const name = await addField(dialog, 'Text', 'name')
      await name.getByLabel('Required').check()
      await addField(dialog, 'Email', 'contact')
      await dialog.getByRole('button', { name: 'Create collection' }).click()
      await page.getByRole('heading', { name: 'authors', level: 1 }).waitFor()

      await page.getByRole('button', { name: 'New collection' }).click()
      dialog = page.getByRole('dialog', { name: 'New collection' })
      await dialog.getByLabel('Name', { exact: true }).fill('books')
      await (await addField(dialog, 'Text', 'title')).getByLabel('Required').check()
      await (await addField(dialog, 'Number', 'pages')).getByLabel('No decimals').check()
      await addField(dialog, 'Bool', 'in_print')
      await (await addField(dialog, 'Select', 'genre')).getByLabel('Choices').fill('fiction, essay')
      const author = await addField(dialog, 'Relation', 'author')
      await author.getByLabel('Related collection').selectOption({ label: 'authors' })
      // anyone may read the books
      await dialog.getByRole('tab', { name: 'API rules' }).click()
      await dialog
        .getByRole('radiogroup', { name: 'List/Search rule: who may' })
        .getByLabel('Everyone')
        .check()
      await dialog.getByRole('button', { name: 'Create collection' }).click()
      await page.getByRole('heading', { name: 'books', level: 1 }).waitFor()

      const pb = client(server.url)
      await pb.collection('_superusers').authWithPassword(EMAIL, PASSWORD)
      const authors = await pb.collections.getOne('authors')
      const books = await pb.collections.getOne('books')
      expect(books.listRule).toBe('')
      // new fields go before created/updated, which stay last
      expect(books.fields.map((f) => f.name)).toEqual([
        'id',
        'title',
        'pages',
        'in_print',
        'genre',
        'author',
        'created',
        'updated',
      ])
      expect(books.fields.find((f) => f.name === 'author')).toMatchObject({
        type: 'relation',
        collectionId: authors.id,
        maxSelect: 1,
      })

      // 3. records: an author, then a book picking that author
      await openCollection(page, 'authors')
      await page.getByRole('button', { name: 'New record' }).click()
      let editor = page.getByRole('dialog', { name: 'New authors record' })
      await editor.getByLabel('name', { exact: true }).fill('Ursula')
      await editor.getByLabel('contact').fill('ursula@example.com')
      await editor.getByRole('button', { name: 'Create record' }).click()
      await page.getByRole('cell', { name: 'Ursula', exact: true }).waitFor()

      await openCollection(page, 'books')
      await page.getByRole('button', { name: 'New record' }).click()
      editor = page.getByRole('dialog', { name: 'New books record' })
      await editor.getByLabel('title').fill('The Dispossessed')
      await editor.getByLabel('pages').fill('387')
      await editor.getByLabel('in_print').check()
      await editor.getByLabel('genre').selectOption('fiction')
      await editor.getByRole('button', { name: 'Choose author' }).click()
      const picker = page.getByRole('dialog', { name: 'Choose from authors' })
      await picker.getByRole('radio', { name: /Ursula/ }).click()
      await editor.getByRole('button', { name: 'Create record' }).click()
      await expect.poll(() => editor.count()).toBe(0)
      await page.getByRole('cell', { name: 'The Dispossessed' }).waitFor()
      const [book] = await pb.collection('books').getFullList({ expand: 'author' })
      expect(book).toMatchObject({ title: 'The Dispossessed', pages: 387, in_print: true })
      expect(book!.expand?.author).toMatchObject({ name: 'Ursula' })
      // the app works for its users: anyone may list the books, authors stay closed
      const anonymous = client(server.url)
      expect((await anonymous.collection('books').getFullList()).map((b) => b.title)).toEqual([
        'The Dispossessed',
      ])
      await expect(anonymous.collection('authors').getFullList()).rejects.toMatchObject({
        status: 403,
      })
      await screenshot(page, 'walkthrough-records')

      // 4. a backup, a change after it, and the restore that undoes the change
      await page
        .getByRole('navigation', { name: 'Sections' })
        .getByRole('link', { name: 'Backups' })
        .click()
      await page.getByLabel('Backup name (optional)').fill('first_app.zip')
      await page.getByRole('button', { name: 'Create backup' }).click()
      const item = page
        .getByRole('list', { name: 'Backups' })
        .getByRole('listitem', { name: 'first_app.zip' })
      await item.waitFor({ timeout: 20_000 })
      await pb.collection('authors').create({ name: 'Added after the backup' })

      // nothing has gone wrong so far; while the server restarts, requests may fail
      expect(browser.problems()).toEqual([])
      expect(traffic).toEqual({ failed: [], clientErrors: [] })
      await item.getByRole('button', { name: 'Restore first_app.zip' }).click()
      const confirm = page.getByRole('dialog', { name: 'Restore first_app.zip?' })
      await confirm.getByLabel('Type the backup name to confirm').fill('first_app.zip')
      await confirm.getByRole('button', { name: 'Restore', exact: true }).click()
      await page.waitForEvent('load', { timeout: 60_000 })
      await page.getByRole('heading', { name: 'Backups', level: 1 }).waitFor({ timeout: 20_000 })
      const restored = client(server.url)
      await restored.collection('_superusers').authWithPassword(EMAIL, PASSWORD)
      expect((await restored.collection('authors').getFullList()).map((a) => a.name)).toEqual([
        'Ursula',
      ])
      const afterRestore = { failed: traffic.failed.length, problems: browser.problems().length }

      // the app is all there after the restore, in the browser too
      await page
        .getByRole('navigation', { name: 'Sections' })
        .getByRole('link', { name: 'Collections' })
        .click()
      await openCollection(page, 'books')
      await page.getByRole('cell', { name: 'The Dispossessed' }).waitFor()
      await screenshot(page, 'walkthrough-restored')

      // on a phone, no section scrolls sideways as a whole
      await page.setViewportSize({ width: 390, height: 844 })
      const wide: Record<string, number> = {}
      for (const section of ['Collections', 'Logs', 'Backups', 'Schema', 'SQL', 'Settings']) {
        const link = page.getByRole('navigation', { name: 'Sections' }).getByRole('link', {
          name: section,
        })
        await link.click()
        // the section's page renders in the same update as its link's current state
        await expect.poll(() => link.getAttribute('aria-current')).toBe('page')
        await page.getByRole('heading', { level: 1 }).first().waitFor()
        const width = await page.evaluate(() => document.documentElement.scrollWidth)
        if (width > 390) wide[section] = width
      }
      expect(wide).toEqual({})
      await page.setViewportSize({ width: 1280, height: 800 })

      // while the server restarted, at most the page's polls found it down; since, nothing
      const down = /net::ERR_(CONNECTION_REFUSED|CONNECTION_RESET|EMPTY_RESPONSE)/
      const during = browser.problems().slice(0, afterRestore.problems)
      expect(during.filter((p) => !down.test(p))).toEqual([])
      expect(traffic.failed.slice(0, afterRestore.failed).filter((p) => !down.test(p))).toEqual([])
      expect(browser.problems().slice(afterRestore.problems)).toEqual([])
      expect(traffic.failed.slice(afterRestore.failed)).toEqual([])
      expect(traffic.clientErrors).toEqual([])
    } finally {
      await browser.closePages()
      await server.stop()
    }
    // the whole first session with a server restart: ≈20 s alone, more on a loaded machine
  }, 120_000)
})
