import { HookEvent } from '../tools/hook/hook.ts'
import type { App } from './app.ts'
import type { RequestInfo } from './request-info.ts'
import type { Settings } from './settings-model.ts'

/**
 * `GET /api/settings` (`onSettingsListRequest`; PocketBase `SettingsListRequestEvent`): the last
 * link answers with `settings` (secrets masked); a handler may change a copy's values or answer
 * itself by setting `response`.
 */
export class SettingsListRequestEvent extends HookEvent {
  readonly app: App
  readonly requestInfo: RequestInfo
  /** A copy of the current settings. */
  settings: Settings
  /** The HTTP response once produced. */
  response: Response | undefined = undefined

  constructor(app: App, requestInfo: RequestInfo, settings: Settings) {
    super()
    this.app = app
    this.requestInfo = requestInfo
    this.settings = settings
  }
}

/**
 * `PATCH /api/settings` (`onSettingsUpdateRequest`; PocketBase `SettingsUpdateRequestEvent`):
 * `newSettings` is the submitted patch merged over a copy of `oldSettings`, not validated yet;
 * the last link validates and saves it and answers with the new public settings.
 */
export class SettingsUpdateRequestEvent extends HookEvent {
  readonly app: App
  readonly requestInfo: RequestInfo
  oldSettings: Settings
  newSettings: Settings
  /** The HTTP response once produced. */
  response: Response | undefined = undefined

  constructor(app: App, requestInfo: RequestInfo, oldSettings: Settings, newSettings: Settings) {
    super()
    this.app = app
    this.requestInfo = requestInfo
    this.oldSettings = oldSettings
    this.newSettings = newSettings
  }
}
