import type pg from 'pg';
import { backendErrors, fromPgError, isRetryablePgError } from '../backend-errors';
import type { Script, ScriptRunner, SqlOp, SqlResult } from './script';
import { sqlFor } from './script';

/** A deadlock or serialization failure makes PostgreSQL abort one side; that side runs again. */
const MAX_TX_ATTEMPTS = 5;
/** Prepared statements per connection stay bounded even if some SQL text (an IN list) varies. */
const MAX_NAMED_STATEMENTS = 1000;

/**
 * Runs scripts on a pg pool, one pooled connection per script. Writes run in a READ COMMITTED
 * transaction (each statement sees what committed before it, which the claim retry relies
 * on); snapshot reads run in a REPEATABLE READ, READ ONLY one so a count and its page agree.
 */
export class PostgresRunner implements ScriptRunner {
  readonly dialect = 'postgres' as const;
  private readonly texts = new Map<string, { name: string | null; text: string }>();
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

  async read<T>(script: () => Script<T>, options: { snapshot?: boolean } = {}): Promise<T> {
    try {
      return await this.run(script, options.snapshot ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : null);
    } catch (err) {
      throw fromPgError(err, this.label);
    }
  }

  close(): Promise<void> {
    this.closing ??= this.pool.end().catch(() => undefined);
    return this.closing;
  }

  /** `begin` null: no transaction, each statement on its own (a single-row read needs no more). */
  private async run<T>(script: () => Script<T>, begin: string | null): Promise<T> {
    if (this.closing) throw backendErrors.closed(this.label);
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      if (begin) await client.query(begin);
      const gen = script();
      let step = gen.next(undefined as unknown as SqlResult);
      while (!step.done) step = gen.next(await this.execute(client, step.value));
      if (begin) await client.query('COMMIT');
      return step.value;
    } catch (err) {
      try {
        if (begin) await client.query('ROLLBACK');
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
    const { name, text } = this.prepared(sqlFor(op.sql, 'postgres'));
    const result = await client.query(name ? { name, text, values: op.params as unknown[] } : { text, values: op.params as unknown[] });
    return op.op === 'all' ? result.rows : (result.rowCount ?? 0);
  }

  /**
   * `?` → `$1, $2…` (the ledger's SQL has no `?` inside literals), and a name per statement so
   * each connection parses and plans it once. DDL stays unnamed: it runs once, at migration.
   */
  private prepared(sql: string): { name: string | null; text: string } {
    let entry = this.texts.get(sql);
    if (entry === undefined) {
      let n = 0;
      const text = sql.replace(/\?/g, () => `$${++n}`);
      const named = this.texts.size < MAX_NAMED_STATEMENTS && /^\s*(SELECT|INSERT|UPDATE|DELETE)\b/i.test(sql);
      entry = { name: named ? `ledger_${this.texts.size + 1}` : null, text };
      this.texts.set(sql, entry);
    }
    return entry;
  }
}
