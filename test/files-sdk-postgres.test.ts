// The files-sdk suite (files-sdk.test.ts), unchanged, against a Satchel that keeps its data in PostgreSQL.
import { usePostgresForSatchel } from '../src/tests/postgres.ts'

usePostgresForSatchel()
await import('./files-sdk.test.ts')
