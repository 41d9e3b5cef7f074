import { describe, expect, test } from 'vitest'
import { FilterError } from '../fexpr/filter-error.ts'
import { buildFilterExpr, MAX_FILTER_LENGTH } from './filter.ts'
import { SelectQuery } from './select-query.ts'
import { SimpleFieldResolver } from './simple-field-resolver.ts'

const NOW = new Date('2024-02-10T12:34:56.789Z') // a Saturday

const resolver = () =>
  new SimpleFieldResolver({
    table: 'posts',
    columns: ['id', 'title', 'views', 'status', 'data', 'tags', 'created', 'lon', 'lat'],
    jsonColumns: ['data'],
    arrayColumns: ['tags'],
  })

const title = '`posts`.`title`'
const views = '`posts`.`views`'
const status = '`posts`.`status`'
const created = '`posts`.`created`'
const json = (path: string, pbPath: string) =>
  `(CASE WHEN json_valid(\`posts\`.\`data\`) THEN JSON_EXTRACT(\`posts\`.\`data\`, '${path}') ` +
  `ELSE JSON_EXTRACT(json_object('pb', \`posts\`.\`data\`), '${pbPath}') END)`
const tagsArray = (alias: string) =>
  `CASE WHEN iif(json_valid(${alias}.\`tags\`), json_type(${alias}.\`tags\`)='array', FALSE) ` +
  `THEN ${alias}.\`tags\` ELSE json_array(${alias}.\`tags\`) END`
const each = '`__je_tags`.`value`'
const everyTag = (n: number, cond: string) =>
  `NOT EXISTS (SELECT 1 FROM (SELECT \`__mm_je_tags\`.\`value\` AS \`multiMatchValue\` ` +
  `FROM \`posts\` \`__mm_posts\` LEFT JOIN json_each(${tagsArray('`__mm_posts`')}) \`__mm_je_tags\` ` +
  `WHERE \`__mm_posts\`.\`id\` = \`posts\`.\`id\`) \`__sm${n}\` WHERE NOT (${cond}))`
const mmv = (n: number) => `\`__sm${n}\`.\`multiMatchValue\``
const ESC = "ESCAPE '\\'"
const geo = (lonA: string, latA: string, lonB: string, latB: string) =>
  `(6371 * acos(min(1, max(-1, cos(radians(${latA})) * cos(radians(${latB})) * ` +
  `cos(radians(${lonB}) - radians(${lonA})) + sin(radians(${latA})) * sin(radians(${latB}))))))`

type Case = [name: string, filter: string, sql: string, params: Record<string, unknown>]

describe('buildFilterExpr', () => {
  const placeholders = {
    t: 'x',
    empty: '',
    nil: null,
    n: 5,
    yes: true,
    no: false,
    pct: '50%',
    date: new Date('2024-01-02T03:04:05.006Z'),
    arr: [1, 'a'],
  }

  test.each<Case>([
    // comparisons and literals
    ['equal text', "title = 'a'", `${title} = :p0`, { p0: 'a' }],
    ['text on the left', "'a' = title", `:p0 = ${title}`, { p0: 'a' }],
    ['not equal text', "title != 'a'", `${title} IS NOT :p0`, { p0: 'a' }],
    ['equal number', 'views = 5', `${views} = :p0`, { p0: 5 }],
    ['negative float', 'views > -1.5', `${views} > :p0`, { p0: -1.5 }],
    [
      'gt/gte/lt/lte',
      'views > 1 && views >= 2 && views < 3 && views <= 4',
      `(${views} > :p0 AND ${views} >= :p1 AND ${views} < :p2 AND ${views} <= :p3)`,
      { p0: 1, p1: 2, p2: 3, p3: 4 },
    ],
    [
      'true/false literals',
      'status = true && status != FALSE',
      `(${status} = 1 AND ${status} IS NOT 0)`,
      {},
    ],
    ['literal vs literal', "'a' = 'b'", ':p0 = :p1', { p0: 'a', p1: 'b' }],
    ['true = true', 'true = true', '1 = 1', {}],
    // NULL / empty rules (§5.6)
    ['equal empty text', "title = ''", `(${title} = '' OR ${title} IS NULL)`, {}],
    ['equal empty double quotes', 'title = ""', `(${title} = '' OR ${title} IS NULL)`, {}],
    ['empty on the left', "'' = title", `(${title} = '' OR ${title} IS NULL)`, {}],
    ['not equal empty', "title != ''", `(${title} IS NOT '' AND ${title} IS NOT NULL)`, {}],
    ['equal null', 'title = null', `(${title} = '' OR ${title} IS NULL)`, {}],
    ['not equal NULL', 'title != NULL', `(${title} IS NOT '' AND ${title} IS NOT NULL)`, {}],
    ['null = null', 'null = null', "'' = ''", {}],
    ['empty != null', "'' != null", "'' IS NOT ''", {}],
    ['column vs column', 'title = status', `COALESCE(${title}, '') = COALESCE(${status}, '')`, {}],
    [
      'column != column',
      'title != status',
      `COALESCE(${title}, '') IS NOT COALESCE(${status}, '')`,
      {},
    ],
    ['null in ordering', 'views > null', `${views} > NULL`, {}],
    // JSON paths: no null fallback
    ['json path', 'data.a.b.0.c = 2', `${json('$.a.b[0].c', '$.pb.a.b[0].c')} IS :p0`, { p0: 2 }],
    ['json root null', 'data = null', `${json('$', '$.pb')} IS NULL`, {}],
    ['json != empty', "data != ''", `${json('$', '$.pb')} IS NOT ''`, {}],
    ['json vs column', 'data.x != title', `${json('$.x', '$.pb.x')} IS NOT ${title}`, {}],
    ['json ordering', 'data.n > 1', `${json('$.n', '$.pb.n')} > :p0`, { p0: 1 }],
    // LIKE
    ['contains', "title ~ 'abc'", `${title} LIKE :p0 ${ESC}`, { p0: '%abc%' }],
    ['not contains', "title !~ 'abc'", `${title} NOT LIKE :p0 ${ESC}`, { p0: '%abc%' }],
    ['escapes _ and %-free text', "title ~ 'a_b'", `${title} LIKE :p0 ${ESC}`, { p0: '%a\\_b%' }],
    ['user wildcard', "title ~ 'abc%'", `${title} LIKE :p0 ${ESC}`, { p0: 'abc%' }],
    ['user wildcard keeps _', "title ~ '%a_c'", `${title} LIKE :p0 ${ESC}`, { p0: '%a_c' }],
    ['escaped % is literal', "title ~ 'a\\%b'", `${title} LIKE :p0 ${ESC}`, { p0: '%a\\%b%' }],
    [
      'escaped backslash pair (fexpr unescapes \\\\)',
      "title ~ 'a\\\\%b'",
      `${title} LIKE :p0 ${ESC}`,
      { p0: '%a\\%b%' },
    ],
    ['lone backslash is escaped', "title ~ 'a\\b'", `${title} LIKE :p0 ${ESC}`, { p0: '%a\\\\b%' }],
    ['trailing backslash', "title ~ 'a\\\\'", `${title} LIKE :p0 ${ESC}`, { p0: '%a\\\\%' }],
    ['empty pattern', "title ~ ''", `${title} LIKE :p0 ${ESC}`, { p0: '%%' }],
    ['column pattern', 'title ~ status', `${title} LIKE ('%' || ${status} || '%') ${ESC}`, {}],
    ['null pattern', 'title ~ null', `${title} LIKE ('%' || NULL || '%') ${ESC}`, {}],
    ['number pattern', 'title ~ 5', `${title} LIKE ('%' || :p0 || '%') ${ESC}`, { p0: 5 }],
    ['?~ on a single value', "title ?~ 'a'", `${title} LIKE :p0 ${ESC}`, { p0: '%a%' }],
    // precedence and groups
    [
      'and/or flat',
      "views > 1 && title = 'a' || views < 3",
      `(${views} > :p0 AND ${title} = :p1 OR ${views} < :p2)`,
      { p0: 1, p1: 'a', p2: 3 },
    ],
    [
      'group first',
      "(views > 1 || title = 'a') && views < 3",
      `((${views} > :p0 OR ${title} = :p1) AND ${views} < :p2)`,
      { p0: 1, p1: 'a', p2: 3 },
    ],
    ['single item groups unwrap', "((title = 'a'))", `${title} = :p0`, { p0: 'a' }],
    [
      'nested',
      "title = 'a' || (views = 1 && (views = 2 || views = 3))",
      `(${title} = :p0 OR (${views} = :p1 AND (${views} = :p2 OR ${views} = :p3)))`,
      { p0: 'a', p1: 1, p2: 2, p3: 3 },
    ],
    // modifiers of the simple resolver
    ['lower', "title:lower = 'a'", `LOWER(${title}) = :p0`, { p0: 'a' }],
    [
      'length',
      'tags:length > 1',
      `json_array_length(CASE WHEN iif(json_valid(\`posts\`.\`tags\`), json_type(\`posts\`.\`tags\`)='array', FALSE) ` +
        `THEN \`posts\`.\`tags\` ELSE (CASE WHEN \`posts\`.\`tags\` = '' OR \`posts\`.\`tags\` IS NULL ` +
        `THEN json_array() ELSE json_array(\`posts\`.\`tags\`) END) END) > :p0`,
      { p0: 1 },
    ],
    // multi-value semantics (§5.7)
    ['any value', "tags:each ?= 'a'", `${each} = :p0`, { p0: 'a' }],
    [
      'every value',
      "tags:each = 'a'",
      `((${each} = :p0) AND (${everyTag(0, `${mmv(0)} = :p0`)}))`,
      { p0: 'a' },
    ],
    [
      'every value !=',
      "tags:each != 'a'",
      `((${each} IS NOT :p0) AND (${everyTag(0, `${mmv(0)} IS NOT :p0`)}))`,
      { p0: 'a' },
    ],
    [
      'every value like',
      "tags:each ~ 'a'",
      `((${each} LIKE :p0 ${ESC}) AND (${everyTag(0, `${mmv(0)} LIKE :p0 ${ESC}`)}))`,
      { p0: '%a%' },
    ],
    [
      'multi on the right',
      "'a' = tags:each",
      `((:p0 = ${each}) AND (${everyTag(0, `:p0 = ${mmv(0)}`)}))`,
      { p0: 'a' },
    ],
    [
      'both sides multi',
      'tags:each = tags:each',
      `((COALESCE(${each}, '') = COALESCE(${each}, '')) AND (NOT EXISTS (SELECT 1 FROM ` +
        `(SELECT \`__mm_je_tags\`.\`value\` AS \`multiMatchValue\` FROM \`posts\` \`__mm_posts\` LEFT JOIN json_each(${tagsArray('`__mm_posts`')}) \`__mm_je_tags\` WHERE \`__mm_posts\`.\`id\` = \`posts\`.\`id\`) \`__sm0\` ` +
        `LEFT JOIN (SELECT \`__mm_je_tags\`.\`value\` AS \`multiMatchValue\` FROM \`posts\` \`__mm_posts\` LEFT JOIN json_each(${tagsArray('`__mm_posts`')}) \`__mm_je_tags\` WHERE \`__mm_posts\`.\`id\` = \`posts\`.\`id\`) \`__sm1\` ` +
        `ON 1 = 1 WHERE NOT (COALESCE(${mmv(0)}, '') = COALESCE(${mmv(1)}, '')))))`,
      {},
    ],
    // placeholders
    ['placeholder text', 'title = {:t}', `${title} = :p0`, { p0: 'x' }],
    ['placeholder empty', 'title = {:empty}', `(${title} = '' OR ${title} IS NULL)`, {}],
    ['placeholder null', 'title != {:nil}', `(${title} IS NOT '' AND ${title} IS NOT NULL)`, {}],
    ['placeholder number', 'views > {:n}', `${views} > :p0`, { p0: 5 }],
    [
      'placeholder booleans',
      'status = {:yes} || status = {:no}',
      `(${status} = 1 OR ${status} = 0)`,
      {},
    ],
    ['placeholder like', 'title ~ {:pct}', `${title} LIKE :p0 ${ESC}`, { p0: '50%' }],
    [
      'placeholder date',
      'created > {:date}',
      `${created} > :p0`,
      { p0: '2024-01-02 03:04:05.006Z' },
    ],
    [
      'placeholder array as JSON',
      'data = {:arr}',
      `${json('$', '$.pb')} IS :p0`,
      { p0: '[1,"a"]' },
    ],
    [
      'placeholder reused',
      'title = {:t} || status = {:t}',
      `(${title} = :p0 OR ${status} = :p1)`,
      { p0: 'x', p1: 'x' },
    ],
    // date macros
    ['@now', 'created < @now', `${created} < :p0`, { p0: '2024-02-10 12:34:56.789Z' }],
    [
      'day macros',
      'created > @yesterday && created < @tomorrow && created >= @todayStart && created <= @todayEnd',
      `(${created} > :p0 AND ${created} < :p1 AND ${created} >= :p2 AND ${created} <= :p3)`,
      {
        p0: '2024-02-09 12:34:56.789Z',
        p1: '2024-02-11 12:34:56.789Z',
        p2: '2024-02-10 00:00:00.000Z',
        p3: '2024-02-10 23:59:59.999Z',
      },
    ],
    [
      'month/year macros',
      'created >= @monthStart && created <= @monthEnd || created >= @yearStart && created <= @yearEnd',
      `(${created} >= :p0 AND ${created} <= :p1 OR ${created} >= :p2 AND ${created} <= :p3)`,
      {
        p0: '2024-02-01 00:00:00.000Z',
        p1: '2024-02-29 23:59:59.999Z',
        p2: '2024-01-01 00:00:00.000Z',
        p3: '2024-12-31 23:59:59.999Z',
      },
    ],
    [
      'integer macros',
      '@second = 56 && @minute = 34 && @hour = 12 && @day = 10 && @month = 2 && @weekday = 6 && @year = 2024',
      '(:p0 = :p1 AND :p2 = :p3 AND :p4 = :p5 AND :p6 = :p7 AND :p8 = :p9 AND :p10 = :p11 AND :p12 = :p13)',
      {
        p0: 56,
        p1: 56,
        p2: 34,
        p3: 34,
        p4: 12,
        p5: 12,
        p6: 10,
        p7: 10,
        p8: 2,
        p9: 2,
        p10: 6,
        p11: 6,
        p12: 2024,
        p13: 2024,
      },
    ],
    [
      'macro vs empty',
      "@yesterday = ''",
      "(:p0 = '' OR :p0 IS NULL)",
      { p0: '2024-02-09 12:34:56.789Z' },
    ],
    // functions
    [
      'strftime',
      "strftime('%Y', created) = '2024'",
      `strftime(:p0, ${created}) = :p1`,
      { p0: '%Y', p1: '2024' },
    ],
    [
      'strftime modifiers and trailing comma',
      "strftime('%Y-%m', created, 'start of month', '+1 day',) != ''",
      `(strftime(:p0, ${created}, :p1, :p2) IS NOT '' AND strftime(:p0, ${created}, :p1, :p2) IS NOT NULL)`,
      { p0: '%Y-%m', p1: 'start of month', p2: '+1 day' },
    ],
    [
      'strftime without a time value (now)',
      "strftime('%Y') != ''",
      "(strftime(:p0, :p1) IS NOT '' AND strftime(:p0, :p1) IS NOT NULL)",
      { p0: '%Y', p1: 'now' },
    ],
    [
      'strftime vs column coalesces',
      "strftime('%Y', created) = title",
      `COALESCE(strftime(:p0, ${created}), '') = COALESCE(${title}, '')`,
      { p0: '%Y' },
    ],
    // texts are bound on first use, so the macro gets the first name here
    [
      'strftime of a macro',
      "strftime('%Y', @now) = '2024'",
      'strftime(:p1, :p0) = :p2',
      { p0: '2024-02-10 12:34:56.789Z', p1: '%Y', p2: '2024' },
    ],
    [
      'strftime over each (any)',
      "strftime('%Y', tags:each) ?= '2024'",
      `strftime(:p0, ${each}) = :p1`,
      { p0: '%Y', p1: '2024' },
    ],
    [
      'strftime over each (all)',
      "strftime('%Y', tags:each) = '2024'",
      `((strftime(:p0, ${each}) = :p1) AND (NOT EXISTS (SELECT 1 FROM (SELECT strftime(:p0, \`__mm_je_tags\`.\`value\`) AS \`multiMatchValue\` ` +
        `FROM \`posts\` \`__mm_posts\` LEFT JOIN json_each(${tagsArray('`__mm_posts`')}) \`__mm_je_tags\` ` +
        `WHERE \`__mm_posts\`.\`id\` = \`posts\`.\`id\`) \`__sm0\` WHERE NOT (${mmv(0)} = :p1))))`,
      { p0: '%Y', p1: '2024' },
    ],
    [
      'geoDistance',
      'geoDistance(lon, lat, 23.3, 42.7) < 25',
      `${geo('`posts`.`lon`', '`posts`.`lat`', ':p0', ':p1')} < :p2`,
      { p0: 23.3, p1: 42.7, p2: 25 },
    ],
    [
      'geoDistance uses IS',
      'geoDistance(lon, lat, 1, 2) != title',
      `${geo('`posts`.`lon`', '`posts`.`lat`', ':p0', ':p1')} IS NOT ${title}`,
      { p0: 1, p1: 2 },
    ],
    [
      'geoDistance with placeholders',
      'geoDistance(lon, lat, {:n}, {:n}) = null',
      `${geo('`posts`.`lon`', '`posts`.`lat`', ':p0', ':p1')} IS NULL`,
      { p0: 5, p1: 5 },
    ],
  ])('%s', (_name, filter, expectedSql, expectedParams) => {
    const out = buildFilterExpr(filter, resolver(), placeholders, { now: NOW })
    expect(out.sql).toBe(expectedSql)
    expect(out.params).toEqual(expectedParams)
  })

  test('paramPrefix keeps two filters of one statement apart', () => {
    const r = resolver()
    const a = buildFilterExpr("title = 'a'", r, {}, { paramPrefix: 'r' })
    const b = buildFilterExpr("title = 'b'", r, {}, { paramPrefix: 'f' })
    expect([a.sql, b.sql]).toEqual([`${title} = :r0`, `${title} = :f0`])
    expect({ ...a.params, ...b.params }).toEqual({ r0: 'a', f0: 'b' })
  })

  test('the resolver adds its joins to the query', () => {
    const r = resolver()
    const where = buildFilterExpr("tags:each ?= 'a' && tags:each ?= 'b'", r)
    const q = new SelectQuery(r.dialect, 'posts').where(where)
    r.updateQuery(q)
    expect(q.toSql().sql).toBe(
      `SELECT DISTINCT \`posts\`.* FROM \`posts\` LEFT JOIN json_each(${tagsArray('`posts`')}) \`__je_tags\` ` +
        `WHERE (${each} = :p0 AND ${each} = :p1)`,
    )
  })

  test.each([
    ['unknown field', 'nope = 1'],
    ['unknown nested path', 'title.x = 1'],
    ['unknown modifier', 'title:upper = 1'],
    ['two modifiers', "tags:each:lower = 'a'"],
    ['each on a plain column', "title:each = 'a'"],
    ['lone identifier-like keyword', '@rowid > 1'],
    ['unknown function', 'nope(title) = 1'],
    ['geoDistance arity', 'geoDistance(lon, lat, 1) < 1'],
    ['geoDistance text argument', "geoDistance(lon, 'a', 1, 2) < 1"],
    ['geoDistance nested function', 'geoDistance(geoDistance(1, 2, 3, 4), 1, 1, 2) < 1'],
    ['strftime without arguments', 'strftime() = 1'],
    ['strftime format not text', 'strftime(title) = 1'],
    ['strftime swapped args', "strftime(created, '%Y') = 1"],
    ['strftime numeric modifier', "strftime('%Y', created, 1) = 1"],
    ['strftime nested', "strftime('%Y', strftime('%Y', created)) = 1"],
    ['strftime too many args', `strftime('%Y', created${", 'x'".repeat(9)}) = 1`],
    ['missing placeholder', 'title = {:missing}'],
    ['placeholder NaN', 'views = {:nan}'],
    ['syntax error', 'title = '],
  ])('rejects %s', (_name, filter) => {
    expect(() => buildFilterExpr(filter, resolver(), { nan: Number.NaN })).toThrow(FilterError)
  })

  test('an unknown field error points at the operand', () => {
    try {
      buildFilterExpr("title = 'a' && nope = 1", resolver())
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(FilterError)
      expect((err as FilterError).position).toBe(15)
    }
  })

  test('limits the number of expressions to 200', () => {
    const make = (n: number) => Array.from({ length: n }, (_, i) => `views = ${i}`).join(' || ')
    expect(() => buildFilterExpr(make(200), resolver())).not.toThrow()
    expect(() => buildFilterExpr(make(201), resolver())).toThrow('max filter expressions')
    expect(() => buildFilterExpr(`(${make(150)}) && (${make(51)})`, resolver())).toThrow(
      FilterError,
    )
  })

  test('limits the length in UTF-8 bytes when asked (client filters)', () => {
    const opts = { maxLength: MAX_FILTER_LENGTH }
    const pad = (n: number, c = 'x') => `views = 1 || title = '${c.repeat(n)}'`
    expect(pad(3477).length).toBe(3500)
    expect(() => buildFilterExpr(pad(3477), resolver(), {}, opts)).not.toThrow()
    expect(() => buildFilterExpr(pad(3478), resolver(), {}, opts)).toThrow(FilterError)
    expect(() => buildFilterExpr(pad(1800, 'é'), resolver(), {}, opts)).toThrow(FilterError)
    expect(() => buildFilterExpr(pad(5000), resolver())).not.toThrow()
  })

  test('null/true/false are literals even where a column has that name (reserved names)', () => {
    const r = new SimpleFieldResolver({ table: 't', columns: ['true', 'null'] })
    expect(buildFilterExpr('true = 1', r).sql).toBe('1 = :p0')
    expect(buildFilterExpr('NULL = 1', r).sql).not.toContain('`t`.`null`')
  })
})
