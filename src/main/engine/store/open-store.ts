import { join } from 'node:path';
import type { LedgerOptions, Store } from './store';
import { openPostgresStore, isPostgresUrl } from './open-postgres';
import { openSqliteStore, SQLITE_FILE_NAME } from './open-sqlite';

export type StoreTarget = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string; schema?: string; poolSize?: number };

/**
 * Which ledger to use (U6 "database"): a `postgres://…` URL selects PostgreSQL; anything else
 * (unset) means the embedded SQLite file in the data folder.
 */
export function storeTarget(database: string | null | undefined, dataDir: string): StoreTarget {
  const d = database?.trim();
  if (d && isPostgresUrl(d)) return { kind: 'postgres', url: d };
  return { kind: 'sqlite', file: join(dataDir, SQLITE_FILE_NAME) };
}

export function openStore(target: StoreTarget, options: LedgerOptions = {}): Promise<Store> {
  return target.kind === 'postgres' ? openPostgresStore({ ...options, ...target }) : openSqliteStore({ ...options, file: target.file });
}
