import { describe, expect } from 'vitest'
import { apiScenarios } from '../tests/api-scenario.ts'
import { IDS, seedRecordsSchema, superuserHeaders } from './record-crud.seed.ts'

const POST = (id: string, q: string) => `/api/collections/posts/records/${id}?${q}`

describe('expand', () => {
  apiScenarios([
    {
      name: 'single and multiple relations',
      method: 'GET',
      url: POST(IDS.p1, 'expand=author,coauthors'),
      beforeTest: seedRecordsSchema,
      expectedStatus: 200,
      afterTest: async (_app, body) => {
        const r = JSON.parse(body)
        expect(r.expand.author.id).toBe(IDS.a1)
        expect(r.expand.author.collectionName).toBe('authors')
        expect(r.expand.coauthors.map((x: { id: string }) => x.id)).toEqual([IDS.a1, IDS.a2])
      },
    },
    {
      name: 'unknown expand path: ignored, no expand key',
      method: 'GET',
      url: POST(IDS.p1, 'expand=nope,title'),
      beforeTest: seedRecordsSchema,
      expectedStatus: 200,
      notExpectedContent: ['"expand"'],
    },
    {
      name: 'resolved path with no related ids → empty expand map',
      method: 'GET',
      url: `/api/collections/posts/records/${IDS.p3}?expand=author`,
      beforeTest: seedRecordsSchema,
      expectedStatus: 200,
      expectedContent: ['"expand":{}'],
    },
    {
      name: 'null viewRule with no related ids: the path fails, no expand key',
      method: 'GET',
      url: `/api/collections/posts/records/${IDS.p3}?expand=ghost`,
      beforeTest: seedRecordsSchema,
      expectedStatus: 200,
      notExpectedContent: ['"expand"'],
    },
    {
      name: 'related collection with null viewRule: skipped for guests',
      method: 'GET',
      url: POST(IDS.p1, 'expand=ghost,author'),
      beforeTest: seedRecordsSchema,
      expectedStatus: 200,
      afterTest: async (_app, body) => {
        const r = JSON.parse(body)
        expect(r.expand.ghost).toBeUndefined()
        expect(r.expand.author.id).toBe(IDS.a1)
      },
    },
    {
      name: 'related collection with null viewRule: expanded for superusers',
      method: 'GET',
      url: POST(IDS.p1, 'expand=ghost'),
      beforeTest: seedRecordsSchema,
      headers: superuserHeaders,
      expectedStatus: 200,
      expectedContent: ['"expand":{"ghost":{', '"name":"Ghost"'],
    },
    {
      name: 'back-relation without unique index → array; nested relation',
      method: 'GET',
      url: POST(IDS.p1, 'expand=comments_via_post.post.author'),
      beforeTest: seedRecordsSchema,
      expectedStatus: 200,
      afterTest: async (_app, body) => {
        const r = JSON.parse(body)
        expect(Array.isArray(r.expand.comments_via_post)).toBe(true)
        expect(r.expand.comments_via_post[0].id).toBe(IDS.c1)
        expect(r.expand.comments_via_post[0].expand.post.expand.author.id).toBe(IDS.a1)
      },
    },
    {
      name: 'back-relation with a single-column unique index → object; legacy syntax',
      method: 'GET',
      url: `/api/collections/authors/records/${IDS.a1}?expand=profiles_via_author,posts(coauthors)`,
      beforeTest: seedRecordsSchema,
      expectedStatus: 200,
      afterTest: async (_app, body) => {
        const r = JSON.parse(body)
        expect(r.expand.profiles_via_author.id).toBe(IDS.pr1)
        expect(r.expand['posts(coauthors)'].map((x: { id: string }) => x.id)).toEqual([IDS.p1])
      },
    },
    {
      name: 'a prefix path is dropped in favour of the longer one; expansions merge',
      method: 'GET',
      url: POST(
        IDS.p1,
        `expand=${encodeURIComponent('author, author.profiles_via_author,coauthors')}`,
      ),
      beforeTest: seedRecordsSchema,
      expectedStatus: 200,
      afterTest: async (_app, body) => {
        const r = JSON.parse(body)
        expect(r.expand.author.expand.profiles_via_author.id).toBe(IDS.pr1)
        expect(r.expand.coauthors).toHaveLength(2)
      },
    },
    {
      name: 'list expand + fields picker inside expand',
      method: 'GET',
      url: `/api/collections/posts/records?sort=n&expand=author&fields=${encodeURIComponent('id,expand.author.name')}`,
      beforeTest: seedRecordsSchema,
      expectedStatus: 200,
      afterTest: async (_app, body) => {
        const r = JSON.parse(body)
        expect(r.items).toEqual([
          { id: IDS.p1, expand: { author: { name: 'Alice' } } },
          { id: IDS.p2, expand: { author: { name: 'Bob' } } },
          { id: IDS.p3, expand: {} },
        ])
      },
    },
    {
      name: 'expand beyond 6 levels is cut silently',
      method: 'GET',
      url: POST(
        IDS.p1,
        'expand=comments_via_post.post.comments_via_post.post.comments_via_post.post.author',
      ),
      beforeTest: seedRecordsSchema,
      expectedStatus: 200,
      afterTest: async (_app, body) => {
        const r = JSON.parse(body)
        let level = r.expand.comments_via_post[0]
        for (const key of ['post', 'comments_via_post', 'post', 'comments_via_post', 'post']) {
          const next = level.expand[key]
          level = Array.isArray(next) ? next[0] : next
        }
        expect(level.expand).toBeUndefined()
      },
    },
  ])
})
