// The dashboard's collections flows in Chromium: the sidebar (search, system collections apart),
// creating a base collection with a field of each common type and its API rules (a bad rule's
// server error shown on it), renaming a field without losing its data, deleting a collection.
import type { Locator } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import { screenshot, useDashboardSession } from '../src/tests/browser.ts'

const ui = useDashboardSession()

/** Adds a field of the picker's `type` and names it; returns its card. */
async function addField(dialog: Locator, type: string, name: string): Promise<Locator> {
  await dialog.getByRole('button', { name: 'Add field' }).click()
  await dialog
    .getByRole('group', { name: 'Field types' })
    .getByRole('button', { name: type, exact: true })
    .click()
  const fresh = dialog
    .getByRole('listitem', { name: /^Field (field\d*|location\d*|created\d+)$/ })
    .last()
  await fresh.getByLabel('Field name').fill(name)
  const card = dialog.getByRole('listitem', { name: `Field ${name}`, exact: true })
  await card.waitFor()
  return card
}

describe('dashboard collections', () => {
  test('sidebar lists collections, system ones apart, and searches', async () => {
    const nav = ui.page.getByRole('navigation', { name: 'Collections' })
    const own = nav.getByRole('list', { name: 'Collections' })
    const system = nav.getByRole('list', { name: 'System' })
    await own.getByRole('link', { name: /^users\b/ }).waitFor()
    await system.getByRole('link', { name: /^_superusers\b/ }).waitFor()
    expect(await own.getByRole('link', { name: /^_superusers\b/ }).count()).toBe(0)

    await nav.getByLabel('Search collections').fill('super')
    await expect.poll(() => own.count()).toBe(0)
    await system.getByRole('link', { name: /^_superusers\b/ }).waitFor()
    await nav.getByLabel('Search collections').fill('')
    await own.getByRole('link', { name: /^users\b/ }).waitFor()

    // on a phone the list hides behind a menu button
    await ui.page.setViewportSize({ width: 390, height: 844 })
    await ui.page.getByRole('button', { name: 'Show collections' }).click()
    await own.getByRole('link', { name: /^users\b/ }).waitFor()
    await ui.page.getByRole('button', { name: 'Hide collections' }).waitFor()
    await screenshot(ui.page, 'sidebar-phone', { desktop: false }) // then back at desktop size
  })

  test('create a base collection with a field of every type (password: auth only) and API rules', async () => {
    await ui.page.getByRole('button', { name: 'New collection' }).click()
    const dialog = ui.page.getByRole('dialog', { name: 'New collection' })
    await dialog.getByLabel('Name', { exact: true }).fill('posts')

    const title = await addField(dialog, 'Text', 'title')
    await title.getByLabel('Required').check()
    await title.getByLabel('Max length').fill('120')
    await addField(dialog, 'Rich text', 'body')
    const views = await addField(dialog, 'Number', 'views')
    await views.getByLabel('No decimals').check()
    await addField(dialog, 'Bool', 'published')
    await addField(dialog, 'Email', 'contact')
    const site = await addField(dialog, 'URL', 'website')
    await site.getByLabel('Only domains').fill('example.com, example.org')
    await addField(dialog, 'Date', 'due')
    const status = await addField(dialog, 'Select', 'status')
    await status.getByLabel('Choices').fill('draft, live, archived')
    const tags = await addField(dialog, 'Select', 'tags')
    await tags.getByLabel('Choices').fill('news, tech, life')
    await tags.getByLabel('Max select').fill('3')
    await addField(dialog, 'JSON', 'meta')
    const author = await addField(dialog, 'Relation', 'author')
    await author.getByLabel('Related collection').selectOption({ label: 'users' })
    const cover = await addField(dialog, 'File', 'cover')
    await cover.getByLabel('Allowed MIME types').fill('image/png, text/plain')
    await addField(dialog, 'Geo point', 'place')
    await addField(dialog, 'Autodate', 'stamped')

    // a rule naming a field that does not exist: the server's message shows on that rule
    await dialog.getByRole('tab', { name: 'API rules' }).click()
    const rulesPanel = dialog.getByRole('tabpanel', { name: 'API rules' })
    await rulesPanel
      .getByRole('radiogroup', { name: 'List/Search rule: who may' })
      .getByLabel('Matching a rule')
      .check()
    await dialog.getByLabel('List/Search rule', { exact: true }).fill('nope = true')
    // the quick check flags the unknown field as it is typed, the server's check on save
    await rulesPanel.getByText('There is no field named “nope”.').waitFor()
    await dialog.getByRole('button', { name: 'Create collection' }).click()
    await rulesPanel.getByText(/Invalid rule.*unknown field "nope"/).waitFor()
    const listRule = rulesPanel.getByLabel('List/Search rule', { exact: true })
    expect(await listRule.getAttribute('aria-invalid')).toBe('true')
    await screenshot(ui.page, 'collection-rule-error')

    await dialog.getByLabel('List/Search rule', { exact: true }).fill('published = true')
    await rulesPanel
      .getByRole('radiogroup', { name: 'View rule: who may' })
      .getByLabel('Everyone')
      .check()
    await dialog.getByRole('button', { name: 'Create collection' }).click()
    await ui.page.getByRole('heading', { name: 'posts', level: 1 }).waitFor()
    expect(await dialog.count()).toBe(0)

    const saved = await (await ui.sdk()).collections.getOne('posts')
    const byName = Object.fromEntries(saved.fields.map((f) => [f.name, f]))
    expect(saved.type).toBe('base')
    expect(saved.listRule).toBe('published = true')
    expect(saved.viewRule).toBe('')
    expect(saved.createRule).toBeNull()
    expect(
      Object.fromEntries(Object.entries(byName).map(([n, f]) => [n, f.type as string])),
    ).toEqual({
      id: 'text',
      created: 'autodate',
      updated: 'autodate',
      title: 'text',
      body: 'editor',
      views: 'number',
      published: 'bool',
      contact: 'email',
      website: 'url',
      due: 'date',
      status: 'select',
      tags: 'select',
      meta: 'json',
      author: 'relation',
      cover: 'file',
      place: 'geoPoint',
      stamped: 'autodate',
    })
    expect(byName.title).toMatchObject({ required: true, max: 120 })
    expect(byName.views).toMatchObject({ onlyInt: true })
    expect(byName.website).toMatchObject({ onlyDomains: ['example.com', 'example.org'] })
    expect(byName.status).toMatchObject({ values: ['draft', 'live', 'archived'], maxSelect: 1 })
    expect(byName.tags).toMatchObject({ maxSelect: 3 })
    const users = await (await ui.sdk()).collections.getOne('users')
    expect(byName.author).toMatchObject({ collectionId: users.id, maxSelect: 1 })
    expect(byName.cover).toMatchObject({ mimeTypes: ['image/png', 'text/plain'] })
    expect(byName.updated).toMatchObject({ onCreate: true, onUpdate: true })
    expect(byName.stamped).toMatchObject({ onCreate: true, onUpdate: false })
  })

  test('rename and move a field: its data kept; delete a collection', async () => {
    const pb = await ui.sdk()
    const rec = await pb.collection('posts').create({ title: 'Hello', views: 7 })
    await ui.page.getByRole('button', { name: 'Edit collection' }).click()
    const dialog = ui.page.getByRole('dialog', { name: 'Edit posts' })
    const views = dialog.getByRole('listitem', { name: 'Field views', exact: true })
    const before = (await pb.collections.getOne('posts')).fields.map((f) => f.name)
    await views.getByLabel('Field name').fill('view_count')
    // moved one place up as well: the stored order changes, the values stay
    await dialog.getByRole('button', { name: 'Move view_count up' }).click()
    await dialog.getByRole('button', { name: 'Save changes' }).click()
    // a rename asks first (test/ui-schema-confirm.test.ts covers the dialog)
    await ui.page
      .getByRole('dialog', { name: 'Save these changes to posts?' })
      .getByRole('button', { name: 'Apply changes' })
      .click()
    await expect.poll(() => dialog.count()).toBe(0)
    expect((await pb.collection('posts').getOne(rec.id)).view_count).toBe(7)
    const at = before.indexOf('views')
    const expected = before.map((n) => (n === 'views' ? 'view_count' : n))
    ;[expected[at - 1], expected[at]] = [expected[at]!, expected[at - 1]!]
    expect((await pb.collections.getOne('posts')).fields.map((f) => f.name)).toEqual(expected)

    // a throwaway collection, deleted through its editor
    await ui.page.getByRole('button', { name: 'New collection' }).click()
    const create = ui.page.getByRole('dialog', { name: 'New collection' })
    await create.getByLabel('Name', { exact: true }).fill('scratch')
    await create.getByRole('button', { name: 'Create collection' }).click()
    await ui.page.getByRole('heading', { name: 'scratch', level: 1 }).waitFor()
    await ui.page.getByRole('button', { name: 'Edit collection' }).click()
    await ui.page.getByRole('button', { name: 'Delete collection' }).click()
    await ui.page
      .getByRole('dialog', { name: 'Delete scratch?' })
      .getByRole('button', { name: 'Delete', exact: true })
      .click()
    const nav = ui.page.getByRole('navigation', { name: 'Collections' })
    await expect.poll(() => nav.getByRole('link', { name: /^scratch\b/ }).count()).toBe(0)
    await expect(pb.collections.getOne('scratch')).rejects.toMatchObject({ status: 404 })

    await ui.page.getByRole('button', { name: 'Edit collection' }).click()
    await ui.page.getByRole('dialog', { name: /^Edit / }).waitFor()
    await screenshot(ui.page, 'collection-editor')
    await ui.page.getByRole('button', { name: 'Close' }).click()
    expect(ui.browser.problems()).toEqual([])
  })

  test('indexes, unsaved-change warning, duplicate, truncate, view collection', async () => {
    const pb = await ui.sdk()
    await ui.page
      .getByRole('navigation', { name: 'Collections' })
      .getByRole('link', { name: /^posts\b/ })
      .click()
    await ui.page.getByRole('heading', { name: 'posts', level: 1 }).waitFor()

    // a multi-column unique index
    await ui.page.getByRole('button', { name: 'Edit collection' }).click()
    const dialog = ui.page.getByRole('dialog', { name: 'Edit posts' })
    await dialog.getByRole('tab', { name: 'Indexes' }).click()
    await dialog.getByRole('button', { name: 'Add index' }).click()
    await dialog
      .getByLabel('Index 1', { exact: true })
      .fill('CREATE UNIQUE INDEX idx_posts_title_status ON posts (title, status)')
    await dialog.getByRole('button', { name: 'Save changes' }).click()
    await expect.poll(() => dialog.count()).toBe(0)
    expect((await pb.collections.getOne('posts')).indexes).toEqual([
      'CREATE UNIQUE INDEX idx_posts_title_status ON posts (title, status)',
    ])

    // closing with unsaved changes asks first, and nothing is saved
    await ui.page.getByRole('button', { name: 'Edit collection' }).click()
    await dialog.getByLabel('Name', { exact: true }).fill('posts_renamed')
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await ui.page
      .getByRole('dialog', { name: 'Discard your changes?' })
      .getByRole('button', { name: 'Discard changes' })
      .click()
    await expect.poll(() => dialog.count()).toBe(0)
    expect((await pb.collections.getOne('posts')).name).toBe('posts')

    // duplicate: a new collection with the same fields
    await ui.page.getByRole('button', { name: 'Edit collection' }).click()
    await dialog.getByRole('button', { name: 'Duplicate collection' }).click()
    const copy = ui.page.getByRole('dialog', { name: 'New collection' })
    expect(await copy.getByLabel('Name', { exact: true }).inputValue()).toBe('posts_duplicate')
    await copy.getByRole('button', { name: 'Create collection' }).click()
    await ui.page.getByRole('heading', { name: 'posts_duplicate', level: 1 }).waitFor()
    const names = (c: { fields: { name: string }[] }) => c.fields.map((f) => f.name)
    expect(names(await pb.collections.getOne('posts_duplicate'))).toEqual(
      names(await pb.collections.getOne('posts')),
    )

    // truncate: every record goes, the collection stays
    await ui.page
      .getByRole('navigation', { name: 'Collections' })
      .getByRole('link', { name: /^posts\b/ })
      .click()
    await ui.page
      .getByRole('button', { name: /^Open record / })
      .first()
      .waitFor()
    await ui.page.getByRole('button', { name: 'Edit collection' }).click()
    await dialog.getByRole('button', { name: 'Truncate collection' }).click()
    await ui.page
      .getByRole('dialog', { name: 'Truncate posts?' })
      .getByRole('button', { name: 'Delete all records' })
      .click()
    await ui.page.getByText('No records yet.').waitFor()
    expect((await pb.collection('posts').getList(1, 1)).totalItems).toBe(0)

    // a view collection: a bad query's error, then its inferred fields
    await ui.page.getByRole('button', { name: 'New collection' }).click()
    const view = ui.page.getByRole('dialog', { name: 'New collection' })
    await view.getByLabel('Name', { exact: true }).fill('post_titles')
    await view.getByLabel('Type').selectOption('view')
    await view.getByLabel('View query').fill('SELECT id, nope FROM posts')
    await view.getByRole('button', { name: 'Create collection' }).click()
    await expect.poll(() => view.getByLabel('View query').getAttribute('aria-invalid')).toBe('true')
    await view.getByLabel('View query').fill('SELECT id, title, view_count FROM posts')
    // a dry run: the inferred fields and the first rows, nothing saved
    await view.getByRole('button', { name: 'Try the query' }).click()
    const tried = view.getByRole('list', { name: 'Inferred fields' })
    await tried.getByText('view_count').waitFor()
    expect(await tried.getByRole('listitem').allTextContents()).toEqual([
      'id text',
      'title text',
      'view_count number',
    ])
    await view
      .getByRole('table', { name: 'Sample rows' })
      .getByText('The query returns no rows.')
      .waitFor()
    expect((await pb.collections.getFullList()).map((c) => c.name)).not.toContain('post_titles')
    await screenshot(ui.page, 'collection-view-dry-run', { phone: false })
    await view.getByRole('button', { name: 'Create collection' }).click()
    await ui.page.getByRole('heading', { name: 'post_titles', level: 1 }).waitFor()
    const saved = await pb.collections.getOne('post_titles')
    expect(saved.type).toBe('view')
    expect(names(saved)).toEqual(['id', 'title', 'view_count'])
    expect(await ui.page.getByRole('button', { name: 'New record' }).count()).toBe(0)
    await ui.page.getByRole('button', { name: 'Edit collection' }).click()
    const inferred = ui.page.getByRole('list', { name: 'Inferred fields' })
    await inferred.getByText('title').waitFor()
    await screenshot(ui.page, 'collection-view')
    await ui.page.getByRole('button', { name: 'Close' }).click()
    expect(ui.browser.problems()).toEqual([])
  })

  test('auth collection: sign-in methods and token lifetimes, with their errors', async () => {
    const pb = await ui.sdk()
    await ui.page.getByRole('button', { name: 'New collection' }).click()
    const dialog = ui.page.getByRole('dialog', { name: 'New collection' })
    await dialog.getByLabel('Name', { exact: true }).fill('members')
    await dialog.getByLabel('Type').selectOption('auth')
    await dialog.getByRole('tab', { name: 'Options' }).click()
    const options = dialog.getByRole('tabpanel', { name: 'Options' })
    await options.getByLabel('Sign in with an emailed code').check()
    await options.getByLabel('Code length').fill('0')
    await options.getByLabel('Auth token').fill('3600')
    await dialog.getByRole('button', { name: 'Create collection' }).click()
    await expect
      .poll(() => options.getByLabel('Code length').getAttribute('aria-invalid'))
      .toBe('true')
    await options.getByLabel('Code length').fill('6')
    await dialog.getByRole('button', { name: 'Create collection' }).click()
    await ui.page.getByRole('heading', { name: 'members', level: 1 }).waitFor()
    const members = await pb.collections.getOne('members')
    expect(members).toMatchObject({
      type: 'auth',
      passwordAuth: { enabled: true, identityFields: ['email'] },
      otp: { enabled: true, length: 6 },
      authToken: { duration: 3600 },
    })

    await ui.page.getByRole('button', { name: 'Edit collection' }).click()
    const edit = ui.page.getByRole('dialog', { name: 'Edit members' })
    await edit.getByRole('tab', { name: 'Options' }).click()
    await edit.getByLabel('Require two sign-in methods').check()
    await screenshot(ui.page, 'collection-auth-options')
    await edit.getByRole('button', { name: 'Save changes' }).click()
    await expect.poll(() => edit.count()).toBe(0)
    const updated = await pb.collections.getOne('members')
    expect(updated.mfa.enabled).toBe(true)
    // only changed sections were sent: the earlier token lifetime stays
    expect(updated.authToken).toMatchObject({ duration: 3600 })
    expect(ui.browser.problems()).toEqual([])
  })
})
