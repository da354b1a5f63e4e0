import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { backendErrors, fromSqliteError } from '../backend-errors';
import type { Script, ScriptRunner, SqlOp, SqlResult } from './script';
import { sqlFor } from './script';

/** Prepared statements are kept per SQL text; the set of texts is small and fixed by the code. */
const MAX_CACHED_STATEMENTS = 500;
/** Most write scripts one commit carries; bounds how long another process waits for the lock. */
const MAX_BATCH = 128;

interface Pending {
  script: () => Script<unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

/**
 * Runs scripts on one node:sqlite connection. Each script runs to completion synchronously,
 * so a transaction never outlives the call that started it (see script.ts).
 *
 * Writes use group commit: the writes asked for during one turn of the event loop run in one
 * BEGIN IMMEDIATE … COMMIT, each inside its own SAVEPOINT so a failing script (a version
 * conflict, say) rolls back alone. Callers are answered only after the COMMIT, so an answer
 * still means "durable"; fifty concurrent writers pay for one commit instead of fifty, which
 * is what makes P4's rate reachable. Scripts of a batch run in the order they were asked for.
 */
export class SqliteRunner implements ScriptRunner {
  readonly dialect = 'sqlite' as const;
  private readonly statements = new Map<string, StatementSync>();
  private queue: Pending[] = [];
  private scheduled = false;
  private closed = false;

  constructor(
    private readonly db: DatabaseSync,
    readonly label: string,
  ) {}

  write<T>(script: () => Script<T>): Promise<T> {
    if (this.closed) return Promise.reject(backendErrors.closed(this.label));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ script, resolve: resolve as (v: unknown) => void, reject });
      this.schedule();
    });
  }

  read<T>(script: () => Script<T>): Promise<T> {
    // Always a snapshot: a deferred transaction is cheap here and keeps count and page in agreement.
    if (this.closed) return Promise.reject(backendErrors.closed(this.label));
    try {
      return Promise.resolve(this.inTransaction('BEGIN', script));
    } catch (err) {
      return Promise.reject(fromSqliteError(err, this.label));
    }
  }

  /** Runs a script synchronously, alone; for opening (inspection, migrations). */
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
    // Writes already asked for are committed first.
    while (this.queue.length > 0) this.flush();
    this.closed = true;
    this.statements.clear();
    if (this.db.isOpen) this.db.close();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // After the current microtasks: every writer that is ready this turn joins the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
      if (this.queue.length > 0) this.schedule();
    });
  }

  private flush(): void {
    const batch = this.queue.splice(0, MAX_BATCH);
    if (batch.length === 0) return;
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      this.db.exec('BEGIN IMMEDIATE');
      for (const item of batch) {
        this.db.exec('SAVEPOINT script');
        try {
          outcomes.push({ ok: true, value: this.drive(item.script()) });
          this.db.exec('RELEASE script');
        } catch (error) {
          // A failure that ended the whole transaction takes the batch with it (caught below).
          if (!this.db.isTransaction) throw error;
          this.db.exec('ROLLBACK TO script');
          this.db.exec('RELEASE script');
          outcomes.push({ ok: false, error });
        }
      }
      this.db.exec('COMMIT');
    } catch (err) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      const error = fromSqliteError(err, this.label);
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, i) => {
      const o = outcomes[i]!;
      if (o.ok) item.resolve(o.value);
      else item.reject(fromSqliteError(o.error, this.label));
    });
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
    // A failing statement ends the script: its error propagates and its work is rolled back.
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
