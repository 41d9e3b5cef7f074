import type { Context, Hono } from 'hono'
import { stream } from 'hono/streaming'
import { FileField, fileNames } from '../core/field-file.ts'
import { FileDownloadRequestEvent, FileTokenRequestEvent } from '../core/file-request-events.ts'
import { appFileSystem, recordFilesPath } from '../core/filesystem.ts'
import { findRecordByFileName } from '../core/record-files.ts'
import type { Record } from '../core/record-model.ts'
import { findRecordById } from '../core/record-query.ts'
import { canAccessRecord } from '../core/record-rules.ts'
import { findAuthRecordByToken, newRecordToken } from '../core/record-tokens.ts'
import {
  type ByteRange,
  type FileAttrs,
  FileNotFoundError,
  type FileSystem,
} from '../tools/filesystem/filesystem.ts'
import { createThumb, THUMB_SOURCE_TYPES } from '../tools/filesystem/thumb.ts'
import { notFoundError } from '../tools/router/api-error.ts'
import { parseRange } from '../tools/router/byte-range.ts'
import { type Env, requireAuth } from './middlewares.ts'
import { buildRequestInfo } from './record-helpers.ts'

/** Thumb sizes every file field allows (PocketBase `defaultThumbSizes`). */
const DEFAULT_THUMB_SIZES = ['100x100']

/** Content types served `inline` (unless `?download`); everything else is an attachment. */
const INLINE_TYPES = new Set([
  'image/png',
  'image/jpg',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/x-icon',
  'image/bmp',
  'video/webm',
  'video/mp4',
  'video/3gpp',
  'video/quicktime',
  'video/x-ms-wmv',
  'audio/basic',
  'audio/aiff',
  'audio/mpeg',
  'audio/midi',
  'audio/mp3',
  'audio/wave',
  'audio/wav',
  'audio/x-wav',
  'audio/x-mpeg',
  'audio/x-m4a',
  'audio/aac',
  'application/pdf',
  'application/x-pdf',
])

/** Content types forced by extension (browsers need them to load these files properly). */
const EXTENSION_TYPES: { [ext: string]: string } = {
  '.svg': 'image/svg+xml',
  '.css': 'text/css',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.pptx': 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
}

const CSP = "default-src 'none'; media-src 'self'; style-src 'unsafe-inline'; sandbox"
const CACHE_CONTROL = 'max-age=2592000, stale-while-revalidate=86400'

/**
 * Binds the files API (PocketBase `apis/file.go`, §3.5/§11): `POST /api/files/token` (a file
 * token for the authenticated record) and `GET /api/files/{collection}/{recordId}/{filename}`
 * (thumbs, download, ranges, protected files).
 */
export function bindFileApi(api: Hono<Env>): void {
  api.post('/files/token', fileToken)
  api.get('/files/:collection/:recordId/:filename', download)
}

async function fileToken(c: Context<Env>): Promise<Response> {
  const auth = requireAuth(c)
  const app = c.get('app')
  const token = await newRecordToken(auth, 'fileToken')
  const event = new FileTokenRequestEvent(app, auth, token, buildRequestInfo(c))
  await app.onFileTokenRequest.trigger(event, (e) => {
    e.response = c.json({ token: e.token })
  })
  return event.response ?? c.body(null, 200)
}

async function download(c: Context<Env>): Promise<Response> {
  const app = c.get('app')
  const collection = app.findCollection(c.req.param('collection') ?? '')
  if (collection === undefined) throw notFoundError('Missing or invalid collection context.')
  const recordId = c.req.param('recordId') ?? ''
  const filename = c.req.param('filename') ?? ''
  let record: Record
  try {
    record = await findRecordById(app, collection, recordId)
  } catch (err) {
    throw notFoundError('', undefined, { cause: err })
  }
  const field = collection.fields.find(
    (f): f is FileField =>
      f instanceof FileField && fileNames(record.get(f.name)).includes(filename),
  )
  if (field === undefined) throw notFoundError()

  if (field.protected) {
    const token = c.req.query('token') ?? ''
    const found = token === '' ? undefined : await findAuthRecordByToken(app, token, ['fileToken'])
    const info = { ...buildRequestInfo(c), context: 'protectedFile', auth: found?.record ?? null }
    const ok = await canAccessRecord(app, record, info, collection.viewRule).catch(() => false)
    if (!ok) throw notFoundError()
  }

  let base = recordFilesPath(collection.id, record.id)
  if (collection.isView) {
    const source = await findRecordByFileName(app, filename)
    if (source === undefined) throw notFoundError()
    base = recordFilesPath(source.collection.id, source.id)
  }

  const fs = appFileSystem(app)
  const originalKey = `${base}/${filename}`
  let servedKey = originalKey
  let servedName = filename
  const thumb = c.req.query('thumb') ?? ''
  if (thumb !== '' && (DEFAULT_THUMB_SIZES.includes(thumb) || field.thumbs.includes(thumb))) {
    let attrs: FileAttrs
    try {
      attrs = await fs.attributes(originalKey)
    } catch (err) {
      throw notFoundError('', undefined, { cause: err })
    }
    if (THUMB_SOURCE_TYPES.includes(attrs.contentType)) {
      servedName = `${thumb}_${filename}`
      servedKey = `${base}/thumbs_${filename}/${servedName}`
      if (!(await fs.exists(servedKey))) {
        try {
          await createThumb(fs, originalKey, servedKey, thumb)
        } catch {
          // NOTE: like PocketBase, a failed thumb falls back to the original file.
          servedName = filename
          servedKey = originalKey
        }
      }
    }
  }
  const event = new FileDownloadRequestEvent(
    app,
    collection,
    record,
    field,
    { path: servedKey, name: servedName },
    buildRequestInfo(c),
  )
  await app.onFileDownloadRequest.trigger(event, async (e) => {
    e.response = await serveFile(c, fs, e.servedPath, e.servedName)
  })
  return event.response ?? c.body(null, 200)
}

/**
 * Sends the file `key` of `fs` as `name` like PocketBase's `fsys.Serve` + Go's
 * `http.ServeContent`: disposition, content type (from the stored attributes, forced for some
 * extensions), CSP and cache headers, `Last-Modified` with `If-Modified-Since` → 304, a single
 * `Range` → 206 (416 when outside). 404 when the file is missing.
 */
export async function serveFile(
  c: Context<Env>,
  fs: FileSystem,
  key: string,
  name: string,
): Promise<Response> {
  let attrs: FileAttrs
  try {
    attrs = await fs.attributes(key)
  } catch (err) {
    if (err instanceof FileNotFoundError) throw notFoundError('', undefined, { cause: err })
    throw err
  }
  const download = parseBool(c.req.query('download') ?? '')
  const disposition = !download && INLINE_TYPES.has(attrs.contentType) ? 'inline' : 'attachment'
  const dot = name.lastIndexOf('.')
  const contentType = (dot >= 0 ? EXTENSION_TYPES[name.slice(dot)] : undefined) ?? attrs.contentType
  c.header('X-Frame-Options', undefined)
  c.header('Content-Disposition', `${disposition}; filename="${name.replaceAll('"', '\\"')}"`)
  c.header('Content-Security-Policy', CSP)

  const modTime = attrs.modTime.getTime() > 0 ? new Date(attrs.modTime.getTime()) : undefined
  if (modTime !== undefined) modTime.setMilliseconds(0)
  const since = Date.parse(c.req.header('if-modified-since') ?? '')
  const method = c.req.method
  if (
    modTime !== undefined &&
    !Number.isNaN(since) &&
    (method === 'GET' || method === 'HEAD') &&
    modTime.getTime() <= since
  ) {
    c.header('Cache-Control', CACHE_CONTROL)
    c.header('Last-Modified', modTime.toUTCString())
    return c.body(null, 304)
  }

  let range: ByteRange | undefined
  const rangeHeader = c.req.header('range')
  const ifRange = c.req.header('if-range')
  const rangeApplies =
    rangeHeader !== undefined &&
    (ifRange === undefined || (modTime !== undefined && Date.parse(ifRange) === modTime.getTime()))
  if (rangeApplies && attrs.size >= 0) {
    const parsed = parseRange(rangeHeader!, attrs.size)
    if (parsed === 'invalid') {
      c.header('Content-Range', `bytes */${attrs.size}`)
      c.header('Content-Type', 'text/plain; charset=utf-8')
      return c.body('invalid range: failed to overlap\n', 416)
    }
    range = parsed
  }

  c.header('Accept-Ranges', 'bytes')
  c.header('Cache-Control', CACHE_CONTROL)
  if (contentType !== '') c.header('Content-Type', contentType)
  if (modTime !== undefined) c.header('Last-Modified', modTime.toUTCString())
  const status = range === undefined ? 200 : 206
  const length = range === undefined ? attrs.size : range.end - range.start + 1
  c.header('Content-Length', String(length))
  if (range !== undefined)
    c.header('Content-Range', `bytes ${range.start}-${range.end}/${attrs.size}`)
  if (method === 'HEAD') return c.body(null, status)
  const obj = await fs.get(key, range)
  c.status(status)
  return stream(
    c,
    async (s) => {
      s.onAbort(() => {
        obj.body.destroy()
      })
      for await (const chunk of obj.body) await s.write(chunk as Uint8Array)
    },
    async () => {
      // NOTE: headers are sent already; a read failure just ends the response early.
      obj.body.destroy()
    },
  )
}

function parseBool(s: string): boolean {
  return ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(s)
}
