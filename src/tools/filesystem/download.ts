import { posix } from 'node:path'
import { assertPublicURL } from '../security/public-address.ts'

/** A file fetched over HTTP, fully in memory (small files only: see `maxSize`). */
export interface DownloadedFile {
  /** A file name from the URL path (or `file`). */
  name: string
  /** The response's Content-Type, or "". */
  type: string
  data: Uint8Array
}

/** Options of `downloadFile`. */
export interface DownloadOptions {
  /** Largest accepted body in bytes. */
  readonly maxSize: number
  /** Whole-download timeout in milliseconds (PocketBase uses 15 s for avatars). */
  readonly timeoutMs?: number
  /** Allow loopback/private hosts (development only); otherwise they are refused (SSRF). */
  readonly allowPrivate?: boolean
}

const MAX_REDIRECTS = 3

/**
 * Downloads a small file from a URL a third party supplied (e.g. an OAuth2 avatar): http(s)
 * only, each hop (redirects included) checked to be a public address unless `allowPrivate`,
 * bounded in time and size. Throws an Error on any failure (non-2xx, too large, timeout, refused).
 */
export async function downloadFile(url: string, options: DownloadOptions): Promise<DownloadedFile> {
  const signal = AbortSignal.timeout(options.timeoutMs ?? 15_000)
  let current = new URL(url)
  for (let hop = 0; ; hop++) {
    if (!options.allowPrivate) await assertPublicURL(current)
    else if (current.protocol !== 'http:' && current.protocol !== 'https:') {
      throw new Error(`Only http(s) URLs can be fetched, not ${current.protocol}`)
    }
    const res = await fetch(current, { redirect: 'manual', signal })
    const location = res.headers.get('location')
    if (res.status >= 300 && res.status < 400 && location !== null) {
      await res.body?.cancel()
      if (hop >= MAX_REDIRECTS) throw new Error('Too many redirects.')
      current = new URL(location, current)
      continue
    }
    if (!res.ok) {
      await res.body?.cancel()
      throw new Error(`Download failed with status ${res.status}.`)
    }
    const declared = Number(res.headers.get('content-length') ?? '0')
    if (declared > options.maxSize) {
      await res.body?.cancel()
      throw new Error('The file is too large.')
    }
    const chunks: Uint8Array[] = []
    let size = 0
    for await (const chunk of res.body ?? []) {
      size += chunk.byteLength
      if (size > options.maxSize) throw new Error('The file is too large.')
      chunks.push(chunk)
    }
    const data = new Uint8Array(size)
    let offset = 0
    for (const c of chunks) {
      data.set(c, offset)
      offset += c.byteLength
    }
    const name = posix.basename(decodeURIComponent(current.pathname)) || 'file'
    return { name, type: res.headers.get('content-type') ?? '', data }
  }
}
