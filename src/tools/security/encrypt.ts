import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

const NONCE_SIZE = 12
const TAG_SIZE = 16
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

function cipherFor(key: string): {
  algorithm: 'aes-128-gcm' | 'aes-192-gcm' | 'aes-256-gcm'
  keyBytes: Buffer
} {
  const keyBytes = Buffer.from(key, 'utf8')
  switch (keyBytes.length) {
    case 16:
      return { algorithm: 'aes-128-gcm', keyBytes }
    case 24:
      return { algorithm: 'aes-192-gcm', keyBytes }
    case 32:
      return { algorithm: 'aes-256-gcm', keyBytes }
    default:
      throw new RangeError(
        `Invalid encryption key: expected 32 bytes (or 16/24), got ${keyBytes.length}.`,
      )
  }
}

/**
 * Encrypts the UTF-8 `data` with AES-GCM and returns standard base64 of
 * `nonce(12 random bytes) ‖ ciphertext ‖ tag(16)`, PocketBase's settings-encryption format
 * (`--encryptionEnv`). `key` is used as its UTF-8 bytes: 32 bytes selects AES-256 (PocketBase's
 * documented 32-character key); 16 and 24 bytes select AES-128/192, as Go's `aes.NewCipher`
 * accepts them. Throws `RangeError` for any other key length.
 */
export function encrypt(data: string, key: string): string {
  const { algorithm, keyBytes } = cipherFor(key)
  const nonce = randomBytes(NONCE_SIZE)
  const cipher = createCipheriv(algorithm, keyBytes, nonce)
  const body = Buffer.concat([cipher.update(data, 'utf8'), cipher.final()])
  return Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64')
}

/**
 * Decrypts a value produced by {@link encrypt} (or by PocketBase) and returns the UTF-8 text.
 * Throws when `b64` is not strict standard base64, is too short, or fails authentication (wrong
 * key or tampered data), and `RangeError` for a bad key length.
 */
export function decrypt(b64: string, key: string): string {
  const { algorithm, keyBytes } = cipherFor(key)
  if (!BASE64.test(b64)) throw new Error('Invalid encrypted value: not base64.')
  const raw = Buffer.from(b64, 'base64')
  if (raw.length < NONCE_SIZE + TAG_SIZE) throw new Error('Invalid encrypted value: too short.')
  const decipher = createDecipheriv(algorithm, keyBytes, raw.subarray(0, NONCE_SIZE))
  decipher.setAuthTag(raw.subarray(raw.length - TAG_SIZE))
  const body = raw.subarray(NONCE_SIZE, raw.length - TAG_SIZE)
  try {
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8')
  } catch (err) {
    throw new Error('Decryption failed: wrong key or corrupted data.', { cause: err })
  }
}
