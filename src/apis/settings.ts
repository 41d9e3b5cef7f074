import type { Context, Hono } from 'hono'
import { publicSettings, type Settings } from '../core/settings-model.ts'
import {
  SettingsListRequestEvent,
  SettingsUpdateRequestEvent,
} from '../core/settings-request-events.ts'
import { pickFields } from '../tools/picker/pick.ts'
import { ApiError } from '../tools/router/api-error.ts'
import { validationFailure } from './api-error.ts'
import { type Env, requireSuperuserAuth } from './middlewares.ts'
import { buildRequestInfo } from './record-helpers.ts'
import { loadDataError, readRequestBody } from './request-body.ts'
import { settingsTestEmail } from './settings-test-email.ts'

/**
 * Binds `GET /api/settings` and `PATCH /api/settings` (PocketBase §3.8, superusers only). The
 * `test/s3`, `test/email` and Apple client-secret endpoints belong to later issues.
 */
export function bindSettingsApi(api: Hono<Env>): void {
  api.get('/settings', settingsView)
  api.patch('/settings', settingsUpdate)
  api.post('/settings/test/email', settingsTestEmail)
}

function respond(c: Context<Env>, settings: Settings): Response {
  const data = publicSettings(settings)
  const fields = c.req.query('fields')
  return c.json(fields ? pickFields(data, fields) : data)
}

/** `GET /api/settings`: `onSettingsListRequest` around the answer. */
async function settingsView(c: Context<Env>): Promise<Response> {
  requireSuperuserAuth(c)
  const app = c.get('app')
  const event = new SettingsListRequestEvent(
    app,
    buildRequestInfo(c),
    structuredClone(app.settings()),
  )
  await app.onSettingsListRequest.trigger(event, (e) => {
    e.response = respond(c, e.settings)
  })
  return event.response ?? c.body(null, 200)
}

/**
 * Deep-merges the body over the current settings, then `onSettingsUpdateRequest` around the
 * validation, the save (encrypted with `--encryptionEnv`) and the answer with the new public
 * settings. 400 `An error occurred while
 * loading the submitted data.` for a malformed body or a value of the wrong type; 400 `An error
 * occurred while saving the new settings.` with the nested field errors for invalid values.
 */
async function settingsUpdate(c: Context<Env>): Promise<Response> {
  requireSuperuserAuth(c)
  const app = c.get('app')
  let patch: unknown
  try {
    patch = await readPatch(c)
  } catch (err) {
    if (err instanceof ApiError && err.status !== 400) throw err
    throw loadDataError(err)
  }
  // the settings schema (zod) loads with the first update
  const { applySettingsPatch, SettingsShapeError, validateSettings } = await import(
    '../core/settings-validate.ts'
  )
  let merged: Settings
  try {
    merged = applySettingsPatch(app.settings(), patch) as Settings
  } catch (err) {
    if (err instanceof SettingsShapeError) throw loadDataError(err)
    throw err
  }
  const event = new SettingsUpdateRequestEvent(
    app,
    buildRequestInfo(c, patch as { [key: string]: unknown }),
    structuredClone(app.settings()),
    merged,
  )
  await app.onSettingsUpdateRequest.trigger(event, async (e) => {
    try {
      await e.app.saveSettings(validateSettings(e.newSettings))
    } catch (err) {
      if (err instanceof SettingsShapeError) throw loadDataError(err)
      throw validationFailure(err, 'An error occurred while saving the new settings.') ?? err
    }
    e.response = respond(c, e.app.settings())
  })
  return event.response ?? c.body(null, 200)
}

async function readPatch(c: Context<Env>): Promise<unknown> {
  const type = (c.req.header('content-type') ?? '').toLowerCase()
  if (type === '' || type.startsWith('application/json')) {
    // NOTE: parsed here (not by readRequestBody) so a JSON array is a load error, not a 400 of
    // another wording, and so `null` values survive (they mean "zero value").
    const text = await c.req.text()
    if (text.trim() === '') return {}
    return JSON.parse(text)
  }
  return (await readRequestBody(c)).data
}
