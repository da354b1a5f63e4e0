/*
 * Transaction scripts. Every operation of the ledger is written once, as a generator that yields
 * SQL statements and receives their results; a runner drives it against one database.
 *
 * Why generators: node:sqlite is synchronous, and a SQLite transaction must never span an
 * `await` (another connection of the same thread would then block on the file lock that this
 * one can no longer release). PostgreSQL is asynchronous. The SQLite runner drives a script in
 * one synchronous loop inside BEGIN IMMEDIATE … COMMIT; the PostgreSQL runner awaits each
 * statement inside BEGIN … COMMIT. Both run the same domain logic, so behaviour cannot drift.
 */

export type Dialect = 'sqlite' | 'postgres';

/** SQL with `?` placeholders; a statement that must differ per database gives both texts. */
export type SqlText = string | { readonly sqlite: string; readonly postgres: string };
export type SqlParam = string | number | null;
export type SqlRow = Record<string, unknown>;

export type SqlOp =
  | { readonly op: 'all'; readonly sql: SqlText; readonly params: readonly SqlParam[] }
  | { readonly op: 'run'; readonly sql: SqlText; readonly params: readonly SqlParam[] };

/** What a runner sends back for an op: rows for `all`, the number of changed rows for `run`. */
export type SqlResult = SqlRow[] | number;

export type Script<T> = Generator<SqlOp, T, SqlResult>;

export function* all(sql: SqlText, params: readonly SqlParam[] = []): Script<SqlRow[]> {
  return (yield { op: 'all', sql, params }) as SqlRow[];
}

export function* get(sql: SqlText, params: readonly SqlParam[] = []): Script<SqlRow | undefined> {
  const rows = (yield { op: 'all', sql, params }) as SqlRow[];
  return rows[0];
}

/** Runs a statement; returns how many rows it inserted, updated or deleted. */
export function* run(sql: SqlText, params: readonly SqlParam[] = []): Script<number> {
  return (yield { op: 'run', sql, params }) as number;
}

export function sqlFor(sql: SqlText, dialect: Dialect): string {
  return typeof sql === 'string' ? sql : sql[dialect];
}

/** `?, ?, ?` for an IN list. */
export function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

/** Escapes `%`, `_` and `\` for `LIKE … ESCAPE '\'`, so a search for "50%" means just that. */
export function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Drives scripts against one database. `write` runs one transaction; `read` runs on one
 * connection without taking write locks.
 */
export interface ScriptRunner {
  readonly dialect: Dialect;
  /** Names the database in messages (file path, or URL without password). */
  readonly label: string;
  write<T>(script: () => Script<T>): Promise<T>;
  /**
   * `snapshot`: the script's statements must see one moment (a count and its page, rows and
   * their events). Otherwise each statement sees what committed before it, which is cheaper.
   */
  read<T>(script: () => Script<T>, options?: { snapshot?: boolean }): Promise<T>;
  close(): Promise<void>;
}
