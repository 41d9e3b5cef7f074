import { describe, expect } from 'vitest'
import { apiScenarios } from '../tests/api-scenario.ts'

describe('PATCH /api/collections/_superusers (forced auth options, as PocketBase 0.40.4 answers)', () => {
  apiScenarios([
    {
      name: 'OTP on turns MFA on; OAuth2 stays off; password auth stays on (superuser)',
      method: 'PATCH',
      url: '/api/collections/_superusers',
      headers: async (app) => ({ Authorization: (await app.createSuperuser()).token }),
      body: { otp: { enabled: true }, oauth2: { enabled: true }, passwordAuth: { enabled: false } },
      expectedStatus: 200,
      afterTest: async (app, body) => {
        const c = JSON.parse(body)
        expect(c.otp.enabled).toBe(true)
        expect(c.mfa.enabled).toBe(true)
        expect(c.oauth2.enabled).toBe(false)
        expect(c.passwordAuth.enabled).toBe(true)
        expect(app.findCollectionByNameOrId('_superusers').auth?.mfa.enabled).toBe(true)
      },
    },
  ])
})
