import { availableParallelism } from 'node:os'
import { buffer } from 'node:stream/consumers'
import type { FileSystem } from './filesystem.ts'

/** A thumb size: `WxH` (cover, centre), `WxHt` (top), `WxHb` (bottom), `WxHf` (fit), `0xH`, `Wx0`. */
export const THUMB_SIZE = /^(\d+)x(\d+)(t|b|f)?$/

/** The content types thumbs are made for (PocketBase: png, jpg, jpeg, gif, webp). */
export const THUMB_SOURCE_TYPES = [
  'image/png',
  'image/jpg',
  'image/jpeg',
  'image/gif',
  'image/webp',
]

/**
 * Resizes an image like PocketBase's thumb generator: EXIF orientation applied, first frame
 * only; `0xH`/`Wx0` keep the ratio, `WxH[t|b]` fill the box and crop (centre/top/bottom), `WxHf`
 * fits inside without enlarging. The output keeps JPEG and GIF; everything else becomes PNG
 * (format chosen from `fileName`'s extension). Throws for a bad size or an undecodable image.
 */
export async function resizeImage(input: Buffer, size: string, fileName: string): Promise<Buffer> {
  const m = THUMB_SIZE.exec(size)
  if (m === null) throw new Error(`Invalid thumb size "${size}".`)
  const width = Number(m[1])
  const height = Number(m[2])
  if (width === 0 && height === 0) throw new Error('Thumb width and height cannot be both zero.')
  // NOTE: loaded on the first thumb, not at start-up: sharp brings libvips (~19 MB), which most
  // commands and many servers never need (and the single executable extracts it on first use)
  const { default: sharp } = await import('sharp')
  let img = sharp(input, { pages: 1 }).rotate()
  if (width === 0 || height === 0) {
    img = img.resize({ width: width || undefined, height: height || undefined })
  } else if (m[3] === 'f') {
    img = img.resize({ width, height, fit: 'inside', withoutEnlargement: true })
  } else {
    const position = m[3] === 't' ? 'top' : m[3] === 'b' ? 'bottom' : 'centre'
    img = img.resize({ width, height, fit: 'cover', position })
  }
  const ext = fileName.slice(fileName.lastIndexOf('.') + 1).toLowerCase()
  if (ext === 'jpg' || ext === 'jpeg') return img.jpeg({ quality: 95 }).toBuffer()
  if (ext === 'gif') return img.gif().toBuffer()
  return img.png().toBuffer()
}

/** A counting semaphore with a wait timeout (PocketBase `PB_THUMBS_MAX_WORKERS`/`MAX_WAIT`). */
class Limiter {
  readonly #max: number
  #active = 0
  readonly #queue: (() => void)[] = []

  constructor(max: number) {
    this.#max = max
  }

  async run<T>(fn: () => Promise<T>, waitMs: number): Promise<T> {
    if (this.#active >= this.#max) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          const i = this.#queue.indexOf(go)
          if (i >= 0) this.#queue.splice(i, 1)
          reject(new Error('Timed out waiting for a thumb worker.'))
        }, waitMs)
        const go = () => {
          clearTimeout(timer)
          resolve()
        }
        this.#queue.push(go)
      })
    } else {
      this.#active++
    }
    try {
      return await fn()
    } finally {
      const next = this.#queue.shift()
      if (next !== undefined) next()
      else this.#active--
    }
  }
}

let limiter = new Limiter(availableParallelism())
let maxWaitMs = 60_000

/**
 * Sets the thumb generation limits (PocketBase `PB_THUMBS_MAX_WORKERS`, default the CPU count,
 * and `PB_THUMBS_MAX_WAIT`, default 60 s); the launcher passes the environment values.
 */
export function configureThumbs(options: { maxWorkers?: number; maxWaitMs?: number }): void {
  if (options.maxWorkers !== undefined && options.maxWorkers > 0)
    limiter = new Limiter(options.maxWorkers)
  if (options.maxWaitMs !== undefined && options.maxWaitMs > 0) maxWaitMs = options.maxWaitMs
}

const inFlight = new Map<string, Promise<void>>()

/**
 * Generates the thumb `thumbKey` of `originalKey` once (concurrent requests for the same thumb
 * share one generation; at most `maxWorkers` run at a time, each waiting up to `maxWaitMs`
 * for a slot — see `configureThumbs`). The thumb is stored with the original's content type,
 * like PocketBase does. Throws when the image cannot be processed.
 */
export function createThumb(
  fs: FileSystem,
  originalKey: string,
  thumbKey: string,
  size: string,
): Promise<void> {
  const running = inFlight.get(thumbKey)
  if (running !== undefined) return running
  const job = limiter
    .run(async () => {
      const original = await fs.get(originalKey)
      const bytes = await buffer(original.body)
      const out = await resizeImage(bytes, size, thumbKey)
      await fs.put(thumbKey, out, { contentType: original.attrs.contentType, metadata: {} })
    }, maxWaitMs)
    .finally(() => inFlight.delete(thumbKey))
  inFlight.set(thumbKey, job)
  return job
}
