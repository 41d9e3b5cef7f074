import { afterEach, describe, expect, test } from 'vitest'
import { TestApp } from '../tests/test-app.ts'
import { ApiError } from '../tools/router/api-error.ts'
import { ValidationErrors } from '../tools/validation/validation-errors.ts'
import {
  checkInstallerToken,
  createFirstSuperuser,
  hasSuperusers,
  newInstallerToken,
} from './installer.ts'

let app: TestApp | undefined
afterEach(async () => {
  await app?.cleanup()
  app = undefined
})

describe('first-run installer', () => {
  test('a token is random, URL-safe, and refused once expired or altered', () => {
    const a = newInstallerToken(1_000, 60_000)
    const b = newInstallerToken(1_000, 60_000)
    expect(a.token).toMatch(/^[\w-]{43}$/)
    expect(a.token).not.toBe(b.token)
    expect(checkInstallerToken(a, a.token, 61_000)).toBe(true)
    expect(checkInstallerToken(a, a.token, 61_001)).toBe(false)
    expect(checkInstallerToken(a, b.token, 2_000)).toBe(false)
    expect(checkInstallerToken(a, '', 2_000)).toBe(false)
  })

  test('creates one superuser; racing and later calls are refused', async () => {
    app = await TestApp.create()
    expect(await hasSuperusers(app)).toBe(false)
    const input = {
      email: 'first@example.com',
      password: 'pass-1234',
      passwordConfirm: 'pass-1234',
    }
    const results = await Promise.allSettled([
      createFirstSuperuser(app, input),
      createFirstSuperuser(app, { ...input, email: 'second@example.com' }),
    ])
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    const rejected = results.find((r) => r.status === 'rejected')
    expect((rejected as PromiseRejectedResult).reason).toBeInstanceOf(ApiError)
    expect(((rejected as PromiseRejectedResult).reason as ApiError).status).toBe(403)
    expect(await hasSuperusers(app)).toBe(true)
  })

  test('bad input: field errors, nothing written', async () => {
    app = await TestApp.create()
    const mismatch = createFirstSuperuser(app, {
      email: 'a@example.com',
      password: 'pass-1234',
      passwordConfirm: 'other-1234',
    })
    await expect(mismatch).rejects.toBeInstanceOf(ValidationErrors)
    const short = createFirstSuperuser(app, { email: 'nope', password: '1', passwordConfirm: '1' })
    const err = (await short.catch((e: unknown) => e)) as ValidationErrors
    expect(Object.keys(err.toJSON()).sort()).toEqual(['email', 'password'])
    expect(await hasSuperusers(app)).toBe(false)
  })
})
