import { describe } from 'vitest'
import { apiScenarios } from '../tests/api-scenario.ts'
import { createTestCollection, createTestRecord } from '../tests/record-fixtures.ts'
import type { TestApp } from '../tests/test-app.ts'

/** A user owning two `things` whose viewRule lets only the owner see them. */
async function seed(app: TestApp): Promise<void> {
  const { record: user } = await app.createAuthRecord('users', {
    email: 'u@example.com',
    password: '1234567890',
  })
  await createTestCollection(app, {
    name: 'things',
    fields: [
      { name: 'title', type: 'text' },
      { name: 'owner', type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 1 },
    ],
    viewRule: 'owner = @request.auth.id',
  })
  await createTestRecord(app, 'things', { title: 'a', owner: user.id })
  await createTestRecord(app, 'things', { title: 'b', owner: user.id })
}

describe('expand and fields on auth responses', () => {
  apiScenarios([
    {
      name: 'auth-with-password expands a back-relation visible to the signed-in record (guest)',
      method: 'POST',
      url: '/api/collections/users/auth-with-password?expand=things_via_owner',
      body: { identity: 'u@example.com', password: '1234567890' },
      beforeTest: seed,
      expectedStatus: 200,
      expectedContent: ['"expand":{"things_via_owner":[', '"title":"a"', '"title":"b"', '"token":'],
    },
    {
      name: 'fields picks inside the auth response, expand included',
      method: 'POST',
      url: '/api/collections/users/auth-with-password?expand=things_via_owner&fields=token,record.expand.things_via_owner.title',
      body: { identity: 'u@example.com', password: '1234567890' },
      beforeTest: seed,
      expectedStatus: 200,
      expectedContent: ['"record":{"expand":{"things_via_owner":[{"title":"a"},{"title":"b"}]}}'],
      notExpectedContent: ['"email"'],
    },
  ])
})
