import { createWriteStream } from 'node:fs'
import { type FileHandle, mkdir, open, readdir, rm, stat } from 'node:fs/promises'
import { dirname, join, relative, sep } from 'node:path'
import { Transform } from 'node:stream'
import { finished, pipeline } from 'node:stream/promises'
import { deflateRawSync } from 'node:zlib'
import { ZipFile } from 'yazl'

/** A file added to an archive under another name (e.g. a database snapshot as `data.db`). */
export interface ArchiveExtraFile {
  /** The slash-separated name inside the archive. */
  readonly name: string
  /** The file on disk. */
  readonly path: string
}

/** Options of {@link createArchive}. */
export interface CreateArchiveOptions {
  /**
   * Paths relative to the source dir (slash-separated) that are left out; a directory leaves out
   * everything below it.
   */
  readonly exclude?: readonly string[]
  /** Files added first; a walked file with the same name is left out. */
  readonly extra?: readonly ArchiveExtraFile[]
  /** Called as bytes are read: done and total (uncompressed) bytes. */
  readonly onProgress?: (doneBytes: number, totalBytes: number) => void
  /** zlib level of the deflated entries (default 1, PocketBase's `flate.BestSpeed`). */
  readonly compressionLevel?: number
}

/**
 * Zips the regular files under `srcDir` into `destFile` (PocketBase `archive.Create`): deflated
 * entries named by their slash-separated path, no directory entries, symlinks skipped. Files are
 * read one at a time (bounded open files); a file that disappears between the walk and its turn
 * (a record deleted meanwhile) is left out. Removes `destFile` and rethrows on failure.
 */
export async function createArchive(
  srcDir: string,
  destFile: string,
  options: CreateArchiveOptions = {},
): Promise<void> {
  const extra = options.extra ?? []
  const skip = new Set(extra.map((e) => e.name))
  const walked = (await walkFiles(srcDir, options.exclude ?? [])).filter((n) => !skip.has(n))
  const entries = [
    ...extra,
    ...walked.map((name) => ({ name, path: join(srcDir, ...name.split('/')) })),
  ]
  await mkdir(dirname(destFile), { recursive: true })
  const zip = new ZipFile()
  const written = pipeline(zip.outputStream, createWriteStream(destFile))
  // NOTE: a failing output (disk full) must stop the feeding loop too.
  let outputError: unknown
  written.catch((err: unknown) => {
    outputError = err
  })
  try {
    const files: { name: string; path: string; mtime: Date; mode: number; size: number }[] = []
    let total = 0
    for (const e of entries) {
      let st: import('node:fs').Stats
      try {
        st = await stat(e.path)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue
        throw err
      }
      if (!st.isFile()) continue
      total += st.size
      files.push({ name: e.name, path: e.path, mtime: st.mtime, mode: st.mode, size: st.size })
    }
    let done = 0
    options.onProgress?.(0, total)
    const level = options.compressionLevel ?? 1
    for (const h of files) {
      if (outputError !== undefined) throw outputError
      let fh: FileHandle
      try {
        fh = await open(h.path, 'r')
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue
        throw err
      }
      // NOTE: counted through a Transform piped to yazl: a 'data' listener on the file stream
      // itself would make it flow before yazl reaches this entry, and the bytes would be lost.
      const counter = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          done += chunk.length
          options.onProgress?.(done, total)
          cb(null, chunk)
        },
      })
      const source = fh.createReadStream({ start: 0 })
      source.pipe(counter)
      source.once('error', (err) => counter.destroy(err))
      const compress = level > 0 && (await worthDeflating(fh, h.size))
      zip.addReadStream(counter, h.name, {
        mtime: h.mtime,
        mode: h.mode & 0o777,
        compressionLevel: compress ? level : 0,
      })
      // the entry is written once yazl has read the counter to its end
      await finished(counter)
    }
    zip.end()
    await written
  } catch (err) {
    zip.outputStream.resume()
    await rm(destFile, { force: true })
    throw err
  }
}

/** Files at least this big are sampled before deflating them. */
const SAMPLE_MIN_SIZE = 256 * 1024
const SAMPLE_SIZE = 64 * 1024

/**
 * False when a sample of the file barely deflates (already compressed: images, video, archives),
 * so it is stored as is: deflating such data costs the most CPU and saves nothing.
 */
async function worthDeflating(fh: FileHandle, size: number): Promise<boolean> {
  if (size < SAMPLE_MIN_SIZE) return true
  const sample = Buffer.alloc(SAMPLE_SIZE)
  // NOTE: from the middle, past headers that often compress well even in compressed formats
  const { bytesRead } = await fh.read(sample, 0, SAMPLE_SIZE, Math.floor((size - SAMPLE_SIZE) / 2))
  const deflated = deflateRawSync(sample.subarray(0, bytesRead), { level: 1 })
  return deflated.length < bytesRead * 0.95
}

/** Every regular file below `root` as a slash-separated relative path, sorted; skips `exclude`. */
async function walkFiles(root: string, exclude: readonly string[]): Promise<string[]> {
  const out: string[] = []
  const excluded = (name: string) => exclude.some((x) => name === x || name.startsWith(`${x}/`))
  const visit = async (dir: string): Promise<void> => {
    let items: import('node:fs').Dirent[]
    try {
      items = await readdir(dir, { withFileTypes: true })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
      throw err
    }
    for (const item of items) {
      const full = join(dir, item.name)
      const name = relative(root, full).split(sep).join('/')
      if (excluded(name)) continue
      if (item.isDirectory()) await visit(full)
      else if (item.isFile()) out.push(name)
    }
  }
  await visit(root)
  return out.sort()
}
