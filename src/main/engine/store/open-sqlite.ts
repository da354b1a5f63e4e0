import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { systemClock } from '../core/clock';
import { backendErrors, fromSqliteError } from './backend-errors';
import { Ledger } from './ledger';
import { inspectSchema, migrate } from './migrations/migrate';
import { probeWrite } from './scripts/write-probe';
import { SqliteRunner } from './sql/sqlite-runner';
import type { LedgerOptions, Store } from './store';

export const SQLITE_FILE_NAME = 'ledger.sqlite';

export interface SqliteStoreOptions extends LedgerOptions {
  /** The database file; created (with its folder) when absent. */
  file: string;
  /** How long a writer waits for another connection's write lock (default 5 s). */
  busyTimeoutMs?: number;
}

/**
 * Opens the embedded ledger (S1): one file, WAL (readers never block the writer, and a second
 * console process may share the file), a busy timeout instead of instant "database is locked",
 * and migrations in one transaction. A damaged or foreign file is refused before anything is
 * written to it; a file that cannot be written is refused at once (see write-probe.ts).
 */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const file = resolve(options.file);
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  try {
    mkdirSync(dirname(file), { recursive: true });
  } catch (err) {
    throw backendErrors.unavailable(file, `its folder cannot be created (${(err as Error).message})`);
  }
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(file, { timeout: busyTimeoutMs, enableForeignKeyConstraints: true });
  } catch (err) {
    throw fromSqliteError(err, file);
  }
  try {
    const runner = new SqliteRunner(db, file);
    // Read before any write: a damaged, foreign or too new file fails here and stays untouched.
    runner.readSync(() => inspectSchema('sqlite', file));
    const mode = String((db.prepare('PRAGMA journal_mode = WAL').get() as { journal_mode?: unknown } | undefined)?.journal_mode);
    if (mode !== 'wal') throw backendErrors.unavailable(file, `it cannot use write-ahead logging (journal mode stays "${mode}"); keep the data folder on a local disk`);
    // NORMAL is durable across a crash of the console in WAL mode; only a power cut may lose the last commits.
    // Checkpoints (which fsync) every ~16 MB of WAL rather than 4 MB: fewer stalls at P4's write rate.
    // A 16 MB page cache keeps the hot index pages of 100 000 tasks in memory (P6 allows it).
    db.exec(
      `PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}; PRAGMA wal_autocheckpoint = 4000; PRAGMA cache_size = -16000;`,
    );
    runner.writeSync(() => migrate({ dialect: 'sqlite', label: file, now: (options.clock ?? systemClock).now() }));
    // A file SQLite could only open read-only (immutable, read-only disk) passes everything above.
    runner.writeSync(() => probeWrite());
    return new Ledger(runner, options);
  } catch (err) {
    if (db.isOpen) db.close();
    throw fromSqliteError(err, file);
  }
}
