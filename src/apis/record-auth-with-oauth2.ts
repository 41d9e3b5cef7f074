import type { Context, Hono } from 'hono'
import type { App } from '../core/app.ts'
import { LOG_LEVEL, reportError } from '../core/app-report.ts'
import type { OAuth2ProviderConfig } from '../core/collection-auth-options.ts'
import type { Collection } from '../core/collection-model.ts'
import { findExternalAuthByProvider } from '../core/external-auth-query.ts'
import { FileField } from '../core/field-file.ts'
import { TextField } from '../core/field-text.ts'
import { RecordAuthWithOAuth2RequestEvent } from '../core/record-auth-request-events.ts'
import { findSingleColumnUniqueIndex } from '../core/record-find-by-identity.ts'
import { Record } from '../core/record-model.ts'
import {
  findAuthRecordByEmail,
  findFirstRecordByData,
  findRecordById,
} from '../core/record-query.ts'
import { saveRecord } from '../core/record-save.ts'
import { type AuthUser, authUserJSON, type Provider } from '../tools/auth/provider.ts'
import { newProvider } from '../tools/auth/providers.ts'
import { NoRowsError } from '../tools/db/db.ts'
import { downloadFile } from '../tools/filesystem/download.ts'
import {
  ApiError,
  badRequestError,
  forbiddenError,
  internalServerError,
} from '../tools/router/api-error.ts'
import { randomString } from '../tools/security/random.ts'
import { formatDate } from '../tools/types/datetime.ts'
import {
  required,
  type ValidationErrorMap,
  validationError,
} from '../tools/validation/validation-errors.ts'
import type { SubRequestDispatcher } from './batch.ts'
import { type Env, registerSubRequest } from './middlewares.ts'
import { collectionRateLimit } from './rate-limit.ts'
import { authCollection, recordAuthResponse } from './record-auth-helpers.ts'
import { buildRequestInfo } from './record-helpers.ts'
import { loadDataError, readBodyData } from './request-body.ts'

/** How long the code exchange and user fetch may take together: 30 s (PocketBase's). */
const PROVIDER_TIMEOUT_MS = 30_000

const PASSWORD_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

/**
 * Binds `POST /api/collections/{collection}/auth-with-oauth2` (PocketBase §6.8). `dispatcher` is
 * the root router: a new account is created by an internal `POST .../records` through it (the
 * normal create logic with the createRule, `@request.context = "oauth2"`).
 */
export function bindRecordAuthWithOAuth2Api(
  api: Hono<Env>,
  dispatcher: SubRequestDispatcher,
): void {
  api.post(
    '/collections/:collection/auth-with-oauth2',
    collectionRateLimit('authWithOAuth2', 'auth'),
    (c) => authWithOAuth2(c, dispatcher),
  )
}

interface OAuth2Form {
  provider: string
  code: string
  codeVerifier: string
  redirectURL: string
  createData: { [key: string]: unknown }
}

async function authWithOAuth2(
  c: Context<Env>,
  dispatcher: SubRequestDispatcher,
): Promise<Response> {
  const app = c.get('app')
  const collection = authCollection(c)
  const options = collection.auth!
  if (!options.oauth2.enabled) {
    throw forbiddenError('The collection is not configured to allow OAuth2 authentication.')
  }
  const auth = c.get('auth')
  const fallback = auth !== null && auth.collection.id === collection.id ? auth : null

  const form = readForm(await readBodyData(c))
  const config = validateForm(form, options.oauth2.providers)

  let provider: Provider
  try {
    provider = await newProvider({ ...config, extra: config.extra ?? null })
  } catch (err) {
    throw internalServerError(`Failed to init provider ${form.provider}`, { cause: err })
  }
  const signal = AbortSignal.timeout(PROVIDER_TIMEOUT_MS)
  let user: AuthUser
  let token: Awaited<ReturnType<typeof provider.fetchToken>>
  try {
    token = await provider.fetchToken(form.code, form.redirectURL, form.codeVerifier, signal)
  } catch (err) {
    throw badRequestError('Failed to fetch OAuth2 token.', undefined, { cause: err })
  }
  try {
    user = await provider.fetchAuthUser(token, signal)
  } catch (err) {
    throw badRequestError('Failed to fetch OAuth2 user.', undefined, { cause: err })
  }

  const link = await findExternalAuthByProvider(app, collection, form.provider, user.id)
  let record: Record | undefined
  if (link !== undefined) {
    record = await findRecordById(app, collection, link.getString('recordRef'))
  } else if (fallback !== null) {
    record = fallback
  } else if (user.email !== '') {
    record = await findAuthRecordByEmail(app, collection, user.email)
  }
  const event = new RecordAuthWithOAuth2RequestEvent(
    app,
    collection,
    record ?? null,
    buildRequestInfo(c, { ...form }),
    {
      providerName: form.provider,
      oAuth2User: authUserJSON(user, formatDate),
      createData: form.createData,
    },
  )
  await app.onRecordAuthWithOAuth2Request.trigger(event, async (e) => {
    e.response = await signIn(c, dispatcher, e, user, link, fallback)
  })
  return event.response ?? c.body(null, 200)
}

/** Creates or updates the account of `e.record`, links the provider, and answers. */
async function signIn(
  c: Context<Env>,
  dispatcher: SubRequestDispatcher,
  e: RecordAuthWithOAuth2RequestEvent,
  user: AuthUser,
  link: Record | undefined,
  fallback: Record | null,
): Promise<Response> {
  const app = e.app
  const collection = e.collection
  const record = e.record ?? undefined
  const form = { provider: e.providerName, createData: e.createData }
  const isNew = record === undefined
  let authRecord: Record
  try {
    authRecord = await app.runInTransaction(async (txApp) => {
      const r =
        record === undefined
          ? await createAccount(c, txApp, dispatcher, collection, form, user)
          : await updateAccount(txApp, record, user, fallback)
      if (link === undefined) {
        const ext = new Record(txApp.findCollectionByNameOrId('_externalAuths'))
        ext.set('collectionRef', collection.id)
        ext.set('recordRef', r.id)
        ext.set('provider', form.provider)
        ext.set('providerId', user.id)
        await saveRecord(txApp, ext)
      }
      return r
    })
  } catch (err) {
    if (err instanceof ApiError) throw err
    throw badRequestError('Failed to authenticate.', undefined, { cause: err })
  }

  const meta = { ...authUserJSON(user, formatDate), isNew }
  return recordAuthResponse(c, authRecord, { authMethod: 'oauth2', meta })
}

function readForm(data: { [key: string]: unknown }): OAuth2Form {
  const str = (v: unknown): string => {
    if (v === undefined || v === null) return ''
    if (typeof v !== 'string') throw loadDataError()
    return v
  }
  const createData = data.createData
  if (
    createData !== undefined &&
    createData !== null &&
    (typeof createData !== 'object' || Array.isArray(createData))
  ) {
    throw loadDataError()
  }
  const redirectURL = str(data.redirectURL)
  return {
    provider: str(data.provider),
    code: str(data.code),
    codeVerifier: str(data.codeVerifier),
    // NOTE: `redirectUrl` is PocketBase's deprecated spelling, used only without `redirectURL`.
    redirectURL: redirectURL !== '' ? redirectURL : str(data.redirectUrl),
    createData: { ...((createData ?? {}) as { [key: string]: unknown }) },
  }
}

function validateForm(
  form: OAuth2Form,
  providers: readonly OAuth2ProviderConfig[],
): OAuth2ProviderConfig {
  const errors: ValidationErrorMap = {}
  const config = providers.find((p) => p.name === form.provider)
  if (form.provider === '') errors.provider = required()
  else if (config === undefined) {
    errors.provider = validationError(
      'validation_invalid_provider',
      `Provider with name ${form.provider} is missing or is not enabled.`,
      { name: form.provider },
    )
  }
  if (form.code === '') errors.code = required()
  // NOTE: PocketBase 0.40 does not require `redirectURL` (providers may accept an empty one).
  if (Object.keys(errors).length > 0 || config === undefined) {
    throw badRequestError('An error occurred while loading the submitted data.', errors)
  }
  return config
}

/**
 * Creates the account through the records API (PocketBase `sendOAuth2RecordCreateRequest`):
 * `createData` + the provider email + a random password (unless given) + the mapped fields.
 * The created record is marked verified when its email is the provider's.
 */
async function createAccount(
  c: Context<Env>,
  txApp: App,
  dispatcher: SubRequestDispatcher,
  collection: Collection,
  form: Pick<OAuth2Form, 'createData'>,
  user: AuthUser,
): Promise<Record> {
  if (collection.name === '_superusers') {
    throw new Error('superusers are not allowed to sign-up with OAuth2')
  }
  const payload: { [key: string]: unknown } = { ...form.createData }
  payload.email = user.email
  if (typeof payload.password !== 'string' || payload.password === '') {
    payload.password = randomString(30, PASSWORD_ALPHABET)
    payload.passwordConfirm = payload.password
  }
  const mapped = collection.auth!.oauth2.mappedFields
  if (mapped.id !== '' && !(mapped.id in payload)) payload[mapped.id] = user.id
  if (mapped.name !== '' && !(mapped.name in payload)) payload[mapped.name] = user.name
  if (
    mapped.username !== '' &&
    !(mapped.username in payload) &&
    (await canAssignUsername(txApp, collection, mapped.username, user.username))
  ) {
    payload[mapped.username] = user.username
  }
  let avatar: File | undefined
  if (mapped.avatarURL !== '' && !(mapped.avatarURL in payload) && user.avatarURL !== '') {
    const field = collection.getField(mapped.avatarURL)
    if (field instanceof FileField) {
      avatar = await downloadAvatar(txApp, field, user.avatarURL)
    } else if (field !== undefined) {
      payload[mapped.avatarURL] = user.avatarURL
    }
  }

  let requestBody: string | FormData = JSON.stringify(payload)
  const headers: { [key: string]: string } = {}
  if (avatar === undefined) {
    headers['content-type'] = 'application/json'
  } else {
    // The avatar goes through the normal upload path: multipart with the data as @jsonPayload.
    const form = new FormData()
    form.append('@jsonPayload', requestBody)
    form.append(mapped.avatarURL, avatar)
    requestBody = form
  }
  const request = new Request(
    `${new URL(c.req.url).origin}/api/collections/${encodeURIComponent(collection.name)}/records`,
    { method: 'POST', headers, body: requestBody },
  )
  registerSubRequest(request, { app: txApp, auth: c.get('auth'), context: 'oauth2' })
  const response = await dispatcher.fetch(request, c.env)
  const body = (await response.json().catch(() => ({}))) as { [key: string]: unknown }
  if (response.status !== 200) {
    if (response.status >= 400 && typeof body.message === 'string') {
      throw new ApiError(
        response.status,
        body.message,
        (body.data ?? {}) as { [key: string]: unknown },
      )
    }
    throw new Error('failed to create OAuth2 auth record')
  }
  const record = await findRecordById(txApp, collection, String(body.id ?? ''))
  if (record.getString('email') === user.email && record.get('verified') !== true) {
    record.set('verified', true)
    await saveRecord(txApp, record)
  }
  return record
}

/** PocketBase's username mapping guard: unique (when indexed) and valid for the text field. */
async function canAssignUsername(
  app: App,
  collection: Collection,
  field: string,
  username: string,
): Promise<boolean> {
  const f = collection.getField(field)
  if (!(f instanceof TextField)) return false
  if (findSingleColumnUniqueIndex(collection.indexes, field) !== undefined) {
    try {
      await findFirstRecordByData(app, collection, field, username)
      return false
    } catch (err) {
      if (!(err instanceof NoRowsError)) throw err
    }
  }
  return f.validatePlainValue(username) === undefined
}

/**
 * Updates an existing account (PocketBase `oauth2Submit`): another account's unverified email
 * gets a random password (token key rotated), an empty email takes the provider's, and the
 * record becomes verified when its email is empty or the provider's.
 */
async function updateAccount(
  txApp: App,
  record: Record,
  user: AuthUser,
  loggedIn: Record | null,
): Promise<Record> {
  let changed = false
  const isLoggedIn = loggedIn !== null && loggedIn.id === record.id
  const verified = record.get('verified') === true
  if (!isLoggedIn && record.getString('email') !== '' && !verified) {
    record.set('password', { hash: '', plain: randomString(30, PASSWORD_ALPHABET) })
    changed = true
  }
  if (record.getString('email') === '' && user.email !== '') {
    record.set('email', user.email)
    changed = true
  }
  const email = record.getString('email')
  if (!verified && (email === '' || email === user.email)) {
    record.set('verified', true)
    changed = true
  }
  if (changed) await saveRecord(txApp, record)
  return record
}

/**
 * Downloads the provider's avatar for a file field (PocketBase: 15 s timeout, SSRF protected:
 * only public addresses, except in `--dev`). A failure is logged and the account is created
 * without an avatar, as PocketBase does.
 */
async function downloadAvatar(app: App, field: FileField, url: string): Promise<File | undefined> {
  try {
    const file = await downloadFile(url, {
      maxSize: field.effectiveMaxSize,
      timeoutMs: 15_000,
      allowPrivate: app.config.dev,
    })
    return new File([file.data], file.name, { type: file.type })
  } catch (err) {
    await reportError(app, 'Failed to download the OAuth2 avatar', err, { url }, LOG_LEVEL.warn)
    return undefined
  }
}
