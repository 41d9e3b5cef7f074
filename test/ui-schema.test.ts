// The dashboard's schema diagram in Chromium: every collection as a box of its fields, the
// relations between them drawn and listed, system collections on demand, a box opens its records.
import { describe, expect, test } from 'vitest'
import { screenshot, useDashboardSession } from '../src/tests/browser.ts'

const ui = useDashboardSession({
  seed: async ({ sdk }) => {
    const pb = await sdk()
    const users = await pb.collections.getOne('users')
    const tags = await pb.collections.create({
      name: 'tags',
      fields: [{ name: 'label', type: 'text' }],
    })
    const posts = await pb.collections.create({
      name: 'posts',
      fields: [
        { name: 'title', type: 'text' },
        {
          name: 'author',
          type: 'relation',
          collectionId: users.id,
          maxSelect: 1,
          cascadeDelete: true,
        },
        { name: 'tags', type: 'relation', collectionId: tags.id, maxSelect: 5 },
      ],
    })
    await pb.collections.update(posts.id, {
      fields: [
        ...posts.fields,
        { name: 'parent', type: 'relation', collectionId: posts.id, maxSelect: 1 },
      ],
    })
  },
})

describe('dashboard schema diagram', () => {
  test('collections, their fields and relations; system ones on demand; a box opens records', async () => {
    await ui.page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Schema' })
      .click()
    await ui.page.getByRole('heading', { name: 'Schema', level: 1 }).waitFor()
    const posts = ui.page.getByRole('article', { name: 'posts collection' })
    await expect
      .poll(() =>
        posts
          .getByRole('list', { name: 'Fields of posts' })
          .getByRole('listitem')
          .allTextContents(),
      )
      .toEqual([
        expect.stringMatching(/^\s*id\s*text\s*$/),
        expect.stringMatching(/^\s*title\s*text\s*$/),
        expect.stringMatching(/^\s*author\s*→ users\s*$/),
        expect.stringMatching(/^\s*tags\s*→ tags\s*$/),
        expect.stringMatching(/^\s*parent\s*→ posts\s*$/),
      ])
    const relations = ui.page.getByRole('list', { name: 'Relations' })
    const texts = (await relations.getByRole('listitem').allTextContents()).map((t) =>
      t.replace(/\s+/g, ' ').trim(),
    )
    expect(texts).toEqual([
      'posts.author → users (one record, cascade delete)',
      'posts.tags → tags (several records)',
      'posts.parent → posts (one record)',
    ])
    // the server holds the same relations
    const pb = await ui.sdk()
    const saved = await pb.collections.getOne('posts')
    expect(saved.fields.filter((f) => f.type === 'relation').map((f) => f.name)).toEqual([
      'author',
      'tags',
      'parent',
    ])

    expect(await ui.page.getByRole('article', { name: '_superusers collection' }).count()).toBe(0)
    await ui.page.getByLabel('Show system collections').check()
    await ui.page.getByRole('article', { name: '_superusers collection' }).waitFor()
    await ui.page.getByLabel('Show system collections').uncheck()
    await screenshot(ui.page, 'schema')

    await posts.getByRole('link', { name: 'posts' }).click()
    await ui.page.getByRole('heading', { name: 'posts', level: 1 }).waitFor()
    expect(ui.browser.problems()).toEqual([])
  })
})
