// The auth-flows-sdk suite (auth-flows-sdk.test.ts), unchanged, against a Satchel that keeps its data in PostgreSQL.
import { usePostgresForSatchel } from '../src/tests/postgres.ts'

usePostgresForSatchel()
await import('./auth-flows-sdk.test.ts')
