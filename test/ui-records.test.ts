// The dashboard's records flows in Chromium: a table over 100,000 records (one page at a time,
// the list without COUNT), sort by a column, PocketBase's filter language, and a record editor
// that creates, edits and deletes records with a value of each common field type, a file upload
// and validation errors shown on their fields.
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { type DashboardSession, screenshot, useDashboardSession } from '../src/tests/browser.ts'
import { client } from '../src/tests/sdk.ts'
import { startSmtpCapture } from '../src/tests/smtp-capture.ts'
import { openSqlite } from '../src/tools/db/sqlite.ts'

const BIG = 100_000

let authorId = ''

const ui = useDashboardSession({ seed: seedBooks })

/** `big` with 100,000 rows, and `books` with a field of each common type (+ `authors`). */
async function seedBooks({ dir, sdk }: Pick<DashboardSession, 'dir' | 'sdk'>): Promise<void> {
  const pb = await sdk()
  const autodates = [
    { name: 'created', type: 'autodate', onCreate: true, onUpdate: false },
    { name: 'updated', type: 'autodate', onCreate: true, onUpdate: true },
  ]
  await pb.collections.create({
    name: 'big',
    fields: [{ name: 'title', type: 'text' }, { name: 'n', type: 'number' }, ...autodates],
  })
  const authors = await pb.collections.create({
    name: 'authors',
    fields: [{ name: 'name', type: 'text', presentable: true }],
  })
  authorId = (await pb.collection('authors').create({ name: 'Ursula' })).id
  await pb.collections.create({
    name: 'books',
    fields: [
      { name: 'title', type: 'text', required: true },
      { name: 'pages', type: 'number', onlyInt: true },
      { name: 'available', type: 'bool' },
      { name: 'contact', type: 'email' },
      { name: 'website', type: 'url' },
      { name: 'published', type: 'date' },
      { name: 'genre', type: 'select', values: ['fiction', 'essay'], maxSelect: 1 },
      { name: 'tags', type: 'select', values: ['classic', 'new', 'signed'], maxSelect: 3 },
      { name: 'meta', type: 'json' },
      { name: 'author', type: 'relation', collectionId: authors.id, maxSelect: 1 },
      { name: 'cover', type: 'file', maxSelect: 1, maxSize: 1 << 20 },
      { name: 'notes', type: 'editor' },
      { name: 'place', type: 'geoPoint' },
      ...autodates,
    ],
  })
  // 100,000 rows in one statement, written next to the running server (WAL allows it)
  const db = openSqlite(join(dir, 'data.db'))
  await db.exec(
    `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ${BIG})
     INSERT INTO big (id, title, n, created, updated)
     SELECT printf('r%014d', i), 'Item ' || i, i,
            printf('2024-01-01 00:00:%02d.000Z', i % 60), '2024-01-01 00:00:00.000Z' FROM seq`,
  )
  await db.close()
}

async function openCollection(name: string): Promise<void> {
  await ui.page
    .getByRole('navigation', { name: 'Collections' })
    .getByRole('link', { name: new RegExp(`^${name}\\b`) })
    .click()
  await ui.page.getByRole('heading', { name, level: 1 }).waitFor()
}

/** The text of the first data row's cell under the column `name`. */
async function firstCell(name: string): Promise<string> {
  const headers = await ui.page.getByRole('columnheader').allTextContents()
  const index = headers.findIndex((h) => h.trim() === name)
  return (await ui.page.getByRole('row').nth(1).getByRole('cell').nth(index).textContent()) ?? ''
}

describe('dashboard records', () => {
  test('100,000 records: paged without COUNT, sorted by a column, filtered', async () => {
    const lists: URL[] = []
    ui.page.on('request', (req) => {
      const url = new URL(req.url())
      if (url.pathname.endsWith('/records')) lists.push(url)
    })
    await openCollection('big')
    const pages = ui.page.getByRole('navigation', { name: 'Pages' })
    await pages.getByText('1–40 of 100,000').waitFor()
    expect(await ui.page.getByRole('row').count()).toBe(41)
    // the page itself never counts; a one-row request does
    const pageReq = lists.find((u) => u.searchParams.get('perPage') === '40')!
    expect(pageReq.searchParams.get('skipTotal')).toBe('true')
    expect(lists.every((u) => Number(u.searchParams.get('perPage')) <= 40)).toBe(true)

    // hide a column; the choice survives a reload
    await ui.page.getByRole('button', { name: 'Columns' }).click()
    await ui.page.getByRole('group', { name: 'Visible columns' }).getByLabel('updated').uncheck()
    await expect
      .poll(() => ui.page.getByRole('columnheader', { name: 'updated', exact: true }).count())
      .toBe(0)
    await ui.page.reload()
    await pages.getByText('1–40 of 100,000').waitFor()
    expect(await ui.page.getByRole('columnheader', { name: 'updated', exact: true }).count()).toBe(
      0,
    )
    expect(await ui.page.getByRole('columnheader', { name: 'title', exact: true }).count()).toBe(1)

    await pages.getByRole('button', { name: 'Next page' }).click()
    await pages.getByText('41–80 of 100,000').waitFor()

    await ui.page.getByRole('columnheader', { name: 'n', exact: true }).getByRole('button').click()
    await expect.poll(() => firstCell('n')).toBe('1')
    expect(
      await ui.page.getByRole('columnheader', { name: 'n', exact: true }).getAttribute('aria-sort'),
    ).toBe('ascending')
    await ui.page.getByRole('columnheader', { name: 'n', exact: true }).getByRole('button').click()
    await expect.poll(() => firstCell('n')).toBe(String(BIG))

    await ui.page.getByLabel('Filter records').fill('n > 99990 && title ~ "Item"')
    await ui.page.getByLabel('Filter records').press('Enter')
    await pages.getByText('1–10 of 10').waitFor()
    await screenshot(ui.page, 'records-big')

    // bulk: tick two rows, delete them together
    await ui.page.getByLabel('Select record r00000000099991').check()
    await ui.page.getByLabel('Select record r00000000099992').check()
    const bulk = ui.page.getByRole('region', { name: 'Selected records' })
    await bulk.getByText('2 selected').waitFor()
    await bulk.getByRole('button', { name: 'Delete selected' }).click()
    await ui.page
      .getByRole('dialog', { name: 'Delete 2 records?' })
      .getByRole('button', { name: 'Delete', exact: true })
      .click()
    await pages.getByText('1–8 of 8').waitFor()
    expect((await (await ui.sdk()).collection('big').getList(1, 1)).totalItems).toBe(BIG - 2)

    await ui.page.getByLabel('Filter records').fill('nope = 1')
    await ui.page.getByLabel('Filter records').press('Enter')
    await ui.page.getByRole('alert').waitFor()
    await ui.page.getByRole('button', { name: 'Clear', exact: true }).click()
    await pages.getByText('1–40 of 99,998').waitFor()
  })

  test('create, edit and delete a record of every common field type, with a file', async () => {
    await openCollection('books')
    await ui.page.getByRole('button', { name: 'New record' }).click()
    const editor = ui.page.getByRole('dialog', { name: 'New books record' })

    // the server's validation message lands on its field
    await editor.getByRole('button', { name: 'Create record' }).click()
    await editor.getByText('Cannot be blank.').waitFor()
    expect(await editor.getByLabel('title').getAttribute('aria-invalid')).toBe('true')

    await editor.getByLabel('title').fill('The Dispossessed')
    await editor.getByLabel('pages').fill('387')
    await editor.getByLabel('available').check()
    await editor.getByLabel('contact').fill('desk@example.com')
    await editor.getByLabel('website').fill('https://example.com/book')
    await editor.getByLabel('published').fill('1974-05-01T12:30:00')
    await editor.getByLabel('genre').selectOption('fiction')
    await editor.getByRole('group', { name: 'tags' }).getByLabel('classic').check()
    await editor.getByRole('group', { name: 'tags' }).getByLabel('signed').check()
    await editor.getByLabel('meta').fill('{"isbn": "0-06-012563-2", "awards": 2}')
    await editor.getByRole('button', { name: 'Choose author' }).click()
    const picker = ui.page.getByRole('dialog', { name: 'Choose from authors' })
    await picker.getByLabel('Search authors').fill('Urs')
    await picker.getByRole('radio', { name: /Ursula/ }).click()
    await expect.poll(() => picker.count()).toBe(0)
    expect(await editor.getByLabel('author', { exact: true }).inputValue()).toBe(authorId)
    await editor.getByLabel('cover').setInputFiles({
      name: 'cover.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('a cover'),
    })
    await editor.getByLabel('notes').fill('An ambiguous utopia.')
    await editor.getByLabel('Longitude').fill('-122.68')
    await editor.getByLabel('Latitude').fill('45.52')
    await screenshot(ui.page, 'record-editor')
    await editor.getByRole('button', { name: 'Create record' }).click()
    await expect.poll(() => editor.count()).toBe(0)
    await ui.page.getByRole('cell', { name: 'The Dispossessed' }).waitFor()
    // the relation cell shows the author's presentable name, not an id
    await ui.page.getByRole('cell', { name: 'Ursula', exact: true }).waitFor()

    const pb = await ui.sdk()
    const [saved] = (await pb.collection('books').getList(1, 1)).items
    expect(saved).toMatchObject({
      title: 'The Dispossessed',
      pages: 387,
      available: true,
      contact: 'desk@example.com',
      website: 'https://example.com/book',
      published: '1974-05-01 12:30:00.000Z',
      genre: 'fiction',
      tags: ['classic', 'signed'],
      meta: { isbn: '0-06-012563-2', awards: 2 },
      author: authorId,
      notes: '<p>An ambiguous utopia.</p>',
      place: { lon: -122.68, lat: 45.52 },
    })
    expect(saved!.cover).toMatch(/^cover_\w+\.txt$/)
    const file = await fetch(pb.files.getURL(saved!, saved!.cover))
    expect(await file.text()).toBe('a cover')
    await screenshot(ui.page, 'records-books')

    // edit: a new title, invalid JSON caught before sending, the file removed
    await ui.page.getByRole('button', { name: `Open record ${saved!.id}` }).click()
    const edit = ui.page.getByRole('dialog', { name: 'Edit books record' })
    await edit.getByLabel('title').fill('The Dispossessed (1974)')
    await edit.getByLabel('meta').fill('{not json')
    // the JSON editor says so as soon as it is typed, the form refuses it on save
    await edit.getByText(/^Not valid JSON yet: /).waitFor()
    expect(await edit.getByLabel('meta').getAttribute('aria-invalid')).toBe('true')
    await edit.getByRole('button', { name: 'Save changes' }).click()
    await edit.getByText('This is not valid JSON.').waitFor()
    await edit.getByLabel('meta').fill('{"awards": 3}')
    await edit.getByRole('button', { name: `Remove file ${saved!.cover}` }).click()
    await edit.getByRole('button', { name: 'Save changes' }).click()
    await expect.poll(() => edit.count()).toBe(0)
    const updated = await pb.collection('books').getOne(saved!.id)
    expect(updated).toMatchObject({
      title: 'The Dispossessed (1974)',
      meta: { awards: 3 },
      cover: '',
    })

    // delete, after confirming
    await ui.page.getByRole('button', { name: `Open record ${saved!.id}` }).click()
    await ui.page.getByRole('button', { name: 'Delete record' }).click()
    await ui.page
      .getByRole('dialog', { name: 'Delete this record?' })
      .getByRole('button', { name: 'Delete', exact: true })
      .click()
    await ui.page.getByText('No records yet.').waitFor()
    await expect(pb.collection('books').getOne(saved!.id)).rejects.toMatchObject({ status: 404 })

    // live: a record another client creates shows up without a reload
    await pb.collection('books').create({ title: 'Arrived live' })
    await ui.page.getByRole('cell', { name: 'Arrived live' }).waitFor()
    expect(ui.browser.problems()).toEqual([])
  })

  test('auth record: password, verification and reset emails, impersonation', async () => {
    const inbox = await startSmtpCapture()
    try {
      const pb = await ui.sdk()
      await pb.settings.update({
        smtp: { enabled: true, host: '127.0.0.1', port: inbox.port, tls: false },
      })
      await openCollection('users')
      await ui.page.getByRole('button', { name: 'New record' }).click()
      const editor = ui.page.getByRole('dialog', { name: 'New users record' })
      await editor.getByLabel('email', { exact: true }).fill('reader@example.com')
      await editor.getByLabel('Password', { exact: true }).fill('reader-pass-1')
      await editor.getByLabel('Confirm password').fill('reader-pass-2')
      await editor.getByRole('button', { name: 'Create record' }).click()
      await editor.getByText("Values don't match.").waitFor()
      await editor.getByLabel('Confirm password').fill('reader-pass-1')
      await editor.getByRole('button', { name: 'Create record' }).click()
      await expect.poll(() => editor.count()).toBe(0)
      const auth = await client(ui.server.url)
        .collection('users')
        .authWithPassword('reader@example.com', 'reader-pass-1')
      const id = auth.record.id

      await ui.page.getByRole('button', { name: `Open record ${id}` }).click()
      const edit = ui.page.getByRole('dialog', { name: 'Edit users record' })
      await edit.getByRole('button', { name: 'Send verification email' }).click()
      await edit.getByRole('status').getByText('Verification email sent').waitFor()
      expect((await inbox.next('reader@example.com', 1)).body).toMatch(/verif/i)
      await edit.getByRole('button', { name: 'Send password reset email' }).click()
      await edit.getByRole('status').getByText('Password reset email sent').waitFor()
      const resetMail = (await inbox.next('reader@example.com', 2)).body
      expect(resetMail).toMatch(/reset/i)

      await edit.getByRole('button', { name: 'Impersonate' }).click()
      const token = await edit.getByLabel('Impersonation token').inputValue()
      const as = client(ui.server.url, token)
      expect((await as.collection('users').getOne(id)).email).toBe('reader@example.com')
      await screenshot(ui.page, 'record-auth-actions', { phone: false })
      await edit.getByRole('button', { name: 'Close' }).click()

      // the emailed link opens the dashboard's own page for choosing a new password
      const link = /\/_\/#\/auth\/confirm-password-reset\/([\w.-]+)/.exec(resetMail)
      expect(link).not.toBeNull()
      const visitor = await ui.browser.newPage()
      await visitor.goto(`${ui.server.url}/_/#/auth/confirm-password-reset/${link![1]}`)
      await visitor.getByRole('heading', { name: 'Choose a new password' }).waitFor()
      await visitor.getByLabel('New password', { exact: true }).fill('reader-pass-new')
      await visitor.getByLabel('Confirm new password').fill('reader-pass-new')
      await visitor.getByRole('button', { name: 'Set new password' }).click()
      await visitor.getByRole('status').getByText('Your password was changed.').waitFor()
      await screenshot(visitor, 'confirm-password-reset')
      await visitor.close()
      await client(ui.server.url)
        .collection('users')
        .authWithPassword('reader@example.com', 'reader-pass-new')
      expect(ui.browser.problems()).toEqual([])
    } finally {
      await inbox.close()
    }
  })
})
