import { LedgerError } from '../../tasks/ledger-error';
import type { Dialect, Script } from '../sql/script';
import { all, run } from '../sql/script';
import * as m001 from './001-initial';
import * as m002 from './002-task-parent-index';

interface Migration {
  version: number;
  name: string;
  statements(dialect: Dialect): string[];
}

/** Numbered, applied in order, never edited once released: a change of schema is a new file. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, ...m001 },
  { version: 2, ...m002 },
];
export const LATEST_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

export interface MigrateOptions {
  dialect: Dialect;
  /** Names the database in messages. */
  label: string;
  now: number;
  /** PostgreSQL: the schema to create and migrate (already on the connections' search_path). */
  schema?: string;
}

/**
 * Brings the schema up to {@link LATEST_VERSION} in one transaction. On PostgreSQL an advisory
 * lock makes a second console starting at the same moment wait and then find nothing to do.
 * Refuses a database that a newer ComfyFleet migrated, or one that holds someone else's tables.
 */
export function* migrate(opts: MigrateOptions): Script<{ from: number; to: number }> {
  if (opts.dialect === 'postgres') {
    const schema = opts.schema ?? 'public';
    yield* all('SELECT pg_advisory_xact_lock(?)', [advisoryKey(`comfyfleet:${schema}`)]);
    yield* run(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  }
  const from = yield* inspectSchema(opts.dialect, opts.label);
  yield* run(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at ${opts.dialect === 'sqlite' ? 'INTEGER' : 'BIGINT'} NOT NULL)`);
  const applied = (yield* all('SELECT version FROM schema_migrations ORDER BY version')).map((r) => Number(r.version));
  for (const migration of MIGRATIONS) {
    if (applied.includes(migration.version)) continue;
    for (const statement of migration.statements(opts.dialect)) yield* run(statement);
    yield* run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [migration.version, migration.name, opts.now]);
  }
  return { from, to: LATEST_VERSION };
}

/**
 * Reads which schema version the database holds (0 when empty), refusing one that holds
 * someone else's tables or a newer ComfyFleet's schema. Reads only, so a refused database is
 * left exactly as it was.
 */
export function* inspectSchema(dialect: Dialect, label: string): Script<number> {
  const tables = (
    yield* all({
      sqlite: `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`,
      postgres: `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name`,
    })
  ).map((r) => String(r.name));
  if (tables.length === 0) return 0;
  if (!tables.includes('schema_migrations')) {
    throw new LedgerError(
      'incompatible_database',
      `ledger database ${label} already holds tables that are not ComfyFleet's (${tables.slice(0, 5).join(', ')}${tables.length > 5 ? ', …' : ''}); it was left untouched. Point the console at an empty or ComfyFleet database`,
      { database: label, tables },
    );
  }
  const version = Number((yield* all('SELECT MAX(version) AS v FROM schema_migrations'))[0]?.v ?? 0);
  if (version > LATEST_VERSION) {
    throw new LedgerError(
      'incompatible_database',
      `ledger database ${label} has schema version ${version}, newer than this ComfyFleet knows (${LATEST_VERSION}); it was left untouched. Update ComfyFleet, or point it at another database`,
      { database: label, version, known: LATEST_VERSION },
    );
  }
  return version;
}

/** A stable 31-bit key for pg_advisory_xact_lock (FNV-1a), one per schema. */
function advisoryKey(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h & 0x7fffffff;
}
