import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'
import type PocketBase from 'pocketbase'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { cleanupAll, makeTempDir, REPO_ROOT, type ServerProcess, startSatchel } from './process.ts'
import { client, upsertSuperuser } from './sdk.ts'

/** Debian's Chromium (`apt-get install -y chromium`; `.ci/run` installs it when missing). */
export const CHROMIUM = '/usr/bin/chromium'

/** Where dashboard tests save their screenshots (git-ignored). */
export const ARTIFACTS_DIR = join(REPO_ROOT, '.artifacts', 'ui')

/** The viewports every main page is checked at. */
export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const

/** A headless Chromium with a fresh profile, and the problems its pages reported. */
export interface TestBrowser {
  readonly browser: Browser
  /** Opens a page in a fresh context at the desktop viewport (light scheme). */
  newPage(): Promise<Page>
  /**
   * Console errors, uncaught exceptions and 5xx responses seen so far. A 4xx the server sends
   * on purpose (wrong password…) is the page's business: Chromium's "Failed to load resource"
   * line for it is not counted, the tests assert what the user is shown instead.
   */
  problems(): string[]
  /**
   * Closes every open page (call before stopping the server they talk to: a page left open
   * would keep reconnecting its realtime stream and log connection errors).
   */
  closePages(): Promise<void>
  close(): Promise<void>
}

/**
 * Launches Chromium headless (no sandbox: tests run as root in CI) with a temporary profile
 * and no background traffic (the global setup built the dashboard).
 */
export async function launchBrowser(): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'satchel-chromium-'))
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
    // NOTE: playwright's launch() already gives Chromium a fresh temporary profile (it refuses
    // --user-data-dir); its own temp files go to a folder we remove.
    env: { ...process.env, TMPDIR: profile },
  })
  const problems: string[] = []
  const contexts: BrowserContext[] = []
  return {
    browser,
    async newPage() {
      const context = await browser.newContext({
        viewport: VIEWPORTS.desktop,
        colorScheme: 'light',
      })
      contexts.push(context)
      const page = await context.newPage()
      // fail with the locator's name well inside the test timeout
      page.setDefaultTimeout(10_000)
      page.on('console', (msg) => {
        if (msg.type() !== 'error') return
        if (/Failed to load resource: the server responded with a status of 4\d\d/.test(msg.text()))
          return
        problems.push(`console: ${msg.text()}`)
      })
      page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`))
      page.on('response', (res) => {
        if (res.status() >= 500)
          problems.push(`${res.status()} ${res.request().method()} ${res.url()}`)
      })
      return page
    },
    problems: () => [...problems],
    async closePages() {
      for (const c of contexts.splice(0)) await c.close().catch(() => {})
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {})
      await browser.close()
      rmSync(profile, { recursive: true, force: true, maxRetries: 5 })
    },
  }
}

/** Options of `screenshot`. */
export interface ShotOptions {
  /** Also take the dark scheme (default true). */
  readonly dark?: boolean
  /** Also take the phone viewport (default true). */
  readonly phone?: boolean
  /** Take the desktop viewport (default true); false keeps the page's current state at 390×844. */
  readonly desktop?: boolean
}

/**
 * Saves `.artifacts/ui/NAME-{light,dark}-{desktop,phone}.png` of the page's current state,
 * switching the emulated colour scheme and viewport, then restores light + desktop.
 */
export async function screenshot(page: Page, name: string, opts: ShotOptions = {}): Promise<void> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true })
  const schemes = opts.dark === false ? (['light'] as const) : (['light', 'dark'] as const)
  const sizes = (['desktop', 'phone'] as const).filter((s) =>
    s === 'phone' ? opts.phone !== false : opts.desktop !== false,
  )
  for (const size of sizes) {
    if (page.viewportSize()?.width !== VIEWPORTS[size].width)
      await page.setViewportSize(VIEWPORTS[size])
    for (const scheme of schemes) {
      await page.emulateMedia({ colorScheme: scheme })
      await page.screenshot({ path: join(ARTIFACTS_DIR, `${name}-${scheme}-${size}.png`) })
    }
  }
  await page.setViewportSize(VIEWPORTS.desktop)
  await page.emulateMedia({ colorScheme: 'light' })
}

/** Opens the dashboard and signs in through its form; resolves once the collections show. */
export async function signInToDashboard(
  page: Page,
  url: string,
  email: string,
  password: string,
): Promise<void> {
  await page.goto(`${url}/_/`)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.getByRole('navigation', { name: 'Collections' }).waitFor()
}

/**
 * Waits (10 s at most) until `serve` has printed its one-time installer link
 * (`http://…/_/install#TOKEN`, printed when no superuser exists) and returns it.
 */
export async function installerLink(server: ServerProcess): Promise<string> {
  const end = Date.now() + 10_000
  for (;;) {
    const m = /(http:\/\/\S+\/_\/install#[\w-]+)/.exec(server.output())
    if (m) return m[1]!
    if (Date.now() > end) throw new Error(`no installer link in:\n${server.output()}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** The superuser every dashboard session signs in as. */
export const DASHBOARD_EMAIL = 'admin@example.com'
/** Its password. */
export const DASHBOARD_PASSWORD = 'correct-horse-42'

/**
 * Registers the suite's `beforeAll`/`afterEach`/`afterAll` for a shared Chromium: launched once,
 * its problems printed when a test fails, closed (with `cleanupAll()`) at the end. The returned
 * browser forwards to the launched one; its members throw until `beforeAll` has run.
 */
export function useTestBrowser(): TestBrowser {
  let launched: TestBrowser | undefined
  const need = (): TestBrowser => {
    if (!launched) throw new Error('useTestBrowser: the browser is not launched yet')
    return launched
  }
  beforeAll(async () => {
    launched = await launchBrowser()
  })
  afterEach(({ task }) => {
    if (task.result?.state === 'fail') console.error(launched?.problems())
  })
  afterAll(async () => {
    await launched?.close()
    cleanupAll()
  })
  return {
    get browser() {
      return need().browser
    },
    newPage: () => need().newPage(),
    problems: () => need().problems(),
    closePages: () => need().closePages(),
    close: () => need().close(),
  }
}

/** What `useDashboardSession` holds for the suite's tests. */
export interface DashboardSession {
  /** The data dir `serve` runs on. */
  readonly dir: string
  readonly server: ServerProcess
  readonly browser: TestBrowser
  /** A desktop page signed in as `DASHBOARD_EMAIL`, shared by the suite's tests in order. */
  readonly page: Page
  /** A fresh SDK client signed in as the same superuser. */
  sdk(): Promise<PocketBase>
}

/** Options of `useDashboardSession`. */
export interface DashboardSessionOptions {
  /** Flags for `serve` (default `--workers=1`). */
  readonly args?: readonly string[]
  /** Runs on the fresh data dir before `serve` starts (e.g. to write `../pb_hooks`). */
  readonly beforeStart?: (dir: string) => void | Promise<void>
  /** Runs once the server answers, before the browser signs in (e.g. to create collections). */
  readonly seed?: (session: Pick<DashboardSession, 'dir' | 'server' | 'sdk'>) => Promise<void>
}

/**
 * One dashboard session for a suite: a fresh data dir with the superuser `DASHBOARD_EMAIL`,
 * `beforeStart`, a `satchel serve` on a free port, `seed`, then Chromium with a page signed in
 * through the login form. Registers the hooks that start it (`beforeAll`), screenshot the page of a failed test
 * (`.artifacts/ui/failed-NAME-light-desktop.png`, slashes in NAME made dashes) and stop the browser before the server
 * (`afterAll`). The returned object's fields throw until `beforeAll` has run.
 */
export function useDashboardSession(opts: DashboardSessionOptions = {}): DashboardSession {
  const browser = useTestBrowser()
  let dir: string | undefined
  let server: ServerProcess | undefined
  let page: Page | undefined
  const need = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useDashboardSession: the session is not started yet')
    return value
  }
  const sdk = async () => {
    const pb = client(need(server).url)
    await pb.collection('_superusers').authWithPassword(DASHBOARD_EMAIL, DASHBOARD_PASSWORD)
    return pb
  }
  beforeAll(async () => {
    dir = makeTempDir()
    upsertSuperuser('satchel', dir, DASHBOARD_EMAIL, DASHBOARD_PASSWORD)
    await opts.beforeStart?.(dir)
    server = await startSatchel(dir, undefined, { args: opts.args ?? ['--workers=1'] })
    await opts.seed?.({ dir, server, sdk })
    const fresh = await browser.newPage()
    await signInToDashboard(fresh, server.url, DASHBOARD_EMAIL, DASHBOARD_PASSWORD)
    page = fresh
  })
  afterEach(async ({ task }) => {
    if (task.result?.state !== 'fail' || !page) return
    await screenshot(page, `failed-${task.name.slice(0, 30).replace(/[/\\]/g, '-')}`, {
      dark: false,
      phone: false,
    })
  })
  // registered after useTestBrowser's afterAll, so vitest (hooks in 'stack' order) runs it first:
  // pages close, then the server stops, then the browser closes
  afterAll(async () => {
    await browser.closePages()
    await server?.stop()
  })
  return {
    get dir() {
      return need(dir)
    },
    get server() {
      return need(server)
    },
    browser,
    get page() {
      return need(page)
    },
    sdk,
  }
}

/** Roles of the controls a user operates, which must each have an accessible name. */
const CONTROL_ROLES = new Set([
  'button',
  'checkbox',
  'combobox',
  'link',
  'listbox',
  'menuitem',
  'radio',
  'searchbox',
  'slider',
  'spinbutton',
  'switch',
  'tab',
  'textbox',
])

/**
 * The controls of the page's current state that have no accessible name, as `role (html tag
 * #id)` lines, read from Chromium's own accessibility tree (what a screen reader gets), so
 * labels, `aria-label`, `aria-labelledby` and button text all count. Hidden nodes are skipped.
 */
export async function unnamedControls(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page)
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
      nodes: {
        ignored?: boolean
        role?: { value?: string }
        name?: { value?: string }
        backendDOMNodeId?: number
      }[]
    }
    const out: string[] = []
    for (const n of nodes) {
      const role = n.role?.value ?? ''
      if (n.ignored || !CONTROL_ROLES.has(role) || (n.name?.value ?? '').trim() !== '') continue
      const { node } = (await cdp.send('DOM.describeNode', {
        backendNodeId: n.backendDOMNodeId,
      })) as { node: { localName: string; attributes?: string[] } }
      const attrs = node.attributes ?? []
      const id = attrs[attrs.indexOf('id') + 1]
      out.push(`${role} (${node.localName}${attrs.includes('id') && id ? ` #${id}` : ''})`)
    }
    return out
  } finally {
    await cdp.detach()
  }
}
