// The SDK end-to-end suite (e2e-sdk.test.ts), unchanged, against a Satchel that keeps its data
// in PostgreSQL (`SATCHEL_DB_URL`, a fresh database of a throwaway cluster).
import { usePostgresForSatchel } from '../src/tests/postgres.ts'

usePostgresForSatchel()
await import('./e2e-sdk.test.ts')
