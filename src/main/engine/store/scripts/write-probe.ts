import type { Script } from '../sql/script';
import { run } from '../sql/script';

/**
 * The start-up write probe: one real, committed write of a row the ledger owns, through the
 * same runner (and so the same transaction and error mapping) as every later write.
 *
 * Why: a database can open and answer reads yet refuse every write — an immutable or
 * read-only `ledger.sqlite` (SQLite then opens it read-only without a word), a PostgreSQL
 * role without write rights, a read-only database or standby. Migrations write nothing once
 * the schema is current, so without this the console would start, serve, and fail at its
 * first task with "attempt to write a readonly database". The refusal maps to
 * `backendErrors.unwritable` (backend-errors.ts), which says what to check.
 *
 * The update sets a column to its own value: nothing changes, but the database must take the
 * write lock, check the role's rights and write the row, as any task write would.
 */
export function* probeWrite(): Script<void> {
  yield* run('UPDATE schema_migrations SET applied_at = applied_at WHERE version = (SELECT MAX(version) FROM schema_migrations)');
}
