import { Readable } from 'node:stream'
import { text } from 'node:stream/consumers'
import { describe, expect, test } from 'vitest'
import { FileNotFoundError, type FileSystem } from './filesystem.ts'

/**
 * The behaviour every FileSystem driver must have (run by `local.test.ts` and `s3.test.ts`).
 * `open` returns a fresh, empty file system for each test.
 */
export function fileSystemContract(name: string, open: () => Promise<FileSystem>): void {
  describe(`${name} file system contract`, () => {
    test('put streams and get returns the bytes and attributes', async () => {
      const fs = await open()
      await fs.put('c1/r1/a.txt', Readable.from([Buffer.from('hello '), Buffer.from('world')]), {
        contentType: 'text/plain; charset=utf-8',
        metadata: { 'original-filename': 'A b.txt' },
        size: 11,
      })
      const obj = await fs.get('c1/r1/a.txt')
      expect(await text(obj.body)).toBe('hello world')
      expect(obj.attrs.contentType).toBe('text/plain; charset=utf-8')
      expect(obj.attrs.metadata['original-filename']).toBe('A b.txt')
      expect(obj.attrs.size).toBe(11)
      expect(obj.attrs.md5).toBe('XrY7u+Ae7tCTyyK7j1rNww==')
      expect(obj.attrs.modTime.getTime()).toBeGreaterThan(Date.now() - 60_000)
    })

    test('moveIn stores a local file under a key and removes the file', async () => {
      const fs = await open()
      const { mkdtempSync, writeFileSync, existsSync } = await import('node:fs')
      const { tmpdir } = await import('node:os')
      const { join } = await import('node:path')
      const path = join(mkdtempSync(join(tmpdir(), 'satchel-movein-')), 'x.zip')
      writeFileSync(path, 'hello world')
      await fs.moveIn('b.zip', path, {
        contentType: 'application/zip',
        metadata: { 'original-filename': 'b.zip' },
      })
      expect(existsSync(path)).toBe(false)
      const obj = await fs.get('b.zip')
      expect(await text(obj.body)).toBe('hello world')
      expect(obj.attrs.contentType).toBe('application/zip')
      expect(obj.attrs.metadata['original-filename']).toBe('b.zip')
      expect(obj.attrs.size).toBe(11)
      expect(obj.attrs.md5).toBe('XrY7u+Ae7tCTyyK7j1rNww==')
    })

    test('put from a buffer replaces an existing key', async () => {
      const fs = await open()
      await fs.put('c/r/f.bin', Buffer.from('one'))
      await fs.put('c/r/f.bin', Buffer.from('second'), { contentType: 'application/x-test' })
      const attrs = await fs.attributes('c/r/f.bin')
      expect(attrs.size).toBe(6)
      expect(attrs.contentType).toBe('application/x-test')
      expect(await text((await fs.get('c/r/f.bin')).body)).toBe('second')
    })

    test('get with a byte range', async () => {
      const fs = await open()
      await fs.put('c/r/range.txt', Buffer.from('0123456789'))
      const obj = await fs.get('c/r/range.txt', { start: 2, end: 5 })
      expect(await text(obj.body)).toBe('2345')
      expect(obj.attrs.size).toBe(10)
      const tail = await fs.get('c/r/range.txt', { start: 8, end: 100 })
      expect(await text(tail.body)).toBe('89')
    })

    test('missing keys', async () => {
      const fs = await open()
      await expect(fs.get('c/r/missing')).rejects.toBeInstanceOf(FileNotFoundError)
      await expect(fs.attributes('c/r/missing')).rejects.toBeInstanceOf(FileNotFoundError)
      expect(await fs.exists('c/r/missing')).toBe(false)
      await fs.delete('c/r/missing')
      await fs.deletePrefix('nothing/here')
      expect(await fs.list('nothing')).toEqual([])
    })

    test('exists, list, delete and deletePrefix', async () => {
      const fs = await open()
      await fs.put('c/r1/a.txt', Buffer.from('a'))
      await fs.put('c/r1/thumbs_a.png/10x10_a.png', Buffer.from('t'))
      await fs.put('c/r2/b.txt', Buffer.from('b'))
      await fs.put('c/r10/c.txt', Buffer.from('c'))
      expect(await fs.exists('c/r1/a.txt')).toBe(true)
      expect(await fs.list('c/r1')).toEqual(['c/r1/a.txt', 'c/r1/thumbs_a.png/10x10_a.png'])
      expect(await fs.list('c')).toHaveLength(4)
      await fs.delete('c/r1/a.txt')
      expect(await fs.exists('c/r1/a.txt')).toBe(false)
      await fs.deletePrefix('c/r1')
      expect(await fs.list('c')).toEqual(['c/r10/c.txt', 'c/r2/b.txt'])
      await fs.check()
      await fs.close()
    })
  })
}
