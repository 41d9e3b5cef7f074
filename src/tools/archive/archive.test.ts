import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { createArchive } from './create.ts'
import { extractArchive } from './extract.ts'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'satchel-archive-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

test('createArchive + extractArchive round trip: extras first, exclusions, no symlinks, every byte', async () => {
  const src = join(dir, 'src')
  mkdirSync(join(src, 'storage', 'c', 'r'), { recursive: true })
  mkdirSync(join(src, 'backups'))
  // a large, slow-to-deflate extra first: later entries must not lose bytes while yazl is busy
  const big = randomBytes(8 << 20)
  writeFileSync(join(dir, 'snapshot.db'), big)
  writeFileSync(join(dir, 'small.db'), 'small database')
  writeFileSync(join(src, 'data.db'), 'live file, replaced by the extra')
  writeFileSync(join(src, 'storage', 'c', 'r', 'a.txt'), 'file a')
  writeFileSync(join(src, 'backups', 'old.zip'), 'excluded')
  writeFileSync(join(src, 'data.db-wal'), 'excluded')
  symlinkSync('/etc/passwd', join(src, 'storage', 'link'))
  const progress: [number, number][] = []
  await createArchive(src, join(dir, 'out.zip'), {
    exclude: ['backups', 'data.db-wal'],
    extra: [
      { name: 'data.db', path: join(dir, 'snapshot.db') },
      { name: 'auxiliary.db', path: join(dir, 'small.db') },
    ],
    compressionLevel: 6,
    onProgress: (done, total) => progress.push([done, total]),
  })
  const total = big.length + 'small database'.length + 'file a'.length
  expect(progress.at(-1)).toEqual([total, total])
  // random bytes do not deflate: stored as is; small files are deflated
  const { default: yauzl } = await import('yauzl')
  const zip = await yauzl.openPromise(join(dir, 'out.zip'), { lazyEntries: true })
  const methods: { [name: string]: number } = {}
  for await (const e of zip.eachEntry()) methods[e.fileName] = e.compressionMethod
  expect(methods).toEqual({ 'data.db': 0, 'auxiliary.db': 8, 'storage/c/r/a.txt': 8 })

  const out = join(dir, 'out')
  mkdirSync(out)
  await extractArchive(join(dir, 'out.zip'), out)
  expect(readFileSync(join(out, 'data.db')).equals(big)).toBe(true)
  expect(readFileSync(join(out, 'auxiliary.db'), 'utf8')).toBe('small database')
  expect(readFileSync(join(out, 'storage', 'c', 'r', 'a.txt'), 'utf8')).toBe('file a')
  const { readdirSync } = await import('node:fs')
  expect(readdirSync(out, { recursive: true }).sort()).toEqual([
    'auxiliary.db',
    'data.db',
    'storage',
    'storage/c',
    'storage/c/r',
    'storage/c/r/a.txt',
  ])
})
