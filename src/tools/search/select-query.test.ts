import { describe, expect, test } from 'vitest'
import { sqliteDialect } from '../db/dialect-sqlite.ts'
import { planList } from './provider.ts'
import { mergeParams, SelectQuery, sql } from './select-query.ts'

describe('SelectQuery', () => {
  test('builds a plain select', () => {
    const q = new SelectQuery(sqliteDialect, 'posts')
    expect(q.toSql()).toEqual({ sql: 'SELECT `posts`.* FROM `posts`', params: {} })
  })

  test('builds every clause and merges params', () => {
    const q = new SelectQuery(sqliteDialect, 'posts', 'p')
      .columns('`p`.`id`', sql('`p`.`title` = :c0', { c0: 'x' }))
      .join(
        'LEFT JOIN',
        '`users`',
        'u',
        sql('`u`.`id` = `p`.`author` AND `u`.`x` = :j0', { j0: 1 }),
      )
      .join('LEFT JOIN', '`other`', 'u')
      .where(sql('`p`.`a` = :w0', { w0: 'a' }))
      .where(sql(''))
      .where(sql('`u`.`b` = :w1 OR `u`.`b` = :w0', { w1: 'b', w0: 'a' }))
      .orderBy(sql('`p`.`created` DESC'), sql('RANDOM()'))
      .limit(10)
      .offset(20)
    expect(q.hasJoin('u')).toBe(true)
    expect(q.joins).toHaveLength(1)
    expect(q.toSql()).toEqual({
      sql:
        'SELECT DISTINCT `p`.`id`, `p`.`title` = :c0 FROM `posts` `p` ' +
        'LEFT JOIN `users` `u` ON `u`.`id` = `p`.`author` AND `u`.`x` = :j0 ' +
        'WHERE (`p`.`a` = :w0) AND (`u`.`b` = :w1 OR `u`.`b` = :w0) ' +
        'ORDER BY `p`.`created` DESC, RANDOM() LIMIT 10 OFFSET 20',
      params: { c0: 'x', j0: 1, w0: 'a', w1: 'b' },
    })
    expect(q.toCountSql()).toEqual({
      sql:
        'SELECT COUNT(DISTINCT `p`.`_rowid_`) AS total FROM `posts` `p` ' +
        'LEFT JOIN `users` `u` ON `u`.`id` = `p`.`author` AND `u`.`x` = :j0 ' +
        'WHERE (`p`.`a` = :w0) AND (`u`.`b` = :w1 OR `u`.`b` = :w0)',
      params: { j0: 1, w0: 'a', w1: 'b' },
    })
  })

  test('offset without limit, explicit distinct, clone independence', () => {
    const q = new SelectQuery(sqliteDialect, 'posts').distinct().offset(5)
    const c = q.clone().limit(1)
    expect(q.toSql().sql).toBe('SELECT DISTINCT `posts`.* FROM `posts` LIMIT -1 OFFSET 5')
    expect(c.toSql().sql).toBe('SELECT DISTINCT `posts`.* FROM `posts` LIMIT 1 OFFSET 5')
  })

  test('conflicting parameter values are a programming error', () => {
    const q = new SelectQuery(sqliteDialect, 'posts')
      .where(sql(':a', { a: 1 }))
      .where(sql(':a', { a: 2 }))
    expect(() => q.toSql()).toThrow('two different values')
    const into = { a: 1 }
    mergeParams(into, { a: 1, b: null })
    expect(into).toEqual({ a: 1, b: null })
  })
})

describe('planList', () => {
  const base = () =>
    new SelectQuery(sqliteDialect, 'posts').where(sql('`posts`.`a` = :p0', { p0: 1 }))

  test.each<[string, object, number, number, string]>([
    ['defaults', {}, 1, 30, 'LIMIT 30'],
    ['page 3', { page: 3, perPage: 10 }, 3, 10, 'LIMIT 10 OFFSET 20'],
    ['page <= 0 → 1', { page: -4, perPage: 10 }, 1, 10, 'LIMIT 10'],
    ['perPage <= 0 → 30', { page: 2, perPage: 0 }, 2, 30, 'LIMIT 30 OFFSET 30'],
    ['perPage clamped to 1000', { perPage: 5000 }, 1, 1000, 'LIMIT 1000'],
    ['non-integer page → 1', { page: 1.5 }, 1, 30, 'LIMIT 30'],
  ])('%s', (_name, options, page, perPage, tail) => {
    const plan = planList(base(), options)
    expect(plan.page).toBe(page)
    expect(plan.perPage).toBe(perPage)
    expect(plan.rows.sql).toBe(
      `SELECT \`posts\`.* FROM \`posts\` WHERE \`posts\`.\`a\` = :p0 ${tail}`,
    )
    expect(plan.count?.sql).toBe(
      'SELECT COUNT(DISTINCT `posts`.`_rowid_`) AS total FROM `posts` WHERE `posts`.`a` = :p0',
    )
  })

  test('skipTotal plans no count; countColumn overrides the counted column', () => {
    expect(planList(base(), { skipTotal: true }).count).toBeUndefined()
    expect(planList(base(), { countColumn: '`posts`.`id`' }).count?.sql).toContain(
      'COUNT(DISTINCT `posts`.`id`)',
    )
  })

  test('does not modify the query', () => {
    const q = base()
    planList(q, { page: 2 })
    expect(q.toSql().sql).toBe('SELECT `posts`.* FROM `posts` WHERE `posts`.`a` = :p0')
  })
})
