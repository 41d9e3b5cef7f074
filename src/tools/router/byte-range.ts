import type { ByteRange } from '../filesystem/filesystem.ts'

/**
 * Parses one `Range: bytes=…` header against a body of `size` bytes like Go's
 * `http.ServeContent` for a single range (suffix `-N` and open `N-` forms). Returns undefined
 * when the header should be ignored (malformed, several ranges, end before start) and
 * `'invalid'` when nothing overlaps the body (the caller answers 416).
 */
export function parseRange(header: string, size: number): ByteRange | undefined | 'invalid' {
  const m = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/.exec(header)
  if (m === null) return undefined
  const [, a, b] = m
  if (a === '' && b === '') return undefined
  if (a === '') {
    const n = Number(b)
    if (n === 0) return 'invalid'
    return { start: Math.max(0, size - n), end: size - 1 }
  }
  const start = Number(a)
  if (start >= size) return 'invalid'
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1)
  if (end < start) return undefined
  return { start, end }
}
