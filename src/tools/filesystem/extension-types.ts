/**
 * Content types by file extension for static files: Go's built-in `mime` table (what
 * PocketBase's static handler uses) plus the common web types a browser needs by name (fonts,
 * source maps, manifests, media). Keys are lower-case extensions with the dot.
 */
const TYPES: Readonly<Record<string, string>> = {
  '.avif': 'image/avif',
  '.css': 'text/css; charset=utf-8',
  '.gif': 'image/gif',
  '.htm': 'text/html; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.jpeg': 'image/jpeg',
  '.jpg': 'image/jpeg',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.mjs': 'text/javascript; charset=utf-8',
  '.pdf': 'application/pdf',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
  '.webp': 'image/webp',
  '.xml': 'text/xml; charset=utf-8',
  // NOTE: beyond Go's table; PocketBase sniffs these (e.g. fonts become octet-stream).
  '.ico': 'image/x-icon',
  '.map': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.ogg': 'audio/ogg',
  '.zip': 'application/zip',
}

/**
 * Returns the content type for a file name by its extension (case-insensitive), or undefined
 * when the extension is unknown (callers then sniff the content, as Go's `ServeContent` does).
 */
export function contentTypeByExtension(name: string): string | undefined {
  const slash = name.lastIndexOf('/')
  const dot = name.lastIndexOf('.')
  if (dot <= slash) return undefined
  return TYPES[name.slice(dot).toLowerCase()]
}
