// The hooks-serve suite (hooks-serve.test.ts), unchanged, against a Satchel that keeps its data in PostgreSQL.
import { usePostgresForSatchel } from '../src/tests/postgres.ts'

usePostgresForSatchel()
await import('./hooks-serve.test.ts')
