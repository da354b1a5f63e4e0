import pg from 'pg';
import { systemClock } from '../core/clock';
import { ledgerErrors } from '../tasks/ledger-error';
import { Ledger } from './ledger';
import { migrate } from './migrations/migrate';
import { probeWrite } from './scripts/write-probe';
import { PostgresRunner } from './sql/postgres-runner';
import type { LedgerOptions, Store } from './store';

export interface PostgresStoreOptions extends LedgerOptions {
  /** `postgres://user:password@host:port/database` */
  url: string;
  /** Schema holding the ledger (created if absent); `public` by default. */
  schema?: string;
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** Bound on connecting (default 10 s) and on any one statement (default 30 s). */
  connectTimeoutMs?: number;
  statementTimeoutMs?: number;
}

const INT8_OID = 20;

/** Int8 (BIGINT, COUNT(*)) as a JS number: epoch ms and counts stay far below 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format ?? 'text'))) as pg.CustomTypesConfig['getTypeParser'],
};

export function isPostgresUrl(s: string): boolean {
  return /^postgres(ql)?:\/\//i.test(s);
}

/** The URL as messages show it: never the password. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

/**
 * Opens the team ledger on PostgreSQL (S2): the same schema and scripts as SQLite; one pool per
 * console, so "concurrent" means many connections. Migrations take an advisory lock, so two
 * consoles starting together migrate once. A database this console cannot write is refused at
 * start (see write-probe.ts).
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  if (!isPostgresUrl(options.url)) throw ledgerErrors.badRequest(`database URL must start with postgres:// or postgresql://, got ${redactUrl(options.url)}`);
  const schema = options.schema ?? 'public';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw ledgerErrors.badRequest(`schema name "${schema}" must be lower-case letters, digits and _, starting with a letter or _`);
  const label = `${redactUrl(options.url)}${schema === 'public' ? '' : ` (schema ${schema})`}`;
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    idleTimeoutMillis: 30_000,
    query_timeout: (options.statementTimeoutMs ?? 30_000) + 5_000,
    application_name: 'comfyfleet',
    options: `-c search_path=${schema} -c statement_timeout=${options.statementTimeoutMs ?? 30_000} -c idle_in_transaction_session_timeout=60000`,
    types,
  });
  // An idle connection that dies (server restart) must not crash the console; the next
  // checkout simply opens a new one.
  pool.on('error', () => undefined);
  const runner = new PostgresRunner(pool, label);
  try {
    await runner.write(() => migrate({ dialect: 'postgres', label, now: (options.clock ?? systemClock).now(), schema }));
    // A role that may read but not write the tables (or a read-only database) passes a no-op migration.
    await runner.write(() => probeWrite());
  } catch (err) {
    await runner.close();
    throw err;
  }
  return new Ledger(runner, options);
}
