import { createReadStream, type Stats } from 'node:fs'
import { open, realpath, stat } from 'node:fs/promises'
import { join, sep } from 'node:path'
import { Readable } from 'node:stream'
import type { Context } from 'hono'
import { contentTypeByExtension } from '../tools/filesystem/extension-types.ts'
import { detectMime } from '../tools/filesystem/mime.ts'
import { notFoundError } from '../tools/router/api-error.ts'
import { parseRange } from '../tools/router/byte-range.ts'
import { skipSuccessActivityLog } from './activity-logger.ts'

/** Options of {@link serveStatic}. */
export interface StaticOptions {
  /**
   * Serves the folder's root `index.html` for paths that do not exist (single-page apps with
   * pretty URLs; PocketBase `--indexFallback`). Default false.
   */
  readonly indexFallback?: boolean
  /**
   * The URL path the handler is mounted under, with its trailing slash (`/` for `pb_public`,
   * `/_/` for the dashboard). The rest of the path names the file. Default `/`.
   */
  readonly mountPath?: string
  /** `Cache-Control` of every served file outside `immutablePrefix`; default none, like PocketBase. */
  readonly cacheControl?: string
  /**
   * Path prefix, relative to the folder (e.g. `assets/`), of content-hashed files: they get
   * `Cache-Control: public, max-age=31536000, immutable`, and a missing one is a 404 even with
   * `indexFallback` (a stale page asking for an old bundle must not receive HTML).
   */
  readonly immutablePrefix?: string
  /** Extra headers of every served file (e.g. a `Content-Security-Policy` for the dashboard). */
  readonly headers?: Readonly<Record<string, string>>
}

/** `Cache-Control` of files under `StaticOptions.immutablePrefix`. */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable'

/** The index page of a folder (PocketBase `router.IndexPage`). */
const INDEX_PAGE = 'index.html'

/** What a request path resolved to inside the folder. */
type Lookup =
  | { kind: 'missing' }
  | { kind: 'file'; path: string; rel: string; stats: Stats }
  | { kind: 'dir'; path: string; rel: string }

/**
 * Returns a GET/HEAD handler serving the files of the folder `root` (PocketBase
 * `apis.Static(os.DirFS(root), indexFallback)`, which serves `pb_public` at `/`):
 *
 * - A directory without a trailing slash → 301 to `path/`; a directory serves its own
 *   `index.html`; a file with a trailing slash → 301 without it; `…/index.html` → 301 to `…/`.
 * - Content types by extension (Go's table plus web fonts, maps, manifests), sniffed otherwise.
 * - `Last-Modified` (seconds) and a weak `ETag` (size + mtime); `If-None-Match` /
 *   `If-Modified-Since` → 304; one `Range` → 206 (416 when outside); HEAD sends headers only.
 * - Paths that could leave the folder are treated as missing: `..` segments, encoded `/` or
 *   `\` (`%2f`, `%5c`), NUL bytes, malformed percent-encoding and symlinks whose target lies
 *   outside the folder. Symlinks inside it are followed.
 * - Missing → the root `index.html` with `indexFallback`, otherwise a 404 `File not found.`
 *   (thrown as an ApiError, so the router's error handler writes PocketBase's JSON).
 *
 * The folder may be created or filled after the server started (nothing is cached).
 *
 * @example
 * // the dashboard, with long-cached hashed bundles and an always-revalidated index.html
 * router.get('/_/*', serveStatic(uiDist, {
 *   mountPath: '/_/', immutablePrefix: 'assets/', cacheControl: 'no-cache',
 * }))
 */
export function serveStatic(
  root: string,
  options: StaticOptions = {},
): (c: Context) => Promise<Response> {
  const opts = Object.freeze({ mountPath: '/', ...options })
  return async (c) => {
    // PocketBase logs static files only when they fail (e.g. a 404).
    skipSuccessActivityLog(c)
    const urlPath = new URL(c.req.url).pathname
    const rel = relativePath(urlPath, opts.mountPath)
    const realRoot = await realpath(root).catch(() => undefined)
    const found =
      rel === undefined || realRoot === undefined
        ? ({ kind: 'missing' } as const)
        : await lookup(realRoot, rel)

    if (found.kind === 'missing') return fallbackOrNotFound(c, realRoot, rel, opts)

    if (found.kind === 'dir') {
      if (!urlPath.endsWith('/')) return redirect(c, `${urlPath}/`)
    } else if (urlPath.endsWith('/')) {
      const trimmed = urlPath.replace(/\/+$/, '')
      if (trimmed !== '') return redirect(c, trimmed)
    } else if (urlPath.endsWith(`/${INDEX_PAGE}`)) {
      return redirect(c, urlPath.slice(0, -INDEX_PAGE.length))
    }

    if (found.kind === 'file') return sendFile(c, found.path, found.rel, found.stats, opts)
    // NOTE: looked up from the root again so a symlinked index.html is checked too.
    const index = await lookup(realRoot!, joinRel(found.rel, INDEX_PAGE))
    if (index.kind === 'file') return sendFile(c, index.path, index.rel, index.stats, opts)
    return fallbackOrNotFound(c, realRoot, rel, opts)
  }
}

/** Serves the root `index.html` when `indexFallback` applies to `rel`, else throws 404. */
async function fallbackOrNotFound(
  c: Context,
  realRoot: string | undefined,
  rel: string | undefined,
  opts: StaticOptions,
): Promise<Response> {
  const immutable = opts.immutablePrefix !== undefined && rel?.startsWith(opts.immutablePrefix)
  if (opts.indexFallback && rel !== INDEX_PAGE && !immutable && realRoot !== undefined) {
    const index = await lookup(realRoot, INDEX_PAGE)
    if (index.kind === 'file') return sendFile(c, index.path, index.rel, index.stats, opts)
  }
  throw notFoundError('File not found.')
}

/**
 * The file path below `mountPath` as clean `/`-joined segments ('' for the folder itself), or
 * undefined when the path is outside the mount or tries to escape (see {@link serveStatic}).
 */
function relativePath(urlPath: string, mountPath: string): string | undefined {
  let rest: string
  if (urlPath.startsWith(mountPath)) rest = urlPath.slice(mountPath.length)
  else if (`${urlPath}/` === mountPath) rest = ''
  else return undefined
  const segments: string[] = []
  for (const raw of rest.split('/')) {
    let seg: string
    try {
      seg = decodeURIComponent(raw)
    } catch {
      return undefined
    }
    if (seg === '' || seg === '.') continue
    if (seg === '..' || /[/\\\0]/.test(seg)) return undefined
    segments.push(seg)
  }
  return segments.join('/')
}

/** Resolves `rel` inside `realRoot`, following symlinks only while they stay inside it. */
async function lookup(realRoot: string, rel: string): Promise<Lookup> {
  let real: string
  let stats: Stats
  try {
    real = await realpath(join(realRoot, rel))
    stats = await stat(real)
  } catch {
    return { kind: 'missing' }
  }
  if (real !== realRoot && !real.startsWith(realRoot + sep)) return { kind: 'missing' }
  if (stats.isDirectory()) return { kind: 'dir', path: real, rel }
  if (!stats.isFile()) return { kind: 'missing' }
  return { kind: 'file', path: real, rel, stats }
}

function joinRel(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`
}

/** A 301 like PocketBase's; leading slashes collapse so the target stays on this host. */
function redirect(c: Context, location: string): Response {
  return c.body(null, 301, { Location: location.replace(/^\/{2,}/, '/') })
}

async function sendFile(
  c: Context,
  path: string,
  rel: string,
  stats: Stats,
  opts: StaticOptions,
): Promise<Response> {
  const size = stats.size
  const modSeconds = Math.floor(stats.mtimeMs / 1000)
  const lastModified = new Date(modSeconds * 1000).toUTCString()
  const etag = `W/"${size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`
  const cacheControl =
    opts.immutablePrefix !== undefined && rel.startsWith(opts.immutablePrefix)
      ? IMMUTABLE_CACHE_CONTROL
      : opts.cacheControl
  const headers: Record<string, string> = { ...opts.headers }
  headers['Last-Modified'] = lastModified
  headers.ETag = etag
  if (cacheControl !== undefined) headers['Cache-Control'] = cacheControl

  if (notModified(c, etag, modSeconds)) return c.body(null, 304, headers)

  headers['Accept-Ranges'] = 'bytes'
  headers['Content-Type'] = contentTypeByExtension(rel) ?? (await sniff(path))
  let status: 200 | 206 = 200
  let range: { start: number; end: number } | undefined
  const rangeHeader = c.req.header('range')
  if (rangeHeader !== undefined && size > 0 && ifRangeMatches(c, modSeconds)) {
    const parsed = parseRange(rangeHeader, size)
    if (parsed === 'invalid') {
      return c.body('invalid range: failed to overlap\n', 416, {
        'Content-Range': `bytes */${size}`,
        'Content-Type': 'text/plain; charset=utf-8',
      })
    }
    if (parsed !== undefined) {
      range = parsed
      status = 206
      headers['Content-Range'] = `bytes ${parsed.start}-${parsed.end}/${size}`
    }
  }
  headers['Content-Length'] = String(range === undefined ? size : range.end - range.start + 1)
  if (c.req.method === 'HEAD' || size === 0) return c.body(null, status, headers)
  const body = Readable.toWeb(createReadStream(path, range)) as ReadableStream<Uint8Array>
  return c.body(body, status, headers)
}

/**
 * Conditional GET (RFC 9110 §13.2.2): `If-None-Match` decides when present (weak comparison,
 * `*` matches), otherwise `If-Modified-Since` at one-second precision.
 */
function notModified(c: Context, etag: string, modSeconds: number): boolean {
  const inm = c.req.header('if-none-match')
  if (inm !== undefined) {
    const weak = (t: string) => t.trim().replace(/^W\//, '')
    return inm.split(',').some((t) => t.trim() === '*' || weak(t) === weak(etag))
  }
  const since = Date.parse(c.req.header('if-modified-since') ?? '')
  return !Number.isNaN(since) && modSeconds * 1000 <= since
}

/** `If-Range` holds the current validator (a date must match exactly; weak ETags never do). */
function ifRangeMatches(c: Context, modSeconds: number): boolean {
  const ifRange = c.req.header('if-range')?.trim()
  if (ifRange === undefined) return true
  if (ifRange.startsWith('"') || ifRange.startsWith('W/')) return false
  return Date.parse(ifRange) === modSeconds * 1000
}

/** Sniffs the first 512 bytes, like Go's `http.DetectContentType` fallback in ServeContent. */
async function sniff(path: string): Promise<string> {
  const fh = await open(path, 'r')
  try {
    const buf = Buffer.alloc(512)
    const { bytesRead } = await fh.read(buf, 0, 512, 0)
    const { mime } = detectMime(buf.subarray(0, bytesRead))
    return mime === 'text/plain' ? 'text/plain; charset=utf-8' : mime
  } finally {
    await fh.close()
  }
}
