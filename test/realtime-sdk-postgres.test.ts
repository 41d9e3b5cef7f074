// The realtime SDK suite (realtime-sdk.test.ts), unchanged, against a Satchel that keeps its data
// in PostgreSQL: events travel between its worker processes over LISTEN/NOTIFY.
import { usePostgresForSatchel } from '../src/tests/postgres.ts'

usePostgresForSatchel()
await import('./realtime-sdk.test.ts')
