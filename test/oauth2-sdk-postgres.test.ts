// The oauth2-sdk suite (oauth2-sdk.test.ts), unchanged, against a Satchel that keeps its data in PostgreSQL.
import { usePostgresForSatchel } from '../src/tests/postgres.ts'

usePostgresForSatchel()
await import('./oauth2-sdk.test.ts')
