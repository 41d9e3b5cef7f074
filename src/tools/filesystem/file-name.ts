import { snakeCase } from '../inflector/inflector.ts'
import { randomString } from '../security/random.ts'

const RANDOM_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789'
const EXT_INVALID_CHARS = /[^\w.*\-+=#]+/g

/**
 * The extension of `name` with its leading dot, including a second one (`a.tar.gz` → `.tar.gz`,
 * `my.file.name.png` → `.name.png`, as PocketBase does); "" when there is no dot.
 */
export function extractExt(name: string): string {
  const primary = name.lastIndexOf('.')
  if (primary === -1) return ''
  const secondary = name.lastIndexOf('.', primary - 1)
  return secondary >= 0 ? name.slice(secondary) : name.slice(primary)
}

/**
 * The stored name of an uploaded file (PocketBase `filesystem.NewFileFrom*` normalisation):
 * `<snake_case base, ≤100 chars; +10 random chars when shorter than 3>_<10 random [a-z0-9]><ext>`
 * where the extension keeps only `[\w.*\-+=#]`, at most its last 20 characters, and falls back
 * to `detectedExt` (from the content) when empty.
 */
export function normalizeFileName(originalName: string, detectedExt = ''): string {
  const base = originalName.split(/[\\/]/).pop() ?? ''
  const originalExt = extractExt(base)
  let ext = originalExt.replace(EXT_INVALID_CHARS, '')
  if (ext === '') ext = detectedExt
  if (ext.length > 20) ext = `.${ext.slice(-20)}`
  let name = snakeCase(base.slice(0, base.length - originalExt.length))
  if (name.length < 3) name += randomString(10, RANDOM_ALPHABET)
  else if (name.length > 100) name = name.slice(0, 100)
  return `${name}_${randomString(10, RANDOM_ALPHABET)}${ext}`
}
