import { createWriteStream } from 'node:fs'
import { mkdir, statfs } from 'node:fs/promises'
import { dirname, join, resolve, sep } from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { type Entry, openPromise, type ZipFile } from 'yauzl'

/**
 * ArchiveError says an archive cannot be extracted safely: it is corrupt, or hostile (absolute
 * or `..` paths, symlinks, encrypted entries, sizes or compression ratios beyond the limits).
 */
export class ArchiveError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'ArchiveError'
  }
}

/** Limits of {@link extractArchive}. */
export interface ExtractLimits {
  /**
   * The most bytes all entries may expand to (default 256 GiB); the free space of the
   * destination's file system (less 64 MiB) caps it further.
   */
  readonly maxTotalBytes?: number
  /** The most entries (default 1,000,000). */
  readonly maxEntries?: number
  /**
   * The highest uncompressed/compressed ratio of an entry larger than 1 MiB (default 250; a
   * deflated SQLite file or text rarely passes 20, a zip bomb is near deflate's limit of 1032).
   */
  readonly maxRatio?: number
}

const DEFAULTS = { maxTotalBytes: 256 * 1024 ** 3, maxEntries: 1_000_000, maxRatio: 250 }
const RATIO_MIN_SIZE = 1024 * 1024
const FREE_SPACE_MARGIN = 64 * 1024 * 1024

/**
 * Extracts the zip `zipFile` into the existing empty dir `destDir` (PocketBase `archive.Extract`),
 * checking the whole central directory first so a hostile archive is refused before anything is
 * written: file names must be relative without `..` or backslashes (yauzl's strict check), no
 * symlinks or encrypted entries, only stored/deflated data, entry count, total size and
 * compression ratio within `limits`. While extracting, each entry's real size must match its
 * declared size (a lying header is a zip bomb too). Throws ArchiveError for every archive
 * problem (other errors are I/O failures); the caller removes `destDir` then.
 */
export async function extractArchive(
  zipFile: string,
  destDir: string,
  limits: ExtractLimits = {},
  onProgress?: (doneBytes: number, totalBytes: number) => void,
): Promise<void> {
  const maxEntries = limits.maxEntries ?? DEFAULTS.maxEntries
  const maxRatio = limits.maxRatio ?? DEFAULTS.maxRatio
  let maxTotal = limits.maxTotalBytes ?? DEFAULTS.maxTotalBytes
  const fsStats = await statfs(destDir).catch(() => undefined)
  if (fsStats !== undefined) {
    maxTotal = Math.min(maxTotal, fsStats.bavail * fsStats.bsize - FREE_SPACE_MARGIN)
  }
  let zip: ZipFile
  try {
    zip = await openPromise(zipFile, {
      lazyEntries: true,
      autoClose: false,
      decodeStrings: true,
      validateEntrySizes: true,
      strictFileNames: true,
    })
  } catch (err) {
    throw new ArchiveError(`Invalid zip archive: ${(err as Error).message}.`, { cause: err })
  }
  try {
    const entries: Entry[] = []
    let total = 0
    try {
      for await (const entry of zip.eachEntry()) {
        if (entries.length >= maxEntries)
          throw new ArchiveError('The archive has too many entries.')
        checkEntry(entry, maxRatio)
        total += entry.uncompressedSize
        if (total > maxTotal) {
          throw new ArchiveError(
            `The archive expands to more than ${maxTotal} bytes (the size limit or the free disk space).`,
          )
        }
        entries.push(entry)
      }
    } catch (err) {
      if (err instanceof ArchiveError) throw err
      throw new ArchiveError(`Invalid zip archive: ${(err as Error).message}.`, { cause: err })
    }
    const root = resolve(destDir)
    const seen = new Set<string>()
    let done = 0
    onProgress?.(0, total)
    for (const entry of entries) {
      const name = entry.fileName.replace(/\/+$/, '')
      if (name === '') continue
      if (seen.has(name)) throw new ArchiveError(`Duplicate archive entry "${name}".`)
      seen.add(name)
      const target = resolve(join(root, ...name.split('/')))
      // NOTE: yauzl already refuses `..` and absolute names; this guards against anything else.
      if (!target.startsWith(root + sep)) throw new ArchiveError(`Unsafe archive entry "${name}".`)
      if (entry.fileName.endsWith('/')) {
        await mkdirOrFail(target, name)
        continue
      }
      await mkdirOrFail(dirname(target), name)
      let input: NodeJS.ReadableStream
      try {
        input = await zip.openReadStreamPromise(entry)
      } catch (err) {
        throw new ArchiveError(`Invalid archive entry "${name}": ${(err as Error).message}.`, {
          cause: err,
        })
      }
      const counter = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          done += chunk.length
          onProgress?.(done, total)
          cb(null, chunk)
        },
      })
      try {
        await pipeline(input, counter, createWriteStream(target, { flags: 'wx', mode: 0o644 }))
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code
        if (code === 'EEXIST' || code === 'ENOTDIR' || code === 'EISDIR') {
          throw new ArchiveError(`Conflicting archive entry "${name}".`, { cause: err })
        }
        if (code === undefined || code.startsWith('Z_')) {
          throw new ArchiveError(`Invalid archive entry "${name}": ${(err as Error).message}.`, {
            cause: err,
          })
        }
        throw err
      }
    }
  } finally {
    zip.close()
  }
}

function checkEntry(entry: Entry, maxRatio: number): void {
  const name = entry.fileName
  // The high 16 bits of the external attributes hold the Unix mode when made on Unix.
  const mode = (entry.externalFileAttributes >>> 16) & 0o170000
  if (mode === 0o120000) throw new ArchiveError(`Symbolic links are not allowed ("${name}").`)
  if (mode !== 0 && mode !== 0o100000 && mode !== 0o040000) {
    throw new ArchiveError(`Only files and directories are allowed ("${name}").`)
  }
  if (entry.isEncrypted())
    throw new ArchiveError(`Encrypted entries are not supported ("${name}").`)
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
    throw new ArchiveError(`Unsupported compression method of "${name}".`)
  }
  if (
    entry.uncompressedSize > RATIO_MIN_SIZE &&
    entry.uncompressedSize > maxRatio * Math.max(1, entry.compressedSize)
  ) {
    throw new ArchiveError(`The compression ratio of "${name}" is suspiciously high.`)
  }
}

async function mkdirOrFail(dir: string, name: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true })
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'EEXIST' || code === 'ENOTDIR') {
      throw new ArchiveError(`Conflicting archive entry "${name}".`, { cause: err })
    }
    throw err
  }
}
