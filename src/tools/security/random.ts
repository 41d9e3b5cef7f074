import { randomInt } from 'node:crypto'

/** The default alphabet of record ids: `[a-z0-9]` (PocketBase's `[a-z0-9]{15}` ids). */
export const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789'

/** Returns a cryptographically random string of `length` characters from `alphabet`. */
export function randomString(length: number, alphabet: string = ID_ALPHABET): string {
  let out = ''
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)]
  return out
}
