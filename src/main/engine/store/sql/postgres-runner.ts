import type pg from 'pg';
import { fromPgError, isRetryablePgError } from '../backend-errors';
import type { Script, ScriptRunner, SqlOp, SqlResult } from './script';
import { sqlFor } from './script';

/** A deadlock or serialization failure makes PostgreSQL abort one side; that side runs again. */
const MAX_TX_ATTEMPTS = 5;

/**
 * Runs scripts on a pg pool, one pooled connection per script. Writes run in a READ COMMITTED
 * transaction (each statement sees what committed before it, which the claim retry relies
 * on); reads run in a REPEATABLE READ, READ ONLY one so a count and its page agree.
 */
export class PostgresRunner implements ScriptRunner {
  readonly dialect = 'postgres' as const;
  private readonly texts = new Map<string, string>();
  private closing: Promise<void> | null = null;

  constructor(
    private readonly pool: pg.Pool,
    readonly label: string,
    private readonly random: () => number = Math.random,
  ) {}

  async write<T>(script: () => Script<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.run(script, 'BEGIN');
      } catch (err) {
        if (attempt < MAX_TX_ATTEMPTS && isRetryablePgError(err)) {
          await new Promise((r) => setTimeout(r, this.random() * 10 * attempt));
          continue;
        }
        throw fromPgError(err, this.label);
      }
    }
  }

  async read<T>(script: () => Script<T>): Promise<T> {
    try {
      return await this.run(script, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    } catch (err) {
      throw fromPgError(err, this.label);
    }
  }

  close(): Promise<void> {
    this.closing ??= this.pool.end().catch(() => undefined);
    return this.closing;
  }

  private async run<T>(script: () => Script<T>, begin: string): Promise<T> {
    if (this.closing) throw new Error('the ledger is closed');
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query(begin);
      const gen = script();
      let step = gen.next(undefined as unknown as SqlResult);
      while (!step.done) step = gen.next(await this.execute(client, step.value));
      await client.query('COMMIT');
      return step.value;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackErr) {
        // The connection is unusable; the pool must not hand it out again.
        broken = rollbackErr as Error;
      }
      throw err;
    } finally {
      client.release(broken);
    }
  }

  private async execute(client: pg.PoolClient, op: SqlOp): Promise<SqlResult> {
    const result = await client.query(this.text(sqlFor(op.sql, 'postgres')), op.params as unknown[]);
    return op.op === 'all' ? result.rows : (result.rowCount ?? 0);
  }

  /** `?` → `$1, $2…`; the ledger's SQL has no `?` inside literals. */
  private text(sql: string): string {
    let text = this.texts.get(sql);
    if (text === undefined) {
      let n = 0;
      text = sql.replace(/\?/g, () => `$${++n}`);
      this.texts.set(sql, text);
    }
    return text;
  }
}
