import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, test } from 'vitest'
import { fileSystemContract } from './filesystem.contract.ts'
import { LocalFileSystem } from './local.ts'

const root = mkdtempSync(join(tmpdir(), 'satchel-localfs-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
let n = 0

fileSystemContract('local', async () => new LocalFileSystem(join(root, String(n++))))

test('the .attrs sidecar is the JSON PocketBase writes', async () => {
  const fs = new LocalFileSystem(join(root, 'attrs'))
  await fs.put('c/r/a.txt', Buffer.from('hello world\n'), {
    contentType: 'text/plain; charset=utf-8',
    metadata: { 'original-filename': 'My Test File.txt' },
  })
  expect(readFileSync(join(root, 'attrs', 'c', 'r', 'a.txt.attrs'), 'utf8')).toBe(
    '{"user.cache_control":"","user.content_disposition":"","user.content_encoding":"","user.content_language":"","user.content_type":"text/plain; charset=utf-8","user.metadata":{"original-filename":"My Test File.txt"},"md5":"b1kCrCNwJL3QwXbLkwY9xA=="}',
  )
})

test('keys cannot leave the root', async () => {
  const fs = new LocalFileSystem(join(root, 'safe'))
  await expect(fs.put('../x', Buffer.from('x'))).rejects.toThrow(/Invalid file key/)
})
