import { expect, test } from 'vitest'
import { TestApp } from './test-app.ts'

/**
 * One HTTP scenario in PocketBase's `tests.ApiScenario` style: a request against a fresh
 * TestApp, the expected status, substrings that must (not) appear in the body, and how many
 * times hooks fired (`{'*': 0}` = none at all).
 */
export interface ApiScenario {
  name: string
  method: string
  url: string
  headers?: { [key: string]: string } | ((app: TestApp) => Promise<{ [key: string]: string }>)
  body?: unknown
  expectedStatus: number
  expectedContent?: string[]
  notExpectedContent?: string[]
  expectedEvents?: { [hook: string]: number }
  /** Runs before the request (seed data, change settings…). */
  beforeTest?: (app: TestApp) => Promise<void>
  /** Runs after the checks, with the response body. */
  afterTest?: (app: TestApp, body: string) => Promise<void>
}

/** Registers one Vitest test per scenario. */
export function apiScenarios(scenarios: ApiScenario[]): void {
  for (const s of scenarios) {
    test(s.name, async () => {
      const app = await TestApp.create()
      try {
        await s.beforeTest?.(app)
        app.eventCalls.clear()
        const headers = typeof s.headers === 'function' ? await s.headers(app) : (s.headers ?? {})
        const init: {
          headers: { [key: string]: string }
          body?: NonNullable<RequestInit['body']> | object
        } = { headers }
        if (s.body !== undefined) init.body = s.body as object
        const res = await app.request(s.method, s.url, init)
        const text = await res.text()
        expect(res.status, text).toBe(s.expectedStatus)
        for (const c of s.expectedContent ?? []) expect(text).toContain(c)
        for (const c of s.notExpectedContent ?? []) expect(text).not.toContain(c)
        if (s.expectedEvents) {
          const { '*': all, ...named } = s.expectedEvents
          if (all === 0) expect(Object.fromEntries(app.eventCalls)).toEqual({})
          for (const [hook, n] of Object.entries(named))
            expect(app.eventCalls.get(hook) ?? 0, hook).toBe(n)
        }
        await s.afterTest?.(app, text)
      } finally {
        await app.cleanup()
      }
    })
  }
}
