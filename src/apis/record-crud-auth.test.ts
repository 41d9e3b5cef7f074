import { describe, expect } from 'vitest'
import { findRecordById } from '../core/record-query.ts'
import { apiScenarios } from '../tests/api-scenario.ts'
import { IDS, memberHeaders, seedRecordsSchema, superuserHeaders } from './record-crud.seed.ts'

const MEMBERS = '/api/collections/members/records'
const M1 = `${MEMBERS}/${IDS.m1}`
const required = (k: string) => `"${k}":{"code":"validation_required","message":"Cannot be blank."}`
const mismatch = (k: string) =>
  `"${k}":{"code":"validation_values_mismatch","message":"Values don't match."}`

describe('auth collection records', () => {
  apiScenarios([
    {
      name: 'create: password and passwordConfirm required (form errors alone)',
      method: 'POST',
      url: MEMBERS,
      body: {},
      beforeTest: seedRecordsSchema,
      expectedStatus: 400,
      expectedContent: [
        '"message":"Failed to create record."',
        required('password'),
        required('passwordConfirm'),
      ],
      notExpectedContent: ['"email"'],
      expectedEvents: { onRecordCreateRequest: 1, onRecordCreate: 0, onRecordValidate: 0 },
    },
    {
      name: 'create: guest may not set verified; passwordConfirm required',
      method: 'POST',
      url: MEMBERS,
      body: { email: 'x@example.com', password: '12345678', verified: true },
      beforeTest: seedRecordsSchema,
      expectedStatus: 400,
      expectedContent: [required('passwordConfirm'), mismatch('verified')],
    },
    {
      name: 'create: passwordConfirm mismatch',
      method: 'POST',
      url: MEMBERS,
      body: { email: 'x@example.com', password: '12345678', passwordConfirm: '1234567' },
      beforeTest: seedRecordsSchema,
      expectedStatus: 400,
      expectedContent: [mismatch('passwordConfirm')],
    },
    {
      name: 'create: field validators run after the form checks',
      method: 'POST',
      url: MEMBERS,
      body: { email: 'bad', password: '1', passwordConfirm: '1' },
      beforeTest: seedRecordsSchema,
      expectedStatus: 400,
      expectedContent: [
        '"email":{"code":"validation_is_email"',
        '"password":{"code":"validation_min_text_constraint"',
      ],
    },
    {
      name: 'create: ok; email hidden from the guest, password hashed, tokenKey set',
      method: 'POST',
      url: MEMBERS,
      body: {
        email: 'x@example.com',
        password: '12345678',
        passwordConfirm: '12345678',
        name: 'X',
      },
      beforeTest: seedRecordsSchema,
      expectedStatus: 200,
      expectedContent: ['"name":"X"', '"verified":false', '"emailVisibility":false'],
      notExpectedContent: ['"email"', '"password"', '"tokenKey"', '"passwordConfirm"'],
      afterTest: async (app, body) => {
        const r = await findRecordById(app, 'members', JSON.parse(body).id)
        expect(r.getString('email')).toBe('x@example.com')
        expect((r.get('password') as { hash: string }).hash).toMatch(/^\$2[aby]\$10\$/)
        expect(r.getString('tokenKey')).toHaveLength(50)
      },
    },
    {
      name: 'create: emailVisibility true shows the email',
      method: 'POST',
      url: MEMBERS,
      body: {
        email: 'x@example.com',
        emailVisibility: true,
        password: '12345678',
        passwordConfirm: '12345678',
      },
      beforeTest: seedRecordsSchema,
      expectedStatus: 200,
      expectedContent: ['"email":"x@example.com"'],
    },
    {
      name: 'create: duplicated email → validation_not_unique',
      method: 'POST',
      url: MEMBERS,
      body: { email: 'm1@example.com', password: '12345678', passwordConfirm: '12345678' },
      beforeTest: seedRecordsSchema,
      expectedStatus: 400,
      expectedContent: ['"email":{"code":"validation_not_unique"'],
    },
    {
      name: 'create: ids are unique across auth collections',
      method: 'POST',
      url: MEMBERS,
      body: {
        id: 'shared000000001',
        password: '12345678',
        passwordConfirm: '12345678',
        email: 'y@example.com',
      },
      beforeTest: async (app) => {
        await seedRecordsSchema(app)
        await app.createAuthRecord('users', {
          id: 'shared000000001',
          email: 'u@example.com',
          password: '12345678',
        })
      },
      headers: superuserHeaders,
      expectedStatus: 400,
      expectedContent: ['"id":{"code":"validation_invalid_auth_id"'],
    },
    {
      name: 'create: superuser may set verified',
      method: 'POST',
      url: MEMBERS,
      body: {
        email: 'x@example.com',
        password: '12345678',
        passwordConfirm: '12345678',
        verified: true,
      },
      beforeTest: seedRecordsSchema,
      headers: superuserHeaders,
      expectedStatus: 200,
      expectedContent: ['"verified":true', '"email":"x@example.com"'],
    },
    {
      name: 'update: password requires passwordConfirm and oldPassword',
      method: 'PATCH',
      url: M1,
      body: { password: 'abcdefgh' },
      beforeTest: seedRecordsSchema,
      headers: memberHeaders,
      expectedStatus: 400,
      expectedContent: [
        '"message":"Failed to update record."',
        required('oldPassword'),
        required('passwordConfirm'),
      ],
    },
    {
      name: 'update: oldPassword alone requires password and passwordConfirm',
      method: 'PATCH',
      url: M1,
      body: { oldPassword: '1234567890' },
      beforeTest: seedRecordsSchema,
      headers: memberHeaders,
      expectedStatus: 400,
      expectedContent: [required('password'), required('passwordConfirm')],
      notExpectedContent: ['"oldPassword"'],
    },
    {
      name: 'update: wrong oldPassword',
      method: 'PATCH',
      url: M1,
      body: { password: 'abcdefgh', passwordConfirm: 'abcdefgh', oldPassword: 'wrong' },
      beforeTest: seedRecordsSchema,
      headers: memberHeaders,
      expectedStatus: 400,
      expectedContent: [
        '"oldPassword":{"code":"validation_invalid_old_password","message":"Missing or invalid old password."}',
      ],
    },
    {
      name: 'update: email/verified need manage access',
      method: 'PATCH',
      url: M1,
      body: { email: 'new@example.com', verified: true },
      beforeTest: seedRecordsSchema,
      headers: memberHeaders,
      expectedStatus: 400,
      expectedContent: [mismatch('email'), mismatch('verified')],
    },
    {
      name: 'update: unchanged email/verified pass',
      method: 'PATCH',
      url: M1,
      body: { email: 'm1@example.com', verified: false, name: 'nn' },
      beforeTest: seedRecordsSchema,
      headers: memberHeaders,
      expectedStatus: 200,
      expectedContent: ['"name":"nn"', '"email":"m1@example.com"'],
    },
    {
      name: 'update: password change rotates tokenKey (old tokens stop working)',
      method: 'PATCH',
      url: M1,
      body: { password: 'abcdefgh', passwordConfirm: 'abcdefgh', oldPassword: '1234567890' },
      beforeTest: seedRecordsSchema,
      headers: memberHeaders,
      expectedStatus: 200,
      afterTest: async (app) => {
        const r = await findRecordById(app, 'members', IDS.m1)
        const { comparePassword } = await import('../tools/security/password.ts')
        expect(
          await comparePassword((r.get('password') as { hash: string }).hash, 'abcdefgh'),
        ).toBe(true)
      },
    },
    {
      name: 'update: superuser sets password without oldPassword; email/verified',
      method: 'PATCH',
      url: M1,
      body: {
        email: 'm1b@example.com',
        verified: true,
        password: 'abcdefgh',
        passwordConfirm: 'abcdefgh',
      },
      beforeTest: seedRecordsSchema,
      headers: superuserHeaders,
      expectedStatus: 200,
      expectedContent: ['"email":"m1b@example.com"', '"verified":true'],
    },
    {
      name: 'update: a guest cannot set tokenKey (hidden)',
      method: 'PATCH',
      url: M1,
      body: { tokenKey: 'x'.repeat(50) },
      beforeTest: seedRecordsSchema,
      expectedStatus: 200,
      afterTest: async (app) => {
        expect((await findRecordById(app, 'members', IDS.m1)).getString('tokenKey')).not.toBe(
          'x'.repeat(50),
        )
      },
    },
  ])
})

describe('token revocation after a password change', () => {
  apiScenarios([
    {
      name: 'old token is treated as a guest afterwards',
      method: 'GET',
      url: `${M1}?fields=email`,
      beforeTest: async (app) => {
        await seedRecordsSchema(app)
        const headers = await memberHeaders(app)
        const res = await app.request('PATCH', M1, {
          headers,
          body: { password: 'abcdefgh', passwordConfirm: 'abcdefgh', oldPassword: '1234567890' },
        })
        expect(res.status).toBe(200)
        ;(app as unknown as { staleHeaders: object }).staleHeaders = headers
      },
      headers: async (app) =>
        (app as unknown as { staleHeaders: { [k: string]: string } }).staleHeaders,
      expectedStatus: 200,
      notExpectedContent: ['m1@example.com'],
    },
  ])
})
