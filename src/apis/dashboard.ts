import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Hono } from 'hono'
import { embeddedDir } from '../tools/sea/embedded-assets.ts'
import type { Env } from './middlewares.ts'
import { serveStatic } from './static.ts'

/**
 * The built dashboard (`ui/dist`, made by `npm run build:ui`, which the root `prepare` script
 * runs): two folders up from `src/apis/` and from the published `dist/apis/` alike.
 */
export const DASHBOARD_DIR = fileURLToPath(new URL('../../ui/dist/', import.meta.url))

/**
 * What the dashboard page may load: only this origin (the API included), inline styles (Svelte
 * sets style attributes), data:/blob: images (previews of files being uploaded).
 */
const DASHBOARD_CSP =
  "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; frame-ancestors 'self'; base-uri 'self'; form-action 'self'"

/**
 * Serves the dashboard at `/_/` (PocketBase's dashboard URL) with the shared static handler:
 * content-hashed bundles under `/_/assets/` cached for a year (`immutable`; a missing one is a
 * 404, never HTML), everything else revalidated (`no-cache`), and `index.html` for any other
 * path below `/_/` so the SPA's own URLs survive a reload. Without a build, a 503 says how to
 * make one. The single executable serves the copy it carries (extracted on first start).
 */
export function bindDashboard(
  router: Hono<Env>,
  dir: string = embeddedDir('ui/dist') ?? DASHBOARD_DIR,
): void {
  const files = serveStatic(dir, {
    mountPath: '/_/',
    indexFallback: true,
    immutablePrefix: 'assets/',
    cacheControl: 'no-cache',
    headers: { 'Content-Security-Policy': DASHBOARD_CSP },
  })
  router.get('/_/*', async (c): Promise<Response> => {
    if (!existsSync(join(dir, 'index.html'))) {
      return c.text('The dashboard is not built: run `npm run build:ui`.', 503, {
        'Cache-Control': 'no-store',
      })
    }
    return files(c)
  })
}
