// The collection editor's confirmation before a save that renames or drops something, in
// Chromium: every such change listed (old → new, data loss marked), Cancel keeps the draft and
// sends nothing, Apply saves (the renamed field keeps its values); additions save without asking;
// a multiple-value field made single is listed as losing data (each record keeps its last value).
import { describe, expect, test } from 'vitest'
import { screenshot, unnamedControls, useDashboardSession } from '../src/tests/browser.ts'

const ui = useDashboardSession({
  seed: async ({ sdk }) => {
    const pb = await sdk()
    await pb.collections.create({
      name: 'notes',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'views', type: 'number' },
        { name: 'body', type: 'text' },
        { name: 'labels', type: 'select', values: ['red', 'green', 'blue'], maxSelect: 3 },
      ],
      indexes: ['CREATE INDEX idx_notes_title ON notes (title)'],
    })
    await pb
      .collection('notes')
      .create({ title: 'First', views: 7, body: 'to be dropped', labels: ['red', 'blue'] })
  },
})

describe('dashboard schema save confirmation', () => {
  test('a rename and a drop are listed; cancel sends nothing; apply keeps the renamed values', async () => {
    const pb = await ui.sdk()
    const page = ui.page
    await page
      .getByRole('navigation', { name: 'Collections' })
      .getByRole('link', { name: /^notes\b/ })
      .click()
    await page.getByRole('heading', { name: 'notes', level: 1 }).waitFor()
    await page.getByRole('button', { name: 'Edit collection' }).click()
    const editor = page.getByRole('dialog', { name: 'Edit notes' })
    await editor
      .getByRole('listitem', { name: 'Field views', exact: true })
      .getByLabel('Field name')
      .fill('view_count')
    await editor.getByRole('button', { name: 'Remove field body' }).click()
    await editor.getByRole('button', { name: 'Save changes' }).click()

    const confirm = page.getByRole('dialog', { name: 'Save these changes to notes?' })
    const changes = confirm.getByRole('list', { name: 'Changes to confirm' }).getByRole('listitem')
    await changes.first().waitFor()
    expect((await changes.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim())).toEqual([
      'Field renamed views → view_count values kept',
      'Field removed body its values in every record are deleted',
    ])
    await confirm.getByRole('alert').getByText('One change deletes data').waitFor()
    expect(await unnamedControls(page)).toEqual([])
    await screenshot(page, 'schema-confirm')

    // cancel: nothing sent, the draft still has the rename and the removal
    await confirm.getByRole('button', { name: 'Cancel' }).click()
    await expect.poll(() => confirm.count()).toBe(0)
    const before = await pb.collections.getOne('notes')
    expect(before.fields.map((f) => f.name)).toEqual(['id', 'title', 'views', 'body', 'labels'])
    expect(
      await editor
        .getByRole('listitem', { name: 'Field view_count', exact: true })
        .getByLabel('Field name')
        .inputValue(),
    ).toBe('view_count')
    expect(await editor.getByRole('listitem', { name: 'Field body', exact: true }).count()).toBe(0)

    // apply: the renamed field keeps its value, the dropped one is gone
    await editor.getByRole('button', { name: 'Save changes' }).click()
    await confirm.getByRole('button', { name: 'Apply changes' }).click()
    await expect.poll(() => editor.count()).toBe(0)
    const after = await pb.collections.getOne('notes')
    expect(after.fields.map((f) => f.name)).toEqual(['id', 'title', 'view_count', 'labels'])
    const [note] = await pb.collection('notes').getFullList()
    expect(note).toMatchObject({ title: 'First', view_count: 7 })
    expect(note).not.toHaveProperty('body')
    expect(note).not.toHaveProperty('views')
    expect(ui.browser.problems()).toEqual([])
  })

  test('an added field saves without asking; a collection rename and a dropped index ask', async () => {
    const pb = await ui.sdk()
    const page = ui.page
    await page.getByRole('button', { name: 'Edit collection' }).click()
    const editor = page.getByRole('dialog', { name: 'Edit notes' })
    await editor.getByRole('button', { name: 'Add field' }).click()
    await editor
      .getByRole('group', { name: 'Field types' })
      .getByRole('button', { name: 'Bool', exact: true })
      .click()
    await editor.getByRole('button', { name: 'Save changes' }).click()
    await expect.poll(() => editor.count()).toBe(0)
    expect((await pb.collections.getOne('notes')).fields.map((f) => f.type)).toContain('bool')

    await page.getByRole('button', { name: 'Edit collection' }).click()
    await editor.getByLabel('Name', { exact: true }).fill('memos')
    await editor.getByRole('tab', { name: 'Indexes' }).click()
    await editor.getByRole('button', { name: 'Remove index 1' }).click()
    await editor.getByRole('button', { name: 'Save changes' }).click()
    const confirm = page.getByRole('dialog', { name: 'Save these changes to notes?' })
    const changes = confirm.getByRole('list', { name: 'Changes to confirm' }).getByRole('listitem')
    await changes.first().waitFor()
    expect((await changes.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim())).toEqual([
      'Collection renamed notes → memos API paths and rules use the new name',
      'Index removed idx_notes_title',
    ])
    expect(await confirm.getByRole('alert').count()).toBe(0)
    // Escape leaves the confirmation only: the editor stays open with the draft
    await page.keyboard.press('Escape')
    await expect.poll(() => confirm.count()).toBe(0)
    expect(await editor.getByLabel('Name', { exact: true }).inputValue()).toBe('memos')
    expect((await pb.collections.getOne('notes')).name).toBe('notes')
    await editor.getByRole('button', { name: 'Save changes' }).click()
    await confirm.getByRole('button', { name: 'Apply changes' }).click()
    await page.getByRole('heading', { name: 'memos', level: 1 }).waitFor()
    const renamed = await pb.collections.getOne('memos')
    expect(renamed.indexes).toEqual([])
    expect(ui.browser.problems()).toEqual([])
  })

  test('several values made one: listed as losing data; each record keeps its last value', async () => {
    const pb = await ui.sdk()
    const page = ui.page
    await page.getByRole('button', { name: 'Edit collection' }).click()
    const editor = page.getByRole('dialog', { name: 'Edit memos' })
    const labels = editor.getByRole('listitem', { name: 'Field labels', exact: true })
    await labels.getByRole('button', { name: 'Options of labels' }).click()
    await labels.getByLabel('Max select').fill('1')
    await editor.getByRole('button', { name: 'Save changes' }).click()
    const confirm = page.getByRole('dialog', { name: 'Save these changes to memos?' })
    const changes = confirm.getByRole('list', { name: 'Changes to confirm' }).getByRole('listitem')
    await changes.first().waitFor()
    expect((await changes.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim())).toEqual([
      'Field made single labels: several values → one each record keeps only its last value',
    ])
    await confirm.getByRole('alert').getByText('One change deletes data').waitFor()
    await confirm.getByRole('button', { name: 'Apply changes' }).click()
    await expect.poll(() => editor.count()).toBe(0)
    const [note] = await pb.collection('memos').getFullList()
    expect(note!.labels).toBe('blue')
    expect(ui.browser.problems()).toEqual([])
  })
})
