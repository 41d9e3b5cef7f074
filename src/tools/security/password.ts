/** The bcrypt binding, loaded when the first password is hashed or checked (not at start-up). */
function bcrypt() {
  return import('@node-rs/bcrypt')
}

/** PocketBase's default bcrypt cost (`golang.org/x/crypto/bcrypt` DefaultCost). */
export const DEFAULT_BCRYPT_COST = 10

/**
 * Hashes `plain` with bcrypt off the main thread and returns a `$2a$<cost>$…` hash, the prefix
 * PocketBase (Go's x/crypto/bcrypt) writes. `cost` is 4..31 (default 10, PocketBase's default;
 * `_otps` uses 8). Like Go's bcrypt, throws (`RangeError`) for passwords longer than 72 bytes
 * instead of silently truncating them, and for a cost out of range.
 */
export async function hashPassword(
  plain: string,
  cost: number = DEFAULT_BCRYPT_COST,
): Promise<string> {
  const { hash } = await bcrypt()
  return hash(plain, { cost, version: '2a', rejectLongPasswords: true })
}

/**
 * Reports whether `plain` matches the bcrypt `hash` (`$2a$`, `$2b$` or `$2y$`), checked off the
 * main thread. Never throws: a malformed or empty hash compares as `false`.
 */
export async function comparePassword(hash: string, plain: string): Promise<boolean> {
  if (typeof hash !== 'string' || typeof plain !== 'string' || hash === '') return false
  const { verify } = await bcrypt()
  try {
    return await verify(plain, hash)
  } catch {
    return false
  }
}
