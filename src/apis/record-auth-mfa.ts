import type { Context } from 'hono'
import {
  authRefExpired,
  claimAuthRef,
  findAuthRefById,
  newAuthRef,
  purgeExpiredAuthRefs,
  saveAuthRef,
} from '../core/auth-system-records.ts'
import type { Record } from '../core/record-model.ts'
import { recordMatchesRule } from '../core/record-rules.ts'
import type { RequestInfo } from '../core/request-info.ts'
import { badRequestError } from '../tools/router/api-error.ts'
import type { Env } from './middlewares.ts'
import { readRequestBody } from './request-body.ts'

/**
 * Whether the record must pass MFA (PocketBase `wantsMFA`): always with an empty `mfa.rule`,
 * otherwise when the rule matches the record for this request (no superuser bypass). A rule
 * that cannot be evaluated → 400 `Failed to authenticate.`
 */
async function wantsMFA(c: Context<Env>, record: Record, info: RequestInfo): Promise<boolean> {
  const rule = record.collection.auth!.mfa.rule
  if (rule === '') return true
  try {
    return await recordMatchesRule(c.get('app'), record, info, rule)
  } catch (err) {
    throw badRequestError('Failed to authenticate.', undefined, { cause: err })
  }
}

/** The `mfaId` of the request: the query param, else the body's `mfaId` string. */
async function requestMfaId(c: Context<Env>): Promise<string> {
  const fromQuery = c.req.query('mfaId')
  if (fromQuery) return fromQuery
  try {
    const v = (await readRequestBody(c)).data.mfaId
    return typeof v === 'string' ? v : ''
  } catch {
    return ''
  }
}

/**
 * PocketBase's `checkMFA` (§6.6) for a credentialed auth with `method`. Returns the id of a new
 * `_mfas` row when a first factor just succeeded (the caller answers 401 `{mfaId}`), or "" when
 * the auth may complete: MFA is off or not wanted, or the request carries a valid `mfaId` of
 * the same record from a different method — that session is consumed (single use). Errors:
 * 400 `Invalid or expired MFA session.`, `Invalid MFA session.`, `A different authentication
 * method is required.`
 */
export async function checkMFA(
  c: Context<Env>,
  record: Record,
  method: string,
  info: RequestInfo,
): Promise<string> {
  const options = record.collection.auth!
  if (!options.mfa.enabled || method === '') return ''
  if (!(await wantsMFA(c, record, info))) return ''
  const app = c.get('app')
  const mfaId = await requestMfaId(c)
  if (mfaId === '') {
    await purgeExpiredAuthRefs(app, '_mfas', record.collection.id, options.mfa.duration)
    const mfa = newAuthRef(app, '_mfas', record)
    mfa.set('method', method)
    await saveAuthRef(app, mfa)
    return mfa.id
  }
  const mfa = await findAuthRefById(app, '_mfas', mfaId)
  if (mfa === undefined || authRefExpired(mfa, options.mfa.duration)) {
    if (mfa !== undefined) await claimAuthRef(app, '_mfas', mfa.id)
    throw badRequestError('Invalid or expired MFA session.')
  }
  if (
    mfa.getString('recordRef') !== record.id ||
    mfa.getString('collectionRef') !== record.collection.id
  ) {
    throw badRequestError('Invalid MFA session.')
  }
  if (mfa.getString('method') === method) {
    throw badRequestError('A different authentication method is required.')
  }
  // Single use: claimed by one DELETE, so a second request with the same mfaId fails.
  if (!(await claimAuthRef(app, '_mfas', mfa.id)))
    throw badRequestError('Invalid or expired MFA session.')
  return ''
}
