import { describe, expect, test } from 'vitest'
import { apiScenarios } from '../tests/api-scenario.ts'
import { TestApp } from '../tests/test-app.ts'

const su = async (app: TestApp) => ({ Authorization: (await app.createSuperuser()).token })
const user = async (app: TestApp) => ({
  Authorization: (
    await app.createAuthRecord('users', { email: 'u@example.com', password: '1234567890' })
  ).token,
})

describe('GET /api/settings', () => {
  apiScenarios([
    { name: 'guest', method: 'GET', url: '/api/settings', expectedStatus: 401 },
    {
      name: 'regular user',
      method: 'GET',
      url: '/api/settings',
      headers: user,
      expectedStatus: 403,
    },
    {
      name: 'superuser (secrets removed)',
      method: 'GET',
      url: '/api/settings',
      headers: su,
      beforeTest: async (app) => {
        const s = structuredClone(app.settings())
        s.smtp.password = 'smtp-secret'
        s.s3.secret = 's3-secret'
        s.backups.s3.secret = 'backups-secret'
        await app.saveSettings(s)
      },
      expectedStatus: 200,
      expectedContent: ['"appName":"Acme"', '"batch":{', '"superuserIPs":[]', '"rateLimits":{'],
      notExpectedContent: ['smtp-secret', 's3-secret', 'backups-secret', '"password"', '"secret"'],
      expectedEvents: { onSettingsReload: 0 },
    },
    {
      name: 'superuser with fields',
      method: 'GET',
      url: '/api/settings?fields=meta.appName',
      headers: su,
      expectedStatus: 200,
      afterTest: async (_app, body) => {
        expect(JSON.parse(body)).toEqual({ meta: { appName: 'Acme' } })
      },
    },
  ])
})

describe('PATCH /api/settings', () => {
  apiScenarios([
    { name: 'guest', method: 'PATCH', url: '/api/settings', body: {}, expectedStatus: 401 },
    {
      name: 'regular user',
      method: 'PATCH',
      url: '/api/settings',
      body: {},
      headers: user,
      expectedStatus: 403,
    },
    {
      name: 'deep merge, arrays replaced, secrets kept',
      method: 'PATCH',
      url: '/api/settings',
      headers: su,
      beforeTest: async (app) => {
        const s = structuredClone(app.settings())
        s.smtp.password = 'smtp-secret'
        await app.saveSettings(s)
      },
      body: {
        meta: { appName: 'New name', unknownKey: 1 },
        smtp: { enabled: true, host: 'mail.example.com', port: 25 },
        batch: { enabled: true },
        trustedProxy: { headers: ['X-Real-IP'] },
        rateLimits: { rules: [{ label: '/api/', duration: 1, maxRequests: 5 }] },
        unknown: true,
      },
      expectedStatus: 200,
      expectedContent: [
        '"appName":"New name"',
        '"senderName":"Support"',
        '"host":"mail.example.com"',
      ],
      notExpectedContent: ['smtp-secret', 'unknownKey', '"unknown"'],
      expectedEvents: { onSettingsReload: 1 },
      afterTest: async (app) => {
        const s = app.settings()
        expect(s.smtp.password).toBe('smtp-secret')
        expect(s.smtp.port).toBe(25)
        expect(s.batch).toEqual({ enabled: true, maxRequests: 50, timeout: 3, maxBodySize: 0 })
        expect(s.rateLimits.rules).toEqual([
          { label: '/api/', audience: '', duration: 1, maxRequests: 5 },
        ])
        expect(s.trustedProxy.headers).toEqual(['X-Real-IP'])
        // persisted
        await app.reloadSettings()
        expect(app.settings().meta.appName).toBe('New name')
      },
    },
    {
      name: 'validation errors (nested, PocketBase codes)',
      method: 'PATCH',
      url: '/api/settings',
      headers: su,
      body: {
        meta: { appName: '', appURL: 'x', senderAddress: 'bad', accentColor: 'red' },
        smtp: { enabled: true, host: '', port: 0, authMethod: 'X' },
        s3: { enabled: true },
        batch: { enabled: true, maxRequests: 0, timeout: 0, maxBodySize: -1 },
        logs: { maxDays: -1 },
        rateLimits: {
          rules: [
            { label: '', duration: 0, maxRequests: 0, audience: 'x' },
            { label: '/a', duration: 1, maxRequests: 1 },
            { label: '/a', duration: 1, maxRequests: 1, audience: '@auth' },
            { label: 'x y', duration: 1, maxRequests: 1 },
          ],
          excludedIPs: ['nope'],
        },
        superuserIPs: ['10.0.0.0/8', 'bad'],
        backups: { cron: 'bad', cronMaxKeep: 0 },
      },
      expectedStatus: 400,
      expectedEvents: { onSettingsReload: 0 },
      afterTest: async (app, body) => {
        const json = JSON.parse(body) as { message: string; data: Record<string, unknown> }
        expect(json.message).toBe('An error occurred while saving the new settings.')
        const code = (path: string) =>
          path
            .split('.')
            .reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], json.data) as
            | { code: string }
            | undefined
        expect(code('meta.appName')?.code).toBe('validation_required')
        expect(code('meta.appURL')?.code).toBe('validation_is_url')
        expect(code('meta.senderAddress')?.code).toBe('validation_is_email')
        expect(code('meta.accentColor')?.code).toBe('validation_length_invalid')
        expect(code('smtp.host')?.code).toBe('validation_required')
        expect(code('smtp.port')?.code).toBe('validation_required')
        expect(code('smtp.authMethod')?.code).toBe('validation_in_invalid')
        for (const k of ['bucket', 'region', 'endpoint', 'accessKey', 'secret'])
          expect(code(`s3.${k}`)?.code).toBe('validation_required')
        expect(code('batch.maxRequests')?.code).toBe('validation_required')
        expect(code('batch.timeout')?.code).toBe('validation_required')
        expect(code('batch.maxBodySize')?.code).toBe('validation_min_greater_equal_than_required')
        expect(code('logs.maxDays')?.code).toBe('validation_min_greater_equal_than_required')
        expect(code('rateLimits.rules.0.label')?.code).toBe('validation_required')
        expect(code('rateLimits.rules.0.audience')?.code).toBe('validation_in_invalid')
        expect(code('rateLimits.rules.0.duration')?.code).toBe('validation_required')
        expect(code('rateLimits.rules.2.label')?.code).toBe(
          'validation_conflicting_rate_limit_rule',
        )
        expect(code('rateLimits.rules.3.label')?.code).toBe('validation_match_invalid')
        expect(code('rateLimits.excludedIPs.0')?.code).toBe('validation_invlaid_ip_or_subnet')
        expect(code('superuserIPs.0')).toBeUndefined()
        expect(code('superuserIPs.1')?.code).toBe('validation_invlaid_ip_or_subnet')
        expect(code('backups.cron')?.code).toBe('validation_invalid_cron')
        expect(code('backups.cronMaxKeep')?.code).toBe('validation_required')
        expect(app.settings().meta.appName).toBe('Acme')
      },
    },
    {
      name: 'too long appName',
      method: 'PATCH',
      url: '/api/settings',
      headers: su,
      body: { meta: { appName: 'a'.repeat(256) } },
      expectedStatus: 400,
      expectedContent: ['"code":"validation_length_out_of_range"', '"params":{"max":255,"min":1}'],
    },
    {
      name: 'wrong value type → load error',
      method: 'PATCH',
      url: '/api/settings',
      headers: su,
      body: { meta: { appName: 123 } },
      expectedStatus: 400,
      expectedContent: [
        '"message":"An error occurred while loading the submitted data."',
        '"data":{}',
      ],
    },
    {
      name: 'non-integer port → load error',
      method: 'PATCH',
      url: '/api/settings',
      headers: su,
      body: { smtp: { port: 1.5 } },
      expectedStatus: 400,
      expectedContent: ['An error occurred while loading the submitted data.'],
    },
    {
      name: 'malformed JSON → load error',
      method: 'PATCH',
      url: '/api/settings',
      headers: async (app) => ({ ...(await su(app)), 'content-type': 'application/json' }),
      body: '{bad' as unknown as object,
      expectedStatus: 400,
      expectedContent: ['An error occurred while loading the submitted data.'],
    },
    {
      name: 'JSON array → load error',
      method: 'PATCH',
      url: '/api/settings',
      headers: async (app) => ({ ...(await su(app)), 'content-type': 'application/json' }),
      body: '[1]' as unknown as object,
      expectedStatus: 400,
      expectedContent: ['An error occurred while loading the submitted data.'],
    },
    {
      name: 'null is the zero value (PocketBase 0.40: a blank appName fails)',
      method: 'PATCH',
      url: '/api/settings',
      headers: su,
      body: { meta: { appName: null }, batch: null },
      expectedStatus: 400,
      expectedContent: ['"meta":{"appName":{"code":"validation_required"'],
    },
    {
      name: 'null resets a section or a list to zero values',
      method: 'PATCH',
      url: '/api/settings?fields=smtp.host,batch.maxRequests,rateLimits.rules',
      headers: su,
      body: { smtp: { host: null }, batch: null, rateLimits: { rules: null } },
      expectedStatus: 200,
      afterTest: async (_app, body) => {
        expect(JSON.parse(body)).toEqual({
          batch: { maxRequests: 0 },
          rateLimits: { rules: [] },
          smtp: { host: '' },
        })
      },
    },
  ])
})

describe('settings encryption', () => {
  test('saved settings are encrypted at rest with an encryption key', async () => {
    const app = await TestApp.create()
    try {
      Object.defineProperty(app, 'config', {
        value: Object.freeze({ ...app.config, encryptionKey: 'a'.repeat(32) }),
      })
      const res = await app.request('PATCH', '/api/settings', {
        headers: { Authorization: (await app.createSuperuser()).token },
        body: { meta: { appName: 'Secret app' } },
      })
      expect(res.status).toBe(200)
      const row = await app.db.get<{ value: unknown }>(
        "SELECT value FROM `_params` WHERE id = 'settings'",
      )
      expect(String(row?.value)).not.toContain('Secret app')
      await app.reloadSettings()
      expect(app.settings().meta.appName).toBe('Secret app')
    } finally {
      await app.cleanup()
    }
  })
})
