import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { fromSqliteError } from '../backend-errors';
import type { Script, ScriptRunner, SqlOp, SqlResult } from './script';
import { sqlFor } from './script';

/** Prepared statements are kept per SQL text; the set of texts is small and fixed by the code. */
const MAX_CACHED_STATEMENTS = 500;

/**
 * Runs scripts on one node:sqlite connection. Each script runs to completion synchronously,
 * so a transaction never outlives the call that started it (see script.ts).
 */
export class SqliteRunner implements ScriptRunner {
  readonly dialect = 'sqlite' as const;
  private readonly statements = new Map<string, StatementSync>();
  private closed = false;

  constructor(
    private readonly db: DatabaseSync,
    readonly label: string,
  ) {}

  write<T>(script: () => Script<T>): Promise<T> {
    return this.settle(() => this.inTransaction('BEGIN IMMEDIATE', script));
  }

  read<T>(script: () => Script<T>): Promise<T> {
    // A deferred transaction gives the script's statements one snapshot (count and page agree).
    return this.settle(() => this.inTransaction('BEGIN', script));
  }

  /** Runs a script synchronously; for opening (inspection, migrations). */
  writeSync<T>(script: () => Script<T>): T {
    try {
      return this.inTransaction('BEGIN IMMEDIATE', script);
    } catch (err) {
      throw fromSqliteError(err, this.label);
    }
  }

  readSync<T>(script: () => Script<T>): T {
    try {
      return this.inTransaction('BEGIN', script);
    } catch (err) {
      throw fromSqliteError(err, this.label);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.statements.clear();
    if (this.db.isOpen) this.db.close();
  }

  private settle<T>(fn: () => T): Promise<T> {
    try {
      if (this.closed) throw new Error('the ledger is closed');
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(fromSqliteError(err, this.label));
    }
  }

  private inTransaction<T>(begin: string, script: () => Script<T>): T {
    this.db.exec(begin);
    try {
      const result = this.drive(script());
      this.db.exec('COMMIT');
      return result;
    } catch (err) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw err;
    }
  }

  private drive<T>(gen: Script<T>): T {
    let step = gen.next(undefined as unknown as SqlResult);
    // A failing statement ends the script: its error propagates and the transaction rolls back.
    while (!step.done) step = gen.next(this.execute(step.value));
    return step.value;
  }

  private execute(op: SqlOp): SqlResult {
    const stmt = this.statement(sqlFor(op.sql, 'sqlite'));
    if (op.op === 'all') return stmt.all(...op.params) as SqlResult;
    return Number(stmt.run(...op.params).changes);
  }

  private statement(sql: string): StatementSync {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      if (this.statements.size >= MAX_CACHED_STATEMENTS) this.statements.clear();
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }
}
