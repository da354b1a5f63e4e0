import { LedgerError } from '../tasks/ledger-error';

/*
 * The one place where driver errors of SQLite (node:sqlite) and PostgreSQL (pg) become ledger
 * errors. Both map to the same codes and the same sentences, so an operator reads the same
 * message whichever database the console uses; callers decide by code.
 */

export const backendErrors = {
  busy: (label: string, detail: string) =>
    new LedgerError('store_busy', `ledger database ${label} stayed locked by other writers too long (${detail}); nothing was written. Retry; if it persists, another program is holding the database`),
  unavailable: (label: string, detail: string) =>
    new LedgerError('store_unavailable', `cannot use the ledger database ${label}: ${detail}. Check that it is running and that the database setting is right; nothing was written`),
  corrupt: (label: string, detail: string) =>
    new LedgerError(
      'corrupt_database',
      `ledger database ${label} is damaged or is not a SQLite database (${detail}). It was left untouched: move it aside or restore a backup, then start again (a missing file is created empty)`,
      { database: label },
    ),
  /**
   * The database answers reads but refuses writes: a read-only or immutable file, a full disk,
   * a role without write rights, a read-only database. Found at start by the write probe
   * (write-probe.ts), so the console refuses to start instead of failing at its first write.
   */
  unwritable: (label: string, cause: string, remedy: string) =>
    new LedgerError('store_unavailable', `ledger "${label}" cannot be written: ${cause}. ${remedy}; nothing was written`, { database: label }),
  closed: (label: string) =>
    new LedgerError('store_unavailable', `cannot use the ledger database ${label}: the ledger was closed (the engine is shutting down); nothing was written`),
  duplicate: (label: string, detail: string) => new LedgerError('conflict', `ledger database ${label}: a row with the same unique value already exists (${detail})`),
  internal: (label: string, detail: string, cause: unknown) => new LedgerError('internal', `ledger database ${label} failed: ${detail}`, undefined, { cause }),
} as const;

/** What an operator checks when a SQLite ledger refuses writes. */
export const SQLITE_WRITE_REMEDY = "Check the file's permissions (an immutable flag or a read-only disk also stop writes) and free space";
/** What an operator checks when a PostgreSQL ledger refuses writes. */
export const POSTGRES_WRITE_REMEDY =
  "Check that the role in the database URL may create, read and write the ledger's tables, that the database is not read-only (default_transaction_read_only, a standby) and that its disk has free space";

interface SqliteDriverError {
  code?: unknown;
  errcode?: unknown;
  errstr?: unknown;
  message?: unknown;
}

// SQLite primary result codes (the low byte of an extended code).
const SQLITE_PERM = 3;
const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_READONLY = 8;
const SQLITE_IOERR = 10;
const SQLITE_CORRUPT = 11;
const SQLITE_FULL = 13;
const SQLITE_CANTOPEN = 14;
const SQLITE_CONSTRAINT = 19;
const SQLITE_NOTADB = 26;
const SQLITE_CONSTRAINT_PRIMARYKEY = 1555;
const SQLITE_CONSTRAINT_UNIQUE = 2067;

export function fromSqliteError(err: unknown, label: string): Error {
  if (err instanceof LedgerError) return err;
  const e = (err ?? {}) as SqliteDriverError;
  const detail = String(e.errstr ?? e.message ?? err);
  if (e.code !== 'ERR_SQLITE_ERROR' || typeof e.errcode !== 'number') return backendErrors.internal(label, String(e.message ?? err), err);
  switch (e.errcode & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return backendErrors.busy(label, detail);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return backendErrors.corrupt(label, detail);
    case SQLITE_FULL:
      return backendErrors.unwritable(label, 'the disk is full', SQLITE_WRITE_REMEDY);
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return backendErrors.unwritable(label, detail, SQLITE_WRITE_REMEDY);
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
      return backendErrors.unavailable(label, detail);
    case SQLITE_CONSTRAINT:
      if (e.errcode === SQLITE_CONSTRAINT_UNIQUE || e.errcode === SQLITE_CONSTRAINT_PRIMARYKEY) return backendErrors.duplicate(label, String(e.message ?? detail));
      return backendErrors.internal(label, String(e.message ?? detail), err);
    default:
      return backendErrors.internal(label, String(e.message ?? detail), err);
  }
}

interface PgDriverError {
  code?: unknown;
  message?: unknown;
  detail?: unknown;
}

/**
 * SQLSTATEs of a database that refuses this console's writes: read_only_sql_transaction,
 * insufficient_privilege, disk_full. Waiting does not help; an operator must act.
 */
const PG_WRITE_REFUSALS = new Set(['25006', '42501', '53100']);

/** SQLSTATEs after which the whole transaction may simply run again. */
export function isRetryablePgError(err: unknown): boolean {
  const code = (err as PgDriverError | null)?.code;
  return code === '40P01' /* deadlock */ || code === '40001' /* serialization failure */;
}

export function fromPgError(err: unknown, label: string): Error {
  if (err instanceof LedgerError) return err;
  const e = (err ?? {}) as PgDriverError;
  const code = typeof e.code === 'string' ? e.code : '';
  const message = String(e.message ?? err);
  if (code === '23505') return backendErrors.duplicate(label, String(e.detail ?? message));
  if (PG_WRITE_REFUSALS.has(code)) return backendErrors.unwritable(label, message, POSTGRES_WRITE_REMEDY);
  if (code === '40P01' || code === '40001' || code === '55P03' || code === '57014') return backendErrors.busy(label, message);
  if (code === '3D000') return backendErrors.unavailable(label, `${message} (create the database first)`);
  if (code === '28P01' || code === '28000') return backendErrors.unavailable(label, `${message} (check the user and password in the URL)`);
  if (code.startsWith('08') || code.startsWith('57P') || code === '53300') return backendErrors.unavailable(label, message);
  if (['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'EPIPE'].includes(code)) return backendErrors.unavailable(label, message);
  if (/Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(message)) return backendErrors.unavailable(label, message);
  return backendErrors.internal(label, message, err);
}
