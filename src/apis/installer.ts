import type { Hono } from 'hono'
import {
  checkInstallerToken,
  createFirstSuperuser,
  type InstallerToken,
  installerUsedError,
} from '../core/installer.ts'
import type { Env } from './middlewares.ts'
import { readRequestBody } from './request-body.ts'

/**
 * Binds `POST /api/installer` (Satchel's own; PocketBase's installer goes through a temporary
 * superuser instead, see `core/installer.ts`): `{token, email, password, passwordConfirm}` →
 * 204 once the first superuser exists. Wrong/expired/used token → 403; invalid credentials →
 * 400 with the field errors. Without an installer token (a superuser existed at start) every
 * call is a 403.
 */
export function bindInstallerApi(api: Hono<Env>, installer: InstallerToken | undefined): void {
  api.post('/installer', async (c) => {
    const body = await readRequestBody(c)
    const str = (k: string) => {
      const v = body.data[k]
      return typeof v === 'string' ? v : ''
    }
    if (installer === undefined || !checkInstallerToken(installer, str('token'))) {
      throw installerUsedError()
    }
    await createFirstSuperuser(c.get('app'), {
      email: str('email'),
      password: str('password'),
      passwordConfirm: str('passwordConfirm'),
    })
    return c.body(null, 204)
  })
}
