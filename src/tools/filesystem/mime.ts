/** How many leading bytes `detectMime` looks at (PocketBase's sniffer reads 3 KiB). */
export const SNIFF_BYTES = 3072

/** A detected content type and its usual file extension ("" when none). */
export interface DetectedMime {
  readonly mime: string
  readonly ext: string
}

type Matcher = [mime: string, ext: string, test: (b: Buffer) => boolean]

const at = (b: Buffer, offset: number, sig: string | number[]) => {
  const bytes = typeof sig === 'string' ? Buffer.from(sig, 'latin1') : Buffer.from(sig)
  return (
    b.length >= offset + bytes.length && b.subarray(offset, offset + bytes.length).equals(bytes)
  )
}

const zipHas = (b: Buffer, name: string) => at(b, 0, 'PK\x03\x04') && b.includes(name, 0, 'latin1')

const BINARY: Matcher[] = [
  ['image/png', '.png', (b) => at(b, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])],
  ['image/jpeg', '.jpg', (b) => at(b, 0, [0xff, 0xd8, 0xff])],
  ['image/gif', '.gif', (b) => at(b, 0, 'GIF87a') || at(b, 0, 'GIF89a')],
  ['image/webp', '.webp', (b) => at(b, 0, 'RIFF') && at(b, 8, 'WEBP')],
  ['image/bmp', '.bmp', (b) => at(b, 0, 'BM')],
  ['image/x-icon', '.ico', (b) => at(b, 0, [0, 0, 1, 0])],
  ['image/tiff', '.tiff', (b) => at(b, 0, 'II*\x00') || at(b, 0, 'MM\x00*')],
  ['image/avif', '.avif', (b) => at(b, 4, 'ftypavif')],
  ['image/heic', '.heic', (b) => at(b, 4, 'ftypheic')],
  ['application/pdf', '.pdf', (b) => at(b, 0, '%PDF-')],
  ['audio/wav', '.wav', (b) => at(b, 0, 'RIFF') && at(b, 8, 'WAVE')],
  ['video/x-msvideo', '.avi', (b) => at(b, 0, 'RIFF') && at(b, 8, 'AVI ')],
  ['audio/mpeg', '.mp3', (b) => at(b, 0, 'ID3') || at(b, 0, [0xff, 0xfb])],
  ['audio/ogg', '.oga', (b) => at(b, 0, 'OggS')],
  ['audio/flac', '.flac', (b) => at(b, 0, 'fLaC')],
  ['video/webm', '.webm', (b) => at(b, 0, [0x1a, 0x45, 0xdf, 0xa3]) && b.includes('webm')],
  ['video/x-matroska', '.mkv', (b) => at(b, 0, [0x1a, 0x45, 0xdf, 0xa3])],
  ['video/quicktime', '.mov', (b) => at(b, 4, 'ftypqt')],
  ['video/mp4', '.mp4', (b) => at(b, 4, 'ftyp')],
  [
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    '.docx',
    (b) => zipHas(b, 'word/'),
  ],
  [
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    '.xlsx',
    (b) => zipHas(b, 'xl/'),
  ],
  [
    'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    '.pptx',
    (b) => zipHas(b, 'ppt/'),
  ],
  ['application/zip', '.zip', (b) => at(b, 0, 'PK\x03\x04') || at(b, 0, 'PK\x05\x06')],
  ['application/gzip', '.gz', (b) => at(b, 0, [0x1f, 0x8b])],
  ['application/x-7z-compressed', '.7z', (b) => at(b, 0, "7z\xbc\xaf'\x1c")],
  ['application/x-rar-compressed', '.rar', (b) => at(b, 0, 'Rar!\x1a\x07')],
  ['application/wasm', '.wasm', (b) => at(b, 0, '\x00asm')],
  ['font/woff', '.woff', (b) => at(b, 0, 'wOFF')],
  ['font/woff2', '.woff2', (b) => at(b, 0, 'wOF2')],
]

const HTML_TAGS = [
  '<!DOCTYPE HTML',
  '<HTML',
  '<HEAD',
  '<SCRIPT',
  '<IFRAME',
  '<H1',
  '<DIV',
  '<FONT',
  '<TABLE',
  '<A',
  '<STYLE',
  '<TITLE',
  '<B',
  '<BODY',
  '<BR',
  '<P',
  '<!--',
]

/**
 * Detects the content type of a file from its first bytes (`SNIFF_BYTES`), like PocketBase's
 * sniffer (gabriel-vasile/mimetype) for the common types: images, PDF, audio/video, archives,
 * office documents, SVG/HTML/XML/JSON and text (`text/plain; charset=utf-8`; an empty file is
 * `text/plain`). Anything else is `application/octet-stream` (no extension).
 */
export function detectMime(head: Buffer): DetectedMime {
  if (head.length === 0) return { mime: 'text/plain', ext: '.txt' }
  for (const [mime, ext, test] of BINARY) if (test(head)) return { mime, ext }
  if (!isText(head)) return { mime: 'application/octet-stream', ext: '' }
  let s = head.toString('utf8')
  if (s.charCodeAt(0) === 0xfeff) s = s.slice(1)
  const t = s.trimStart()
  const upper = t.slice(0, 20).toUpperCase()
  if (t.startsWith('<?xml') && /<svg[\s>]/.test(t)) return { mime: 'image/svg+xml', ext: '.svg' }
  if (/^<svg[\s>]/i.test(t)) return { mime: 'image/svg+xml', ext: '.svg' }
  for (const tag of HTML_TAGS) {
    if (upper.startsWith(tag) && /[\s>]/.test(t.charAt(tag.length)))
      return { mime: 'text/html; charset=utf-8', ext: '.html' }
  }
  if (t.startsWith('<?xml')) return { mime: 'text/xml; charset=utf-8', ext: '.xml' }
  if ((t.startsWith('{') || t.startsWith('[')) && isJSON(s))
    return { mime: 'application/json', ext: '.json' }
  return { mime: 'text/plain; charset=utf-8', ext: '.txt' }
}

/**
 * True when `detected` (a `detectMime` result, parameters allowed) is one of `allowed`
 * (compared without parameters, case-insensitively; `image/jpg` is an alias of `image/jpeg`).
 */
export function mimeMatches(detected: string, allowed: readonly string[]): boolean {
  const base = (m: string) => {
    const v = m.split(';')[0]!.trim().toLowerCase()
    return v === 'image/jpg' ? 'image/jpeg' : v
  }
  const d = base(detected)
  return allowed.some((a) => base(a) === d)
}

function isText(b: Buffer): boolean {
  for (const byte of b)
    if (byte === 0 || (byte < 0x20 && ![9, 10, 12, 13, 27].includes(byte))) return false
  // NOTE: a multi-byte sequence cut at the sniff boundary still counts as text.
  const s = new TextDecoder('utf-8', { fatal: false }).decode(b)
  const bad = s.indexOf('\ufffd')
  return bad === -1 || bad >= s.length - 3
}

function isJSON(s: string): boolean {
  try {
    JSON.parse(s)
    return true
  } catch {
    return false
  }
}
