import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Db } from '../db/db.ts'
import { openSqlite } from '../db/sqlite.ts'
import { FilterError } from '../fexpr/filter-error.ts'
import { buildFilterExpr, MAX_FILTER_LENGTH } from './filter.ts'
import { SelectQuery } from './select-query.ts'
import { SimpleFieldResolver } from './simple-field-resolver.ts'
import { buildSortExpr } from './sort.ts'

const resolver = () =>
  new SimpleFieldResolver({
    table: 'posts',
    columns: ['id', 'title', 'data', 'tags'],
    jsonColumns: ['data'],
    arrayColumns: ['tags'],
  })

const PAYLOADS = [
  "'; DROP TABLE posts; --",
  "x' OR '1'='1",
  'x" OR "1"="1',
  "\\'; DROP TABLE posts; --",
  '`; DROP TABLE posts; --',
  '\\',
  '\\\\',
  '%',
  '_%\\_',
  '\u0000',
  "'\u0000' OR 1=1",
  'é🎉\u202e\uFEFF',
  '\uD800', // lone surrogate
  ':p0',
  '{:p0}',
  '$1 ?1 ?',
  '*/ OR 1=1 /*',
  '-- comment',
  ')) OR ((1=1',
]

/** Filters built around each payload: as a text, as an identifier, as raw filter text. */
function hostileFilters(): string[] {
  const out: string[] = []
  for (const p of PAYLOADS) {
    const single = p.replaceAll('\\', '\\\\').replaceAll("'", "\\'")
    out.push(`title = '${single}'`, `title ~ '${single}'`, `tags:each ?= '${single}'`)
    out.push(`data.${p} = 1`, `${p} = 1`, `title = ${p}`, p, `title = '${p}'`, `title ~ "${p}"`)
  }
  out.push(
    "title = 'a' ; DROP TABLE posts",
    'title = 1 -- x',
    'title = 1 /* x */',
    `title = 'a' ${'&& title = 1 '.repeat(250)}`,
    `${'('.repeat(5000)}title = 1${')'.repeat(5000)}`,
    `${'('.repeat(5000)}`,
    `${')'.repeat(5000)}`,
    `title = '${'x'.repeat(1_000_000)}'`,
    `title ~ '${'\\'.repeat(10_001)}'`,
    `strftime('${"'".repeat(3)}', title) = 1`,
    "strftime('%Y', title, '; DROP TABLE posts') = 1",
    'geoDistance(title, title, title, title) > 1',
    'f(f(f(f(f(1))))) = 1',
    'data.99999999999999999999999 = 1',
    'data.0.1.2.3.4.5.6.7.8.9 = 1',
    'title:each:each = 1',
    'title = {:__proto__}',
    'title = {:constructor}',
    'title = {:toString}',
    '\u0000title = 1',
    'title\u0000 = 1',
    'tit\u00e9le = 1',
    '@request.auth.id = 1',
    '@collection.posts.title = 1',
    'title = @now && @unknownMacro = 1',
    '#title = 1',
  )
  return out
}

describe('filter injection', () => {
  let dir: string
  let db: Db
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'satchel-inj-'))
    db = openSqlite(join(dir, 'data.db'))
    await db.exec('CREATE TABLE posts (id TEXT PRIMARY KEY, title TEXT, data JSON, tags JSON)')
    await db.run("INSERT INTO posts VALUES ('a', 'x', '{}', '[\"x\"]')")
  })
  afterAll(async () => {
    await db.close()
    rmSync(dir, { recursive: true, force: true })
  })

  /** Compiles and runs `filter`; returns 'rejected' for a FilterError, 'ran' otherwise. */
  async function attempt(
    filter: string,
    params: Record<string, unknown> = {},
  ): Promise<'rejected' | 'ran'> {
    const r = resolver()
    let where: ReturnType<typeof buildFilterExpr>
    try {
      where = buildFilterExpr(filter, r, params)
    } catch (err) {
      if (err instanceof FilterError) return 'rejected'
      throw err
    }
    // Values are only ever bound: the SQL text holds no quote that the builder did not write.
    for (const value of Object.values(where.params)) {
      if (typeof value === 'string' && /['";\\\s]/.test(value)) {
        expect(where.sql).not.toContain(value)
      }
    }
    const q = new SelectQuery(db.dialect, 'posts').where(where)
    r.updateQuery(q)
    const { sql, params: bound } = q.toSql()
    await db.all(sql, bound)
    return 'ran'
  }

  test.each(hostileFilters().map((f) => [f.length > 80 ? `${f.slice(0, 77)}...` : f, f]))(
    '%s',
    async (_name, filter) => {
      await expect(attempt(filter)).resolves.toMatch(/^(rejected|ran)$/)
    },
  )

  test('hostile placeholder values are bound as values', async () => {
    for (const p of PAYLOADS) {
      const r = resolver()
      const where = buildFilterExpr('title = {:v} || title ~ {:v} || tags:each = {:v}', r, { v: p })
      if (p.length > 1 && /['";\\]/.test(p)) expect(where.sql).not.toContain(p)
      expect(Object.values(where.params)).toContain(p)
      const q = new SelectQuery(db.dialect, 'posts').where(where)
      r.updateQuery(q)
      await db.all(q.toSql().sql, q.toSql().params)
    }
    expect(
      await attempt('title = {:v}', { v: { toString: () => "'; DROP TABLE posts; --" } }),
    ).toBe('ran')
  })

  test('hostile sort input is rejected or resolved', () => {
    for (const p of [...PAYLOADS, 'title;DROP', 'title DESC', '-', '+', ',', 'a,'.repeat(9)]) {
      try {
        const terms = buildSortExpr(p, resolver())
        expect(terms.every((t) => /^(`posts`\.`\w+`|RANDOM\(\)) (ASC|DESC)$/.test(t.sql))).toBe(
          true,
        )
      } catch (err) {
        expect(err).toBeInstanceOf(FilterError)
      }
    }
  })

  test('client filters longer than the limit are rejected', () => {
    const huge = `title = '${'x'.repeat(MAX_FILTER_LENGTH)}'`
    expect(() => buildFilterExpr(huge, resolver(), {}, { maxLength: MAX_FILTER_LENGTH })).toThrow(
      FilterError,
    )
  })

  test('random filter-like input never throws anything but FilterError', async () => {
    // Deterministic xorshift so failures reproduce.
    let seed = 0x2545f491
    const rand = (n: number) => {
      seed ^= seed << 13
      seed ^= seed >>> 17
      seed ^= seed << 5
      return (seed >>> 0) % n
    }
    const atoms = [
      'title',
      'data.a',
      'tags:each',
      'tags:length',
      'title:lower',
      'id',
      "'x'",
      '"y"',
      "''",
      '1',
      '-2.5',
      'null',
      'true',
      '@now',
      '@year',
      '{:v}',
      "strftime('%Y', title)",
      'geoDistance(1, 2, id, 4)',
      '=',
      '!=',
      '>',
      '<=',
      '~',
      '!~',
      '?=',
      '?~',
      '?!=',
      '&&',
      '||',
      '(',
      ')',
      ' ',
      '//c\n',
      '\\',
      "'",
      ',',
      '.',
      ':',
      '@',
      '#',
      '%',
      '_',
      '\r',
      '\t',
      'é',
    ]
    const operands = atoms.slice(0, 18)
    const ops = atoms.slice(18, 27)
    let ran = 0
    for (let i = 0; i < 4000; i++) {
      let filter = ''
      if (i % 2 === 0) {
        // noise
        const len = 1 + rand(12)
        for (let j = 0; j < len; j++) filter += atoms[rand(atoms.length)]!
      } else {
        // mostly well-formed: a op b (&&|| a op b)*, sometimes grouped
        const n = 1 + rand(4)
        for (let j = 0; j < n; j++) {
          if (j > 0) filter += rand(2) ? ' && ' : ' || '
          const e = `${operands[rand(operands.length)]} ${ops[rand(ops.length)]} ${operands[rand(operands.length)]}`
          filter += rand(3) === 0 ? `(${e})` : e
        }
      }
      if ((await attempt(filter, { v: 'z' })) === 'ran') ran++
    }
    // Sanity: many of the random filters are valid and were executed.
    expect(ran).toBeGreaterThan(1000)
    expect(await db.get("SELECT name FROM sqlite_master WHERE name = 'posts'")).toEqual({
      name: 'posts',
    })
  })
})
