import { describe } from 'vitest'
import { apiScenarios } from '../tests/api-scenario.ts'
import type { TestApp } from '../tests/test-app.ts'

const su = async (app: TestApp) => ({ authorization: (await app.createSuperuser()).token })
const patch = (name: string, body: object, expectedContent: string[]) => ({
  name,
  method: 'PATCH',
  url: '/api/collections/users',
  headers: su,
  body,
  expectedStatus: 400,
  expectedContent: ['"message":"Failed to update collection."', ...expectedContent],
})

// Expected bodies checked against PocketBase 0.40.4.
describe('auth collection options validation', () => {
  apiScenarios([
    patch('empty manageRule', { manageRule: '' }, [
      '"manageRule":{"code":"validation_nil_or_not_empty_required","message":"Cannot be blank."}',
    ]),
    patch(
      'token duration and otp limits',
      { authToken: { duration: 5 }, otp: { enabled: true, duration: 100000, length: 2 } },
      [
        '"authToken":{"duration":{"code":"validation_min_greater_equal_than_required","message":"Must be no less than 10.","params":{"threshold":10}}}',
        '"duration":{"code":"validation_max_less_equal_than_required","message":"Must be no greater than 86400.","params":{"threshold":86400}}',
        '"length":{"code":"validation_min_greater_equal_than_required","message":"Must be no less than 4.","params":{"threshold":4}}',
      ],
    ),
    patch(
      'empty templates',
      {
        verificationTemplate: { subject: '', body: '' },
        authAlert: { emailTemplate: { subject: '' } },
      },
      [
        '"authAlert":{"emailTemplate":{"subject":{"code":"validation_required"',
        '"verificationTemplate":{"body":{"code":"validation_required","message":"Cannot be blank."},"subject":{"code":"validation_required"',
      ],
    ),
    patch('mfa duration', { mfa: { enabled: true, duration: 5 }, otp: { enabled: true } }, [
      '"mfa":{"duration":{"code":"validation_min_greater_equal_than_required"',
    ]),
    patch(
      'mfa needs two methods',
      { mfa: { enabled: true }, otp: { enabled: false }, oauth2: { enabled: false } },
      ['"mfa":{"enabled":{"code":"validation_mfa_not_enough_auths"'],
    ),
    patch('short token secret', { fileToken: { secret: 'short' } }, [
      '"fileToken":{"secret":{"code":"validation_length_out_of_range","message":"The length must be between 30 and 255."',
    ]),
  ])
})
