import type { Context, Hono } from 'hono'
import type { CronJob } from '../tools/cron/cron.ts'
import { pickFields } from '../tools/picker/pick.ts'
import { notFoundError } from '../tools/router/api-error.ts'
import { type Env, requireSuperuserAuth } from './middlewares.ts'

/**
 * Binds `GET /api/crons` and `POST /api/crons/{id}` (PocketBase `apis/cron.go`, §3.11),
 * superusers only (401 for guests, 403 for other auth records).
 */
export function bindCronApi(api: Hono<Env>): void {
  api.get('/crons', cronsList)
  api.post('/crons/:id', cronRun)
}

/**
 * 200 `[{"id","expression"}]`: the app's jobs, user jobs sorted by id (byte order) first, then
 * the `__pb*` system jobs in registration order (what PocketBase 0.40.4 answers). `?fields=`
 * picks keys.
 */
function cronsList(c: Context<Env>): Response {
  requireSuperuserAuth(c)
  const jobs = c.get('app').cron().jobs()
  const isSystem = (j: CronJob) => j.id.startsWith('__pb')
  const user = jobs.filter((j) => !isSystem(j)).sort((a, b) => (a.id < b.id ? -1 : 1))
  const data = [...user, ...jobs.filter(isSystem)].map((j) => j.toJSON())
  const fields = c.req.query('fields')
  return c.json(fields ? pickFields(data, fields) : data)
}

/**
 * 204 at once; the job runs in the background in this process (no once-per-minute claim: a
 * manual run always runs). 404 `Missing or invalid cron job.` for an unknown id.
 */
function cronRun(c: Context<Env>): Response {
  requireSuperuserAuth(c)
  const job = c
    .get('app')
    .cron()
    .job(c.req.param('id') ?? '')
  if (job === undefined) throw notFoundError('Missing or invalid cron job.')
  // NOTE: `run()` never rejects (a failing job is reported by the scheduler's onError).
  void job.run()
  return c.body(null, 204)
}
