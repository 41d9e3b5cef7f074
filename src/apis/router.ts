import { Hono } from 'hono'
import type { App } from '../core/app.ts'
import type { InstallerToken } from '../core/installer.ts'
import type { RequestEvent } from '../core/request-event.ts'
import { notFoundError } from '../tools/router/api-error.ts'
import type { Router } from '../tools/router/router.ts'
import { activityLogger } from './activity-logger.ts'
import { errorResponse } from './api-error.ts'
import { bindBackupApi } from './backup.ts'
import { bindBatchApi } from './batch.ts'
import { limitBody } from './body-limit.ts'
import { bindCollectionApi } from './collection.ts'
import { cors } from './cors.ts'
import { bindCronApi } from './cron.ts'
import {
  bindCustomBodyLimitMarks,
  bindCustomRoutes,
  customGlobalMiddleware,
  hasOwnBodyLimit,
} from './custom-routes.ts'
import { bindDashboard } from './dashboard.ts'
import { bindFileApi } from './file.ts'
import { bindHealthApi } from './health.ts'
import { bindInstallerApi } from './installer.ts'
import { bindLogsApi } from './logs.ts'
import { type Env, loadAuthToken } from './middlewares.ts'
import { bindOAuth2RedirectApi } from './oauth2-redirect.ts'
import { bindOpenApiApi } from './openapi.ts'
import { rateLimit } from './rate-limit.ts'
import { bindRealtimeApi } from './realtime.ts'
import { bindRecordAuthEmailChangeConfirmApi } from './record-auth-email-change-confirm.ts'
import { bindRecordAuthEmailChangeRequestApi } from './record-auth-email-change-request.ts'
import { bindRecordAuthImpersonateApi } from './record-auth-impersonate.ts'
import { bindRecordAuthMethodsApi } from './record-auth-methods.ts'
import { bindRecordAuthOTPRequestApi } from './record-auth-otp-request.ts'
import { bindRecordAuthPasswordResetConfirmApi } from './record-auth-password-reset-confirm.ts'
import { bindRecordAuthPasswordResetRequestApi } from './record-auth-password-reset-request.ts'
import { bindRecordAuthRefreshApi } from './record-auth-refresh.ts'
import { bindRecordAuthVerificationConfirmApi } from './record-auth-verification-confirm.ts'
import { bindRecordAuthVerificationRequestApi } from './record-auth-verification-request.ts'
import { bindRecordAuthWithOAuth2Api } from './record-auth-with-oauth2.ts'
import { bindRecordAuthWithOTPApi } from './record-auth-with-otp.ts'
import { bindRecordAuthWithPasswordApi } from './record-auth-with-password.ts'
import { bindRecordCrudApi, isRecordWriteRequest } from './record-crud.ts'
import { cleanupUploads } from './request-body.ts'
import { bindSettingsApi } from './settings.ts'
import { bindSettingsAppleClientSecretApi } from './settings-apple-client-secret.ts'
import { bindSettingsTestS3Api } from './settings-test-s3.ts'
import { bindSqlApi } from './sql.ts'
import { serveStatic } from './static.ts'

/** Options of the HTTP surface. */
export interface RouterOptions {
  /** Allowed CORS origins (`--origins`); default `*`. */
  readonly origins?: readonly string[]
  /** The folder served at `/` (`--publicDir`, PocketBase's `pb_public`); nothing when undefined. */
  readonly publicDir?: string
  /** SPA fallback to `publicDir/index.html` for missing paths (`--indexFallback`); default true. */
  readonly indexFallback?: boolean
  /** The first-run installer token (`serve` makes one while no superuser exists). */
  readonly installer?: InstallerToken
  /** The custom routes and middlewares added by `onServe` handlers (`e.router`). */
  readonly routes?: Router<RequestEvent>
}

/** The default body limit of every route: 32 MiB (PocketBase §2.1). */
export const DEFAULT_BODY_LIMIT = 32 << 20

/**
 * Builds the whole HTTP surface: global middlewares, then one `bindXxxApi` per endpoint group
 * (the table of contents of the API, like PocketBase's `apis/base.go`).
 */
export function createRouter(app: App, options: RouterOptions = {}): Hono<Env> {
  const router = new Hono<Env>()
  const origins = options.origins ?? ['*']
  router.use('*', cors(origins))
  // NOTE: after CORS, so preflights are not logged (PocketBase §2.1).
  router.use('*', activityLogger(app))
  router.use('*', (c, next) => {
    // NOTE: set before the handler so they join the response as it is built (changing a
    // finished response forces the Node adapter to materialise it).
    c.header('X-XSS-Protection', '1; mode=block')
    c.header('X-Content-Type-Options', 'nosniff')
    c.header('X-Frame-Options', 'SAMEORIGIN')
    c.header('Cross-Origin-Opener-Policy', 'same-origin')
    return next()
  })
  const defaultBodyLimit = limitBody(DEFAULT_BODY_LIMIT)
  const custom = options.routes
  if (custom !== undefined) bindCustomBodyLimitMarks(router, custom)
  router.use('/api/*', (c, next) =>
    !hasBody(c.req.method) ||
    c.req.path === '/api/batch' ||
    c.req.path === '/api/backups/upload' ||
    isRecordWriteRequest(c) ||
    hasOwnBodyLimit(c)
      ? next()
      : defaultBodyLimit(c, next),
  )
  // Temporary files of streamed multipart uploads are removed once the handler is done.
  router.use('/api/*', (c, next) => (hasBody(c.req.method) ? cleanupUploads(c, next) : next()))
  if (app.sharesData) {
    // NOTE: other worker processes may have changed collections or settings.
    // A failed check (the database is unreachable) leaves the caches as they are: the
    // handler's own queries then answer with the error, and /api/health still answers.
    // Once handled, a change this node made to them is announced to the other nodes (and
    // waited for) before the response goes out.
    router.use('*', async (_c, next) => {
      await app.refreshCachesForRequest().catch(() => undefined)
      await next()
      await app.syncCacheChanges()
    })
  }
  router.use('*', loadAuthToken(app))
  router.use('/api/*', rateLimit())
  const customGlobal = custom && customGlobalMiddleware(custom)
  if (customGlobal !== undefined) router.use('*', customGlobal)
  router.onError((err, c) => errorResponse(c, err))
  // NOTE: PocketBase's GET catch-all is its static file server, hence "File not found." there.
  router.notFound((c) =>
    errorResponse(c, notFoundError(hasBody(c.req.method) ? '' : 'File not found.')),
  )

  const api = new Hono<Env>()
  bindHealthApi(api)
  bindCollectionApi(api)
  bindRecordCrudApi(api)
  bindSettingsApi(api)
  bindLogsApi(api)
  bindRecordAuthMethodsApi(api)
  bindRecordAuthWithPasswordApi(api)
  bindRecordAuthRefreshApi(api)
  bindRecordAuthImpersonateApi(api)
  bindRecordAuthVerificationRequestApi(api)
  bindRecordAuthVerificationConfirmApi(api)
  bindRecordAuthPasswordResetRequestApi(api)
  bindRecordAuthPasswordResetConfirmApi(api)
  bindRecordAuthEmailChangeRequestApi(api)
  bindRecordAuthEmailChangeConfirmApi(api)
  bindRecordAuthOTPRequestApi(api)
  bindRecordAuthWithOTPApi(api)
  bindBatchApi(api, router)
  bindFileApi(api)
  bindSettingsTestS3Api(api)
  bindSettingsAppleClientSecretApi(api)
  bindRecordAuthWithOAuth2Api(api, router)
  bindOAuth2RedirectApi(api)
  bindRealtimeApi(api, app)
  bindInstallerApi(api, options.installer)
  bindBackupApi(api)
  bindCronApi(api)
  bindSqlApi(api, app)
  bindOpenApiApi(api)
  router.route('/api', api)
  if (custom !== undefined) bindCustomRoutes(router, custom, DEFAULT_BODY_LIMIT)
  // PocketBase answers 307 here (its router's redirect to the dashboard's canonical URL).
  router.get('/_', (c) => c.redirect('/_/', 307))
  bindDashboard(router)
  // NOTE: the catch-all goes last: Hono runs matching routes in registration order, so the
  // API above (and the dashboard at /_/*) win; unknown GET paths, /api/… included, land here
  // and get index.html with indexFallback, like PocketBase's `GET /{path...}`.
  if (options.publicDir !== undefined) {
    router.get(
      '/*',
      serveStatic(options.publicDir, { indexFallback: options.indexFallback ?? true }),
    )
  }
  return router
}

/** GET and HEAD requests carry no body; skipping the limit there avoids wrapping the request. */
function hasBody(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD'
}
