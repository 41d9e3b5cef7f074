// Moving data in and out of the dashboard, in Chromium: a collections import previewed field by
// field (renames, drops, rule changes, "delete missing") before it is applied; records exported
// to CSV a page at a time; a CSV imported after a column mapping and a dry-run report.
import { readFileSync } from 'node:fs'
import type { CollectionModel } from 'pocketbase'
import { describe, expect, test } from 'vitest'
import { screenshot, useDashboardSession } from '../src/tests/browser.ts'

const ITEMS = 1200

const ui = useDashboardSession({
  seed: async ({ sdk }) => {
    const pb = await sdk()
    await pb.collections.create({
      name: 'posts',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'body', type: 'text' },
      ],
    })
    await pb.collection('posts').create({ title: 'Kept title', body: 'dropped body' })
    await pb.collections.create({ name: 'notes', fields: [{ name: 'text', type: 'text' }] })
    await pb.collections.create({
      name: 'items',
      fields: [
        { name: 'title', type: 'text', required: true, max: 20 },
        { name: 'n', type: 'number', onlyInt: true },
        { name: 'done', type: 'bool' },
        { name: 'kind', type: 'select', values: ['a', 'b'], maxSelect: 1 },
        { name: 'tags', type: 'select', values: ['x', 'y', 'z'], maxSelect: 3 },
        { name: 'meta', type: 'json' },
      ],
    })
    await pb.send('/api/sql', {
      method: 'POST',
      body: {
        query: `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ${ITEMS})
          INSERT INTO items (id, title, n, done, kind, tags, meta)
          SELECT printf('item%011d', i), 'Item ' || i, i, i % 2, 'a', '["x","y"]', '{"i":' || i || '}' FROM seq`,
      },
    })
  },
})

async function openCollection(name: string): Promise<void> {
  await ui.page
    .getByRole('navigation', { name: 'Sections' })
    .getByRole('link', { name: 'Collections' })
    .click()
  await ui.page
    .getByRole('navigation', { name: 'Collections' })
    .getByRole('link', { name: new RegExp(`^${name}\\b`) })
    .click()
  await ui.page.getByRole('heading', { name, level: 1 }).waitFor()
}

describe('dashboard import and export', () => {
  test('collections import: a field-by-field preview, then applied with delete missing', async () => {
    const pb = await ui.sdk()
    await ui.page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Settings' })
      .click()
    await ui.page
      .getByRole('navigation', { name: 'Settings sections' })
      .getByRole('link', { name: 'Import/export' })
      .click()
    await ui.page.getByRole('button', { name: 'Export collections' }).click()
    const exported = JSON.parse(
      await ui.page.getByLabel('Exported collections').inputValue(),
    ) as CollectionModel[]

    // the edited schema: posts' title renamed, body dropped, a field added, its list rule
    // opened; notes left out; a new collection
    const posts = exported.find((c) => c.name === 'posts')!
    const incoming = [
      ...exported.filter((c) => c.name !== 'notes' && c.name !== 'posts'),
      {
        ...posts,
        listRule: '',
        fields: [
          ...posts.fields
            .filter((f) => f.name !== 'body')
            .map((f) => (f.name === 'title' ? { ...f, name: 'headline' } : f)),
          { name: 'score', type: 'number' },
        ],
      },
      { name: 'labels', type: 'base', fields: [{ name: 'label', type: 'text' }] },
    ]
    await ui.page.getByLabel('Collections to import (JSON)').fill(JSON.stringify(incoming))
    await ui.page.getByLabel('Delete collections and fields missing from the import').check()
    await ui.page.getByRole('button', { name: 'Review import' }).click()
    const preview = ui.page.getByRole('region', { name: 'Import preview' })
    const changes = preview.getByRole('list', { name: 'Changes to posts' })
    // the preview renders once the current collections have been fetched
    await expect
      .poll(() => changes.getByRole('listitem').allTextContents())
      .toEqual([
        'listRule: superusers only → everyone',
        'field title is renamed to headline (values kept)',
        'field score (number) is added',
        'field body (text) is removed, with its values',
      ])
    expect(
      (
        await preview.getByRole('list', { name: 'Delete (with their records)' }).textContent()
      )?.trim(),
    ).toBe('notes')
    await preview
      .getByRole('list', { name: 'Changes to labels' })
      .getByText('base collection with label (text)')
      .waitFor()
    await preview
      .getByRole('list', { name: 'Unchanged' })
      .getByText('users', { exact: true })
      .waitFor()
    await screenshot(ui.page, 'collections-import-diff')
    // nothing happened yet
    expect((await pb.collections.getOne('posts')).fields.map((f) => f.name)).toContain('body')

    await preview.getByRole('button', { name: 'Import' }).click()
    await ui.page.getByRole('status').getByText('Collections imported.').waitFor()
    const saved = await pb.collections.getOne('posts')
    expect(saved.fields.map((f) => f.name)).toEqual(['id', 'headline', 'score'])
    expect(saved.listRule).toBe('')
    const [row] = (await pb.collection('posts').getList(1, 1)).items
    expect(row!.headline).toBe('Kept title')
    await expect(pb.collections.getOne('notes')).rejects.toMatchObject({ status: 404 })
    expect((await pb.collections.getOne('labels')).type).toBe('base')
    expect(ui.browser.problems()).toEqual([])
  })

  test('CSV export: the filtered records, fetched a page at a time', async () => {
    await openCollection('items')
    const bar = ui.page.getByRole('textbox', { name: 'Filter records' })
    await bar.fill('n > 100')
    await bar.press('Enter')
    await ui.page
      .getByRole('navigation', { name: 'Pages' })
      .getByText(/of 1,100$/)
      .waitFor()

    const lists: URL[] = []
    const onRequest = (r: { url(): string }) => {
      const url = new URL(r.url())
      if (url.pathname.endsWith('/records') && url.searchParams.get('perPage') !== '1')
        lists.push(url)
    }
    ui.page.on('request', onRequest)
    const [download] = await Promise.all([
      ui.page.waitForEvent('download'),
      ui.page.getByRole('button', { name: 'Export CSV' }).click(),
    ])
    ui.page.off('request', onRequest)
    expect(download.suggestedFilename()).toBe('items.csv')
    const lines = readFileSync(await download.path(), 'utf8')
      .trimEnd()
      .split('\r\n')
    expect(lines[0]).toBe('id,title,n,done,kind,tags,meta')
    expect(lines).toHaveLength(1 + 1100)
    // the table's order (items has no created field: by id), the same the server gives
    const pb = await ui.sdk()
    const first = (await pb.collection('items').getList(1, 1, { filter: 'n > 100', sort: 'id' }))
      .items[0]!
    expect(lines[1]).toBe(
      `${first.id},${first.title},${first.n},${first.done},a,"[""x"",""y""]","{""i"":${first.n}}"`,
    )
    // three pages of 500, none of them counted
    expect(lists.map((u) => u.searchParams.get('perPage'))).toEqual(['500', '500', '500'])
    expect(lists.every((u) => /^(1|true)$/.test(u.searchParams.get('skipTotal') ?? ''))).toBe(true)
    expect(ui.browser.problems()).toEqual([])
  })

  test('CSV import: column mapping, a dry-run report, then the ready rows', async () => {
    await openCollection('items')
    await ui.page.getByRole('button', { name: 'Import CSV' }).click()
    const dialog = ui.page.getByRole('dialog', { name: 'Import CSV into items' })
    const csv = [
      'Title,Number,kind,tags,meta,extra',
      'Imported one,1,a,"x,z","{""k"":1}",ignored',
      'Imported two,2,b,[],,ignored',
      ',3,a,,,missing title',
      'Imported four,four,c,w,{bad,three problems',
      'Imported five,5,,"[""y""]",[1],ignored',
    ].join('\n')
    await dialog.getByLabel('CSV file').setInputFiles({
      name: 'items.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    })
    await dialog.getByText('items.csv: 5 rows, 6 columns').waitFor()
    // "Title" found its field; the number column is mapped by hand, "extra" is left out
    expect(await dialog.getByLabel('Column for title').inputValue()).toBe('Title')
    expect(await dialog.getByLabel('Column for n').inputValue()).toBe('')
    await dialog.getByLabel('Column for n').selectOption('Number')
    expect(await dialog.getByLabel('Column for done').inputValue()).toBe('')
    await dialog.getByText('Not imported: extra.').waitFor()
    await dialog.getByRole('button', { name: 'Check rows' }).click()

    const report = dialog.getByRole('region', { name: 'Dry run report' })
    await report.getByText(/3\s*rows are ready;\s*2\s*rows would fail/).waitFor()
    expect(
      await report
        .getByRole('list', { name: 'Rows that would fail' })
        .getByRole('listitem')
        .allTextContents(),
    ).toEqual([
      'Line 4: title: is required',
      'Line 5: n: “four” is not a number; kind: “c” is not one of a, b; tags: “w” is not one of x, y, z; meta: “{bad” is not valid JSON',
    ])
    await screenshot(ui.page, 'csv-import-dry-run')
    const pb = await ui.sdk()
    expect(
      (await pb.collection('items').getList(1, 1, { filter: 'title ~ "Imported"' })).totalItems,
    ).toBe(0)

    await dialog.getByRole('button', { name: 'Import 3 rows' }).click()
    await report.getByRole('status').getByText('Imported 3 records.').waitFor()
    const imported = await pb
      .collection('items')
      .getFullList({ filter: 'title ~ "Imported"', sort: 'n' })
    expect(imported.map((r) => [r.title, r.n, r.kind, r.tags, r.meta, r.done])).toEqual([
      ['Imported one', 1, 'a', ['x', 'z'], { k: 1 }, false],
      ['Imported two', 2, 'b', [], null, false],
      ['Imported five', 5, '', ['y'], [1], false],
    ])
    await dialog.getByRole('button', { name: 'Close', exact: true }).last().click()
    await expect.poll(() => dialog.count()).toBe(0)
    expect(ui.browser.problems()).toEqual([])
  })
})
