import { createHash } from 'node:crypto'
import type { Context } from 'hono'
import {
  deleteAuthRef,
  findAuthRefsByRecord,
  newAuthRef,
  saveAuthRef,
} from '../core/auth-system-records.ts'
import type { Record } from '../core/record-model.ts'
import { sendRecordAuthAlert } from '../mails/record-mails.ts'
import { formatDate } from '../tools/types/datetime.ts'
import { realIP } from './health.ts'
import type { Env } from './middlewares.ts'

/** How many `_authOrigins` rows one record keeps (PocketBase). */
export const MAX_AUTH_ORIGINS = 5

/** How long a sign-in waits for the alert email before giving up (PocketBase: 15 s). */
const ALERT_SEND_TIMEOUT_MS = 15_000

/**
 * The device fingerprint of a request (PocketBase): md5 hex of the client IP followed by the
 * user agent, which is cut to 200 characters plus `...` when longer.
 */
export function authFingerprint(ip: string, userAgent: string): string {
  const chars = [...userAgent]
  const ua = chars.length > 200 ? `${chars.slice(0, 200).join('')}...` : userAgent
  return createHash('md5')
    .update(ip + ua)
    .digest('hex')
}

/**
 * PocketBase's `authAlert` (§6.11) after a successful credentialed sign-in: the device
 * fingerprint is looked up in the record's `_authOrigins`; a new device on a record that already
 * has origins sends the "new sign-in" email (`{ALERT_INFO}` = `<date> - <ip> <user agent>`,
 * waiting at most 15 s) before it is remembered, so a failed email is retried at the next
 * sign-in. At most 5 origins are kept (the oldest go). Throws when the email fails.
 */
export async function authAlert(c: Context<Env>, record: Record): Promise<void> {
  const app = c.get('app')
  const ip = realIP(c)
  const rawUa = c.req.header('user-agent') ?? ''
  const fingerprint = authFingerprint(ip, rawUa)
  const origins = await findAuthRefsByRecord(app, '_authOrigins', record)
  const isFirst = origins.length === 0
  let current = origins.find((o) => o.getString('fingerprint') === fingerprint)
  const isNew = current === undefined
  if (!isFirst && isNew && record.getString('email') !== '') {
    const chars = [...rawUa]
    const ua = chars.length > 200 ? `${chars.slice(0, 200).join('')}...` : rawUa
    const info = `${formatDate(new Date())} - ${ip} ${ua}`
    let timer: NodeJS.Timeout | undefined
    try {
      await Promise.race([
        sendRecordAuthAlert(app, record, info),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error('auth alert mail send wait timeout reached')),
            ALERT_SEND_TIMEOUT_MS,
          )
        }),
      ])
    } finally {
      clearTimeout(timer)
    }
  }
  if (isNew && origins.length >= MAX_AUTH_ORIGINS) {
    for (const old of origins.slice(MAX_AUTH_ORIGINS - 1)) await deleteAuthRef(app, old)
  }
  if (current === undefined) {
    current = newAuthRef(app, '_authOrigins', record)
    current.set('fingerprint', fingerprint)
  }
  await saveAuthRef(app, current)
}
