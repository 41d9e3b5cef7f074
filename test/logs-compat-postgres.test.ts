// The logs-compat suite (logs-compat.test.ts), unchanged, against a Satchel that keeps its data in PostgreSQL.
import { usePostgresForSatchel } from '../src/tests/postgres.ts'

usePostgresForSatchel()
await import('./logs-compat.test.ts')
