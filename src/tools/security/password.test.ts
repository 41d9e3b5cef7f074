import { describe, expect, test } from 'vitest'
import { comparePassword, hashPassword } from './password.ts'

describe('password', () => {
  test('accepts a hash written by PocketBase', async () => {
    const pbHash = '$2a$10$VaXzzYiNB9oliN7DvJBQ0.gwTNhH.hWONtWJsH4aGsh3N3I/pEzSm'
    expect(await comparePassword(pbHash, '1234567890')).toBe(true)
    expect(await comparePassword(pbHash, '1234567891')).toBe(false)
  })

  test('hashes with the $2a$ prefix and the given cost', async () => {
    const h = await hashPassword('secret-pass')
    expect(h).toMatch(/^\$2a\$10\$[./A-Za-z0-9]{53}$/)
    expect(await hashPassword('x', 4)).toMatch(/^\$2a\$04\$/)
    expect(await comparePassword(h, 'secret-pass')).toBe(true)
    expect(await comparePassword(h, 'secret-pasS')).toBe(false)
    expect(await hashPassword('secret-pass', 4)).not.toBe(await hashPassword('secret-pass', 4))
  })

  test('unicode passwords round-trip', async () => {
    const h = await hashPassword('pässwörd🎉', 4)
    expect(await comparePassword(h, 'pässwörd🎉')).toBe(true)
    expect(await comparePassword(h, 'passwörd🎉')).toBe(false)
  })

  test('$2b$ hashes verify too', async () => {
    const h = (await hashPassword('abc', 4)).replace(/^\$2a\$/, '$2b$')
    expect(await comparePassword(h, 'abc')).toBe(true)
  })

  test('never throws on malformed hashes', async () => {
    for (const bad of [
      '',
      'abc',
      '$2a$10$short',
      '$2a$99$VaXzzYiNB9oliN7DvJBQ0.gwTNhH.hWONtWJsH4aGsh3N3I/pEzSm',
    ]) {
      expect(await comparePassword(bad, '1234567890')).toBe(false)
    }
  })

  test('rejects passwords longer than 72 bytes and bad costs, like Go bcrypt', async () => {
    await expect(hashPassword('a'.repeat(73), 4)).rejects.toThrow()
    await expect(hashPassword('abc', 3)).rejects.toThrow()
    expect(await hashPassword('a'.repeat(72), 4)).toMatch(/^\$2a\$04\$/)
  })
})
